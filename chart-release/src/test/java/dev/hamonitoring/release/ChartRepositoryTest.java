package dev.hamonitoring.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import dev.hamonitoring.render.ChartArchive;
import dev.hamonitoring.render.HelmJava;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import dev.hamonitoring.render.TarGz;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The chart repository")
class ChartRepositoryTest {

    private static JsonNode index() throws IOException {
        return ChartRepositoryIndex.parse(
                Files.readString(ReleaseFixtures.repository().index(), StandardCharsets.UTF_8));
    }

    @Nested
    @DisplayName("index.yaml")
    class Index {

        @Test
        @DisplayName("lists this build's package with name, version, appVersion, digest, created and a relative URL")
        void entry() throws IOException {
            JsonNode index = index();
            ChartArchive archive = ReleaseFixtures.currentPackage();
            assertThat(index.path("apiVersion").asText()).isEqualTo("v1");
            assertThat(index.path("entries").size()).isEqualTo(1);
            JsonNode versions = index.path("entries").path("ha-monitoring");
            assertThat(versions.size()).isEqualTo(1);
            JsonNode entry = versions.get(0);
            assertThat(entry.path("name").asText()).isEqualTo("ha-monitoring");
            assertThat(entry.path("version").asText()).isEqualTo(ProjectVersion.version());
            assertThat(entry.path("appVersion").asText()).isEqualTo(archive.appVersion());
            assertThat(entry.path("digest").asText())
                    .isEqualTo(archive.sha256())
                    .matches("[0-9a-f]{64}");
            assertThat(entry.path("created").asText())
                    .isEqualTo(ProjectVersion.buildTimestamp().toString());
            assertThat(index.path("generated").asText())
                    .isEqualTo(ProjectVersion.buildTimestamp().toString());
            assertThat(entry.path("urls").size()).isEqualTo(1);
            assertThat(entry.path("urls").get(0).asText())
                    .isEqualTo("ha-monitoring-" + ProjectVersion.version() + ".tgz");
        }

        @Test
        @DisplayName("carries the package's Chart.yaml metadata (kubeVersion, icon, Artifact Hub annotations)")
        void metadata() throws IOException {
            JsonNode entry = index().path("entries").path("ha-monitoring").get(0);
            JsonNode chart = ReleaseFixtures.currentPackage().chartYaml();
            for (String field : new String[] {"apiVersion", "kubeVersion", "icon", "home", "description", "type"}) {
                assertThat(entry.path(field)).as(field).isEqualTo(chart.path(field));
            }
            assertThat(entry.path("annotations")).isEqualTo(chart.path("annotations"));
            assertThat(entry.path("dependencies").size())
                    .isEqualTo(chart.path("dependencies").size());
        }

        @Test
        @DisplayName(
                "quotes versions that look like numbers and times that look like YAML timestamps, newest version first")
        void quotingAndOrder() {
            ChartArchive older = tinyChart("1.9.0", "17.5");
            ChartArchive newer = tinyChart("1.10.0", "1.0");
            String text = ChartRepositoryIndex.render(
                    List.of(
                            new ChartRepositoryIndex.Entry(older, "demo-1.9.0.tgz", Instant.EPOCH),
                            new ChartRepositoryIndex.Entry(newer, "demo-1.10.0.tgz", Instant.EPOCH)),
                    Instant.EPOCH);
            assertThat(text)
                    .contains("appVersion: \"17.5\"")
                    .contains("appVersion: \"1.0\"")
                    .contains("created: \"1970-01-01T00:00:00Z\"")
                    .contains("generated: \"1970-01-01T00:00:00Z\"");
            JsonNode versions = ChartRepositoryIndex.parse(text).path("entries").path("demo");
            assertThat(versions.get(0).path("version").asText()).isEqualTo("1.10.0");
            assertThat(versions.get(1).path("version").asText()).isEqualTo("1.9.0");
        }

