package dev.hamonitoring.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hamonitoring.render.ChartArchive;
import dev.hamonitoring.render.ProjectPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Versions")
class VersioningTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode chartYaml() throws IOException {
        return YAML.readTree(ProjectPaths.umbrellaChart().resolve("Chart.yaml").toFile());
    }

    @Nested
    @DisplayName("the chart version")
    class ChartVersion {

        @Test
        @DisplayName("in Chart.yaml is the project version (the root pom's revision)")
        void chartYamlIsProjectVersion() throws IOException {
            String version = ProjectVersion.version();
            assertThat(chartYaml().path("version").asText())
                    .as(
                            "charts/ha-monitoring/Chart.yaml version must be the project version %s (root pom.xml <revision>):"
                                    + " set 'version: %s' in Chart.yaml",
                            version, version)
                    .isEqualTo(version);
        }

        @Test
        @DisplayName("of the packaged chart, and its file name, are the project version")
        void packagedIsProjectVersion() {
            ChartRepository repository = ReleaseFixtures.repository();
            assertThat(repository.archive().version()).isEqualTo(ProjectVersion.version());
            assertThat(repository.chartPackage().getFileName().toString())
                    .isEqualTo("ha-monitoring-" + ProjectVersion.version() + ".tgz");
        }

        @Test
        @DisplayName("Maven passes to the tests is the one the root pom declares")
        void mavenAgreesWithPom() {
            Path pom = ProjectPaths.root().resolve("pom.xml");
            assertThat(ProjectVersion.version()).isEqualTo(ProjectVersion.fromPom(pom));
            for (String module :
                    List.of("values-schema", "chart-render", "ha-analyzer", "chart-release", "chart-tests")) {
                assertThat(pom).content().contains("<module>" + module + "</module>");
                assertThat(ProjectPaths.root().resolve(module + "/pom.xml"))
                        .content()
                        .as(module)
                        .contains("<version>${revision}</version>");
            }
        }

        @Test
        @DisplayName("is a semantic version newer than the previous release")
        void newerThanPrevious() {
            SemanticVersion current = SemanticVersion.parse(ProjectVersion.version());
            SemanticVersion previous = SemanticVersion.parse(
                    ChartArchive.read(ReleaseFixtures.previousPackageFile()).version());
            assertThat(current).isGreaterThan(previous);
        }
    }

    @Nested
    @DisplayName("the app version")
    class AppVersion {

        @Test
        @DisplayName("is the Prometheus version of values.yaml (prometheus.image.tag without its v)")
        void prometheusVersion() throws IOException {
            String tag = YAML.readTree(ProjectPaths.chartValues().toFile())
                    .path("prometheus")
                    .path("image")
                    .path("tag")
                    .asText();
            assertThat(chartYaml().path("appVersion").asText())
                    .as("set appVersion: \"%s\" in Chart.yaml", tag.replaceFirst("^v", ""))
                    .isEqualTo(tag.replaceFirst("^v", ""));
        }
    }

    @Nested
    @DisplayName("the previous release fixture")
    class Previous {

        @Test
        @DisplayName("is one package named after the version its Chart.yaml declares")
        void onePackage() {
            assertThat(ReleaseFixtures.previousPackages()).hasSize(1);
            ChartArchive previous = ChartArchive.read(ReleaseFixtures.previousPackageFile());
            assertThat(ReleaseFixtures.previousPackageFile().getFileName().toString())
                    .isEqualTo(previous.name() + "-" + previous.version() + ".tgz");
            assertThat(previous.name()).isEqualTo("ha-monitoring");
        }
    }

    @Nested
    @DisplayName("semantic versions")
    class Semantic {

        @Test
        @DisplayName("order releases after their pre-releases and numerically")
        void ordering() {
            assertThat(SemanticVersion.parse("0.10.0")).isGreaterThan(SemanticVersion.parse("0.9.1"));
            assertThat(SemanticVersion.parse("1.0.0")).isGreaterThan(SemanticVersion.parse("1.0.0-rc.2"));
            assertThat(SemanticVersion.parse("1.0.0-rc.10")).isGreaterThan(SemanticVersion.parse("1.0.0-rc.2"));
            assertThat(SemanticVersion.parse("1.0.0-rc.1").isPreRelease()).isTrue();
            assertThat(SemanticVersion.parse("1.0.0+build.5").isPreRelease()).isFalse();
        }

        @Test
        @DisplayName("refuse what is not MAJOR.MINOR.PATCH")
        void refuses() {
            assertThatThrownBy(() -> SemanticVersion.parse("1.0")).hasMessageContaining("Not a semantic version");
        }
    }

    @Nested
    @DisplayName("the build timestamp")
    class Timestamp {

        @Test
        @DisplayName("is Maven's project.build.outputTimestamp, ISO-8601 or epoch seconds")
        void parses() {
            assertThat(ProjectVersion.buildTimestamp())
                    .isEqualTo(ProjectVersion.parseTimestamp(ProjectVersion.pomProperty(
                            ProjectPaths.root().resolve("pom.xml"), "project.build.outputTimestamp")));
            assertThat(ProjectVersion.parseTimestamp("1700000000")).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
            assertThatThrownBy(() -> ProjectVersion.parseTimestamp("yesterday"))
                    .hasMessageContaining("neither an ISO-8601 instant");
        }
    }
}
