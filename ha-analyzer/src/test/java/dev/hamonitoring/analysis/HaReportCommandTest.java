package dev.hamonitoring.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import dev.hamonitoring.render.FileTrees;
import dev.hamonitoring.render.HelmJava;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The ha-report command")
class HaReportCommandTest {

    /** Exit code and output of one run. */
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        return runWithInput("", args);
    }

    private static Run runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = HaReportCommand.run(
                args,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The prod overlay rendered by the render API, as a user's own helm template would print it. */
    private static String prodManifest() {
        return HelmRender.chart(ProjectPaths.umbrellaChart())
                .valuesFile(ProjectPaths.environment("prod"))
                .manifest();
    }

    private static String values(String file) {
        return AnalysisFixtures.VALUES_DIR.resolve(file).toString();
    }

    @Nested
    @DisplayName("exit code")
    class ExitCode {

        @Test
        @DisplayName(
                "is 0 for prod on its default 3x2 topology, whose text report says it survives any node and any zone")
        void prodPasses() {
            Run run = run();
            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(HaReportCommand.OK);
            assertThat(run.out())
                    .contains(
                            "HA report: overlay prod, release monitoring, namespace monitoring",
                            "Stack: survives loss of any node: yes; of any zone: yes",
                            "Findings: none (13 checks");
        }

        @Test
        @DisplayName("is 0 for dev on one node, which is reported as not surviving the node's loss")
        void devReportedNotFailed() {
            Run run = run("dev", "--topology", "1x1");
            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(HaReportCommand.OK);
            assertThat(run.out()).contains("Stack: survives loss of any node: NO; of any zone: NO", "Findings: none");
        }

        @Test
        @DisplayName("is 1 for a broken overlay, and names the check and the value to change")
        void brokenOverlayFails() {
            Run run = run("prod", "-f", values("pod-disruption-budgets--prometheus-without-pdb.yaml"));
            assertThat(run.exit()).isEqualTo(HaReportCommand.FINDINGS);
            assertThat(run.out())
                    .contains(
                            "[ERROR] pod-disruption-budgets  StatefulSet/monitoring-prometheus",
                            "change: prometheus.podDisruptionBudget.enabled: true");
        }

        @Test
        @DisplayName("is 1 for prod on nodes without its dedicated pool (--pool none): no eligible node")
        void poolLessTopologyFails() {
            Run run = run("prod", "--pool", "none");
            assertThat(run.exit()).isEqualTo(HaReportCommand.FINDINGS);
            assertThat(run.out()).contains("NO ELIGIBLE NODE", "node lacks label workload-pool=monitoring");
        }

        @Test
        @DisplayName("is 2 for an unknown option, with the usage")
        void usageError() {
            Run run = run("--topolgy", "3x2");
            assertThat(run.exit()).isEqualTo(HaReportCommand.ERROR);
            assertThat(run.err()).contains("unknown option --topolgy", "Usage: java -jar ha-analyzer.jar");
        }

        @Test
        @DisplayName("is 2 for an overlay that does not exist")
        void unknownOverlay() {
            Run run = run("production");
            assertThat(run.exit()).isEqualTo(HaReportCommand.ERROR);
            assertThat(run.err()).contains("No overlay 'production'");
        }

        @Test
        @DisplayName("is 2 when the chart refuses to render, with Helm's message")
        void renderError() {
            Run run = run("prod", "-f", values("render-error--two-compactors.yaml"));
            assertThat(run.exit()).isEqualTo(HaReportCommand.ERROR);
            // The values schema or the compactor template's guard, whichever speaks first.
            assertThat(run.err()).contains("the chart does not render").containsPattern("compactor[./]replicas");
        }
    }

    @Nested
    @DisplayName("options")
    class Options {

        @Test
        @DisplayName("--json prints the same report as JSON")
        void json() throws Exception {
            Run run = run("prod", "--topology", "1x3", "--json");
            assertThat(run.exit()).isEqualTo(HaReportCommand.OK);
            JsonNode report = new ObjectMapper().readTree(run.out());
            assertThat(report.path("survivesAnyNode").asBoolean()).isTrue();
            assertThat(report.path("survivesAnyZone").asBoolean()).isFalse();
            assertThat(report.path("findings").isArray()).isTrue();
            assertThat(report.path("findings")).isEmpty();
            assertThat(report.path("checks")).hasSize(13);
            JsonNode alertmanager = null;
            for (JsonNode c : report.path("components")) {
                if ("alertmanager".equals(c.path("component").asText())) {
                    alertmanager = c;
                }
            }
            assertThat(alertmanager).isNotNull();
            assertThat(alertmanager.path("zoneLoss").path("reason").asText())
                    .endsWith("every eligible node is in zone zone-a");
        }

        @Test
        @DisplayName("--topology reads a YAML file of nodes")
        void topologyFile(@TempDir Path dir) throws Exception {
            Path nodes = dir.resolve("two-nodes.yaml");
            Files.writeString(nodes, """
                    nodes:
                      - {name: n1, zone: z1, labels: {workload-pool: monitoring}, taints: ["dedicated=monitoring:NoSchedule"]}
                      - {name: n2, zone: z2, labels: {workload-pool: monitoring}, taints: ["dedicated=monitoring:NoSchedule"]}
                    """);
            Run run = run("prod", "--topology", nodes.toString());
            assertThat(run.exit()).isEqualTo(HaReportCommand.FINDINGS);
            assertThat(run.out())
                    .contains(
                            "Topology two-nodes.yaml: 2 nodes in 2 zones (z1, z2)",
                            "stay Pending on topology two-nodes.yaml");
        }

        @Test
        @DisplayName("--external declares a name the overlay does not")
        void external() {
            Run undeclared = run("prod", "-f", values("references--unknown-priority-class.yaml"));
            Run declared = run(
                    "prod",
                    "-f",
                    values("references--unknown-priority-class.yaml"),
                    "--external",
                    "PriorityClass/platform-critical");
            assertThat(undeclared.exit()).isEqualTo(HaReportCommand.FINDINGS);
            assertThat(declared.exit()).as(declared.out()).isEqualTo(HaReportCommand.OK);
        }
    }

    @Nested
    @DisplayName("inputs other than this checkout's overlays")
    class Inputs {

        @Test
        @DisplayName(
                "a manifest on stdin (-) passes like the overlay it was rendered from, naming itself, release and namespace")
        void manifestOnStdin() {
            Run run = runWithInput(
                    prodManifest(), "-", "-f", ProjectPaths.environment("prod").toString());
            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(HaReportCommand.OK);
            assertThat(run.out())
                    .contains(
                            "HA report: overlay manifest (stdin), release monitoring, namespace monitoring",
                            "Stack: survives loss of any node: yes; of any zone: yes",
                            "Findings: none");
        }

        @Test
        @DisplayName("the same manifest without the Prometheus budget fails the disruption-budget check")
        void brokenManifest() {
            Run run = runWithInput(
                    Manifests.without(prodManifest(), "PodDisruptionBudget", "monitoring-prometheus"),
                    "-",
                    "-f",
                    ProjectPaths.environment("prod").toString());
            assertThat(run.exit()).isEqualTo(HaReportCommand.FINDINGS);
            assertThat(run.out()).contains("[ERROR] pod-disruption-budgets  StatefulSet/monitoring-prometheus");
        }

        @Test
        @DisplayName("a manifest file (--manifest) is read like stdin; the pool comes from the rendered pods")
        void manifestFile(@TempDir Path dir) throws Exception {
            Path file = Files.writeString(dir.resolve("prod.yaml"), prodManifest());
            Run run = run(
                    "--manifest",
                    file.toString(),
                    "-f",
                    ProjectPaths.environment("prod").toString(),
                    "--json");
            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(HaReportCommand.OK);
            JsonNode report = new ObjectMapper().readTree(run.out());
            assertThat(report.path("overlay").asText()).isEqualTo("manifest " + file);
            assertThat(report.path("topology").asText()).contains("workload-pool=monitoring");
        }

        @Test
        @DisplayName("a manifest whose Secrets nobody declares existing is reported, not assumed")
        void manifestWithoutValues() {
            Run run = runWithInput(prodManifest(), "-");
            assertThat(run.exit()).isEqualTo(HaReportCommand.FINDINGS);
            assertThat(run.out()).contains("references");
        }

        @Test
        @DisplayName("is 2 for input that is not a manifest, for an empty one, and for a manifest with an overlay")
        void badManifests() {
            Run garbage = runWithInput("kind: [unclosed", "-");
            Run empty = runWithInput("# nothing\n", "-");
            Run both = runWithInput(prodManifest(), "prod", "-");
            Run missing = run("--manifest", "no-such-manifest.yaml");
            assertThat(garbage.exit()).isEqualTo(HaReportCommand.ERROR);
            assertThat(garbage.err()).contains("the manifest cannot be read as Kubernetes objects");
            assertThat(empty.exit()).isEqualTo(HaReportCommand.ERROR);
            assertThat(empty.err()).contains("manifest (stdin) holds no Kubernetes object");
            assertThat(both.exit()).isEqualTo(HaReportCommand.ERROR);
            assertThat(both.err()).contains("drop the overlay prod");
            assertThat(missing.exit()).isEqualTo(HaReportCommand.ERROR);
            assertThat(missing.err()).contains("Manifest file not found: no-such-manifest.yaml");
        }

        @Test
        @DisplayName("--chart takes a packaged chart and finds the overlays shipped inside it")
        void packagedChart(@TempDir Path dir) throws Exception {
            Path copy = FileTrees.copy(ProjectPaths.umbrellaChart(), dir.resolve("ha-monitoring"));
            Path out = dir.resolve("out");
            HelmJava.call(() -> new Helm(copy).packageIt().withDestination(out).call());
            String tgz;
            try (Stream<Path> files = Files.list(out)) {
                tgz = files.filter(f -> f.toString().endsWith(".tgz"))
                        .findFirst()
                        .orElseThrow()
                        .toString();
            }
            Run prod = run("prod", "--chart", tgz);
            Run broken =
                    run("prod", "--chart", tgz, "-f", values("pod-disruption-budgets--prometheus-without-pdb.yaml"));
            assertThat(prod.exit()).as(prod.out() + prod.err()).isEqualTo(HaReportCommand.OK);
            assertThat(prod.out()).contains("HA report: overlay prod of " + tgz);
            assertThat(broken.exit()).isEqualTo(HaReportCommand.FINDINGS);
        }

        @Test
        @DisplayName("is 2 for a --chart that is neither a directory, a package nor repo/chart, naming it")
        void badChart() {
            Run run = run("--chart", "./no-such-chart");
            assertThat(run.exit()).isEqualTo(HaReportCommand.ERROR);
            assertThat(run.err()).contains("--chart ./no-such-chart is neither a chart directory");
        }
    }
}