        private ChartArchive tinyChart(String version, String appVersion) {
            byte[] chart = ("apiVersion: v2\nname: demo\nversion: " + version + "\nappVersion: \"" + appVersion
                            + "\"\n")
                    .getBytes(StandardCharsets.UTF_8);
            return ChartArchive.of(
                    TarGz.write(Map.of("demo/Chart.yaml", chart), 0, TarGz.plainGzipHeader()), "demo " + version);
        }
    }

    @Nested
    @DisplayName("is reproducible")
    class Reproducible {

        @Test
        @DisplayName("two builds write identical index.yaml and package bytes")
        void twoBuilds() {
            ChartRepository first = ChartRepository.build(
                    ProjectPaths.umbrellaChart(),
                    ReleaseFixtures.newDirectory("r1"),
                    ProjectVersion.version(),
                    ProjectVersion.buildTimestamp());
            ChartRepository second = ChartRepository.build(
                    ProjectPaths.umbrellaChart(),
                    ReleaseFixtures.newDirectory("r2"),
                    ProjectVersion.version(),
                    ProjectVersion.buildTimestamp());
            assertThat(TarGz.readAll(second.index())).isEqualTo(TarGz.readAll(first.index()));
            assertThat(TarGz.readAll(second.chartPackage())).isEqualTo(TarGz.readAll(first.chartPackage()));
        }

