package dev.hamonitoring.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamonitoring.render.ChartArchive;
import dev.hamonitoring.render.FileTrees;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.TarGz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The chart package")
class ChartPackagerTest {

    private static List<String> sourceFiles() throws IOException {
        Path chart = ProjectPaths.umbrellaChart();
        try (Stream<Path> files = Files.walk(chart)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> "ha-monitoring/" + chart.relativize(f).toString().replace('\\', '/'))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    @Nested
    @DisplayName("holds")
    class Holds {

        @Test
        @DisplayName("every file of the chart directory and nothing else, under ha-monitoring/, Chart.yaml first")
        void everyFile() throws IOException {
            ChartArchive archive = ReleaseFixtures.currentPackage();
            assertThat(archive.paths().get(0)).isEqualTo("ha-monitoring/Chart.yaml");
            assertThat(archive.paths()).containsExactlyInAnyOrderElementsOf(sourceFiles());
        }

        @Test
        @DisplayName("the subcharts as directories under charts/, with their templates and scripts")
        void subcharts() {
            ChartArchive archive = ReleaseFixtures.currentPackage();
            for (String sub : List.of(
                    "common", "prometheus", "thanos", "alertmanager", "grafana", "postgresql", "redis", "loki")) {
                assertThat(archive.contains("charts/" + sub + "/Chart.yaml"))
                        .as(sub)
                        .isTrue();
            }
            assertThat(archive.contains("charts/redis/scripts/sentinel-start.sh"))
                    .isTrue();
        }

        @Test
        @DisplayName("the values.schema.json the values-schema module generated, byte for byte")
        void generatedSchema() throws IOException {
            assertThat(ReleaseFixtures.currentPackage().file("values.schema.json"))
                    .hasValue(Files.readAllBytes(ProjectPaths.valuesSchemaJson()));
        }

        @Test
        @DisplayName("the overlays under environments/ and the chart README, as in the repository")
        void overlaysAndReadme() throws IOException {
            ChartArchive archive = ReleaseFixtures.currentPackage();
            for (String environment : ProjectPaths.environments()) {
                assertThat(archive.file("environments/" + environment + ".yaml"))
                        .as(environment)
                        .hasValue(Files.readAllBytes(ProjectPaths.environment(environment)));
            }
            assertThat(archive.file("README.md"))
                    .hasValue(Files.readAllBytes(ProjectPaths.umbrellaChart().resolve("README.md")));
        }

        @Test
        @DisplayName("no crds/ directory, so Argo CD's --include-crds changes nothing")
        void noCrds() {
            assertThat(ReleaseFixtures.currentPackage().paths()).noneMatch(p -> p.contains("/crds/"));
        }
    }

    @Nested
    @DisplayName("is reproducible")
    class Reproducible {

        @Test
        @DisplayName("two packagings of the same sources give the same bytes")
        void sameBytes() {
            Instant time = ProjectVersion.buildTimestamp();
            Path first = ChartPackager.chart(ProjectPaths.umbrellaChart())
                    .modifiedAt(time)
                    .packageTo(ReleaseFixtures.newDirectory("a"));
            Path second = ChartPackager.chart(ProjectPaths.umbrellaChart())
                    .modifiedAt(time)
                    .packageTo(ReleaseFixtures.newDirectory("b"));
            assertThat(TarGz.readAll(second)).isEqualTo(TarGz.readAll(first));
        }

        @Test
        @DisplayName("and holds exactly the files and bytes of helm-java's own package, only reordered and re-timed")
        void sameContentAsHelm() {
            ChartPackager packager = ChartPackager.chart(ProjectPaths.umbrellaChart());
            Map<String, byte[]> helm = TarGz.read(packager.helmPackage());
            Map<String, byte[]> ours = ReleaseFixtures.currentPackage().entries();
            assertThat(ours.keySet()).containsExactlyInAnyOrderElementsOf(helm.keySet());
            helm.forEach((path, content) -> assertThat(ours.get(path)).as(path).isEqualTo(content));
            assertThat(TarGz.gzipHeader(ReleaseFixtures.currentPackage().bytes()))
                    .as("Helm's gzip header (extra field and 'Helm' comment) is kept")
                    .isEqualTo(TarGz.gzipHeader(packager.helmPackage()));
        }

        @Test
        @DisplayName("orders subcharts by name after the chart's own files")
        void subchartOrder() {
            List<String> order = ChartPackager.order(
                    List.of(
                            "c/Chart.yaml",
                            "c/charts/z/Chart.yaml",
                            "c/charts/a/t.yaml",
                            "c/values.yaml",
                            "c/charts/a/Chart.yaml",
                            "c/charts/a/charts/n/Chart.yaml",
                            "c/charts/a/x.yaml"),
                    "c/");
            assertThat(order)
                    .containsExactly(
                            "c/Chart.yaml",
                            "c/values.yaml",
                            "c/charts/a/t.yaml",
                            "c/charts/a/Chart.yaml",
                            "c/charts/a/x.yaml",
                            "c/charts/a/charts/n/Chart.yaml",
                            "c/charts/z/Chart.yaml");
        }
    }

    @Nested
    @DisplayName("is refused")
    class Refused {

        @Test
        @DisplayName("when Chart.yaml's version is not the project version, naming the fix")
        void wrongVersion() throws IOException {
            Path copy = copyChart();
            Path chartYaml = copy.resolve("Chart.yaml");
            String text = Files.readString(chartYaml, StandardCharsets.UTF_8);
            Files.writeString(
                    chartYaml, text.replaceFirst("(?m)^version: .*$", "version: 9.9.9"), StandardCharsets.UTF_8);
            assertThatThrownBy(() -> ChartPackager.chart(copy)
                            .expectVersion(ProjectVersion.version())
                            .packageTo(ReleaseFixtures.newDirectory("out")))
                    .hasMessageContaining("has version 9.9.9 but the project version is " + ProjectVersion.version())
                    .hasMessageContaining("set 'version: " + ProjectVersion.version() + "'");
        }

        @Test
        @DisplayName("when the generated values.schema.json is missing")
        void missingSchema() throws IOException {
            Path copy = copyChart();
            Files.delete(copy.resolve("values.schema.json"));
            assertThatThrownBy(() -> ChartPackager.chart(copy)
                            .requireFiles("values.schema.json")
                            .packageTo(ReleaseFixtures.newDirectory("out")))
                    .hasMessageContaining("has no values.schema.json")
                    .hasMessageContaining("./mvnw package");
        }

        @Test
        @DisplayName("when a declared subchart is missing (Helm's own dependency check)")
        void missingSubchart() throws IOException {
            Path copy = copyChart();
            try (Stream<Path> files = Files.walk(copy.resolve("charts/grafana"))) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            assertThatThrownBy(() -> ChartPackager.chart(copy).packageTo(ReleaseFixtures.newDirectory("out")))
                    .hasMessageContaining("helm package refused")
                    .hasMessageContaining("grafana");
        }

        private Path copyChart() throws IOException {
            return FileTrees.copy(
                    ProjectPaths.umbrellaChart(),
                    ReleaseFixtures.newDirectory("copy").resolve("ha-monitoring"));
        }
    }
}
