package dev.hamonitoring.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hamonitoring.release.ProjectVersion;
import dev.hamonitoring.release.ReleaseFixtures;
import dev.hamonitoring.release.ServedRepository;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar ./mvnw package builds, run as a user runs it ({@code java -jar}, in its own
 * JVM, outside the checkout), on inputs rendered by other tool paths than its own render: the
 * chart served from its repository, and that manifest with an invariant broken.
 */
@DisplayName("The analyser jar")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyzerJarIT {

    private static final Path JAR = ProjectPaths.root().resolve("ha-analyzer/target/ha-analyzer.jar");

    /** Exit code and output of one run. */
    private record Run(int exit, String out, String err) {}

    private ServedRepository repository;
    private Path packagedOverlay;
    private String servedManifest;

    @TempDir
    Path outside;

    @BeforeAll
    void serve() throws IOException {
        assertThat(JAR).as("built by ./mvnw package (ha-analyzer module)").isRegularFile();
        repository = ServedRepository.serve(ReleaseFixtures.repository().directory());
        packagedOverlay = ReleaseFixtures.currentPackageDir().resolve("environments/prod.yaml");
        servedManifest = HelmRender.fromRepository(repository.chart("ha-monitoring") + "@" + ProjectVersion.version())
                .repositoryConfig(repository.repositoryConfig())
                .valuesFile(packagedOverlay)
                .manifest();
    }

    @AfterAll
    void stop() {
        if (repository != null) {
            repository.close();
        }
    }

    private Run java(Path workDir, String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(outside, "out", ".txt");
        Path err = Files.createTempFile(outside, "err", ".txt");
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(process.waitFor(120, TimeUnit.SECONDS))
                .as("the jar finishes")
                .isTrue();
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Nested
    @DisplayName("in a checkout")
    class InCheckout {

        @Test
        @DisplayName(
                "reports prod (the default overlay) with exit 0, and with a values file that drops a budget, exit 1")
        void valuesFiles() throws Exception {
            Run prod = java(ProjectPaths.root(), "");
            Run broken = java(
                    ProjectPaths.root(),
                    "",
                    "-f",
                    ProjectPaths.root()
                            .resolve(
                                    "ha-analyzer/src/test/resources/analysis/pod-disruption-budgets--prometheus-without-pdb.yaml")
                            .toString());

            assertThat(prod.exit()).as(prod.out() + prod.err()).isZero();
            assertThat(prod.out()).contains("HA report: overlay prod", "Findings: none");
            assertThat(broken.exit()).as(broken.out() + broken.err()).isEqualTo(1);
            assertThat(broken.out()).contains("pod-disruption-budgets", "prometheus.podDisruptionBudget.enabled: true");
        }
    }

    @Nested
    @DisplayName("outside any checkout")
    class Outside {

        @Test
        @DisplayName("passes the manifest rendered from the served repository, read from stdin")
        void servedManifest() throws Exception {
            Run run = java(outside, servedManifest, "-", "-f", packagedOverlay.toString());

            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("HA report: overlay manifest (stdin), release monitoring", "Findings: none");
        }

        @Test
        @DisplayName("fails that manifest once its Prometheus budget is gone, naming the check")
        void brokenManifest() throws Exception {
            String broken = Manifests.without(servedManifest, "PodDisruptionBudget", "monitoring-prometheus");
            Run run = java(outside, broken, "-", "-f", packagedOverlay.toString(), "--json");

            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
            JsonNode report = new ObjectMapper().readTree(run.out());
            assertThat(report.path("findings").findValuesAsText("check")).contains("pod-disruption-budgets");
        }

        @Test
        @DisplayName("renders repo/chart@version itself through the repository config, like the served manifest")
        void repositoryChart() throws Exception {
            Run run = java(
                    outside,
                    "",
                    "--chart",
                    repository.chart("ha-monitoring") + "@" + ProjectVersion.version(),
                    "--repository-config",
                    repository.repositoryConfig().toString(),
                    "-f",
                    packagedOverlay.toString());

            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("of " + repository.chart("ha-monitoring"), "Findings: none");
        }

        @Test
        @DisplayName("refuses, with exit 2, to guess a chart it was not given")
        void noChart() throws Exception {
            Run run = java(outside, "");

            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.err()).contains("pass --chart");
        }
    }
}