        @Test
        @DisplayName("replaces an older package left in the folder")
        void replacesOld() throws IOException {
            Path directory = ReleaseFixtures.newDirectory("r3");
            Files.write(directory.resolve("ha-monitoring-0.0.1.tgz"), new byte[] {1});
            ChartRepository.build(
                    ProjectPaths.umbrellaChart(), directory, ProjectVersion.version(), ProjectVersion.buildTimestamp());
            try (Stream<Path> files = Files.list(directory)) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .containsExactlyInAnyOrder("index.yaml", "ha-monitoring-" + ProjectVersion.version() + ".tgz");
            }
        }
    }

    @Nested
    @DisplayName("with the packages published before")
    class WithHistory {

        @Test
        @DisplayName("lists every version, newest first, each with the digest of the package next to it")
        void listsEveryVersion() throws IOException {
            Path previous = ReleaseFixtures.previousPackageFile();
            ChartRepository repository = ChartRepository.build(
                    ProjectPaths.umbrellaChart(),
                    ReleaseFixtures.newDirectory("history"),
                    ProjectVersion.version(),
                    ProjectVersion.buildTimestamp(),
                    List.of(previous));
            String previousVersion = ChartArchive.read(previous).version();
            JsonNode versions = ChartRepositoryIndex.parse(Files.readString(repository.index(), StandardCharsets.UTF_8))
                    .path("entries")
                    .path("ha-monitoring");
            assertThat(versions)
                    .extracting(v -> v.path("version").asText())
                    .containsExactly(ProjectVersion.version(), previousVersion);
            for (JsonNode version : versions) {
                Path file = repository
                        .directory()
                        .resolve(version.path("urls").get(0).asText());
                assertThat(file)
                        .as("package of %s", version.path("version").asText())
                        .isRegularFile();
                assertThat(ChartArchive.read(file).sha256())
                        .isEqualTo(version.path("digest").asText());
            }
            assertThat(repository.directory().resolve("ha-monitoring-" + previousVersion + ".tgz"))
                    .hasSameBinaryContentAs(previous);
        }

        @Test
        @DisplayName("refuses a published package that has this build's version, naming it")
        void refusesSameVersion() {
            Path current = ReleaseFixtures.repository().chartPackage();
            assertThatThrownBy(() -> ChartRepository.build(
                            ProjectPaths.umbrellaChart(),
                            ReleaseFixtures.newDirectory("clash"),
                            ProjectVersion.version(),
                            ProjectVersion.buildTimestamp(),
                            List.of(current)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(current.toString())
                    .hasMessageContaining("version " + ProjectVersion.version());
        }
    }

    @Nested
    @DisplayName("served over HTTP and added with helm repo add")
    class Served {

        @Test
        @DisplayName("renders, with the prod overlay taken from the package, exactly what the chart directory renders")
        void rendersLikeSource() throws IOException {
            Path overlay = packagedProdOverlay();
            try (ServedRepository repository =
                    ServedRepository.serve(ReleaseFixtures.repository().directory())) {
                RenderedRelease fromRepository = HelmRender.fromRepository(repository.chart("ha-monitoring"))
                        .version(ProjectVersion.version())
                        .repositoryConfig(repository.repositoryConfig())
                        .valuesFile(overlay)
                        .render();
                RenderedRelease fromSource = HelmRender.chart(ProjectPaths.umbrellaChart())
                        .valuesFile(ProjectPaths.environment("prod"))
                        .render();

                assertThat(repository.requests())
                        .containsExactly("GET /index.yaml", "GET /ha-monitoring-" + ProjectVersion.version() + ".tgz");
                assertThat(fromRepository.objects()).hasSizeGreaterThan(50);
                assertThat(fromRepository.manifest()).isEqualTo(fromSource.manifest());
            }
        }

        @Test
        @DisplayName("serves the package whose SHA-256 is the index digest")
        void digestOfServedPackage() throws IOException, InterruptedException {
            try (StaticServer server =
                    StaticServer.serve(ReleaseFixtures.repository().directory())) {
                JsonNode entry = index().path("entries").path("ha-monitoring").get(0);
                URI url = server.uri().resolve(entry.path("urls").get(0).asText());
                HttpResponse<byte[]> response = HttpClient.newBuilder()
                        .proxy(ProxySelector.of(null))
                        .build()
                        .send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(ChartArchive.sha256(response.body()))
                        .isEqualTo(entry.path("digest").asText());
            }
        }

        @Test
        @DisplayName("installs client-side (helm install --dry-run=client): chart, app version and NOTES of this build")
        void installDryRun() throws IOException {
            Path overlay = packagedProdOverlay();
            try (ServedRepository repository =
                    ServedRepository.serve(ReleaseFixtures.repository().directory())) {
                Release release = HelmJava.call(() -> Helm.install(repository.chart("ha-monitoring"))
                        .withVersion(ProjectVersion.version())
                        .withRepositoryConfig(repository.repositoryConfig())
                        .withName("monitoring")
                        .withNamespace("monitoring")
                        .withKubeVersion(HelmRender.DEFAULT_KUBE_VERSION)
                        .withValuesFile(overlay)
                        .dryRun()
                        .withDryRunOption(DryRun.CLIENT)
                        .clientOnly()
                        .call());
                assertThat(release.getChart()).isEqualTo("ha-monitoring-" + ProjectVersion.version());
                assertThat(release.getAppVersion())
                        .isEqualTo(ReleaseFixtures.currentPackage().appVersion());
                assertThat(release.getStatus()).isEqualTo("pending-install");
                assertThat(release.getOutput())
                        .contains("ha-monitoring " + ProjectVersion.version() + " is installed as release monitoring");
            }
        }

        @Test
        @DisplayName(
                "is refused by helm repo add when the folder has no index.yaml (the render above really came from it)")
        void noIndex() {
            try (StaticServer server = StaticServer.serve(ReleaseFixtures.newDirectory("empty"))) {
                Path repositories = ReleaseFixtures.newDirectory("helm-config").resolve("repositories.yaml");
                assertThatThrownBy(() -> HelmJava.call(() -> Helm.repo()
                                .add()
                                .withName("empty")
                                .withUrl(server.uri())
                                .withRepositoryConfig(repositories)
                                .call()))
                        .hasMessageContaining("is not a valid chart repository or cannot be reached");
            }
        }
    }

    /** The prod overlay as shipped inside the package, written to a file for -f. */
    private static Path packagedProdOverlay() {
        return ReleaseFixtures.currentPackage()
                .extractFile("environments/prod.yaml", ReleaseFixtures.newDirectory("overlay"));
    }
}
