package dev.hamonitoring.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.render.ChartArchive;
import dev.hamonitoring.render.ProjectPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The chart repository the {@code package} phase wrote ({@code chart-release/target/chart-repo/}),
 * checked after it was written (failsafe runs in integration-test, after package).
 */
@DisplayName("The chart repository written by the package phase")
class ChartRepositoryIT {

    private static Path repository() {
        return ProjectPaths.root().resolve("chart-release/target/chart-repo");
    }

    @Test
    @DisplayName("holds index.yaml and this version's package, whose digest the index states")
    void indexAndPackage() throws IOException {
        Path tgz = repository().resolve("ha-monitoring-" + ProjectVersion.version() + ".tgz");
        assertThat(tgz).as("run ./mvnw package first").isRegularFile();
        JsonNode index = ChartRepositoryIndex.parse(
                Files.readString(repository().resolve("index.yaml"), StandardCharsets.UTF_8));
        JsonNode entry = index.path("entries").path("ha-monitoring").get(0);
        assertThat(entry.path("version").asText()).isEqualTo(ProjectVersion.version());
        assertThat(entry.path("digest").asText()).isEqualTo(ChartArchive.sha256(Files.readAllBytes(tgz)));
        assertThat(entry.path("urls").get(0).asText())
                .isEqualTo(tgz.getFileName().toString());
    }

    @Test
    @DisplayName("is byte-identical to a repository built again from the same sources")
    void reproducible() throws IOException {
        ChartRepository again = ChartRepository.build(
                ProjectPaths.umbrellaChart(),
                ReleaseFixtures.newDirectory("again"),
                ProjectVersion.version(),
                ProjectVersion.buildTimestamp());
        assertThat(Files.readAllBytes(repository().resolve("index.yaml"))).isEqualTo(Files.readAllBytes(again.index()));
        assertThat(Files.readAllBytes(
                        repository().resolve(again.chartPackage().getFileName().toString())))
                .isEqualTo(Files.readAllBytes(again.chartPackage()));
    }

    @Test
    @DisplayName("packages the committed values.schema.json")
    void schema() throws IOException {
        ChartArchive archive =
                ChartArchive.read(repository().resolve("ha-monitoring-" + ProjectVersion.version() + ".tgz"));
        assertThat(archive.file("values.schema.json")).hasValue(Files.readAllBytes(ProjectPaths.valuesSchemaJson()));
    }
}
