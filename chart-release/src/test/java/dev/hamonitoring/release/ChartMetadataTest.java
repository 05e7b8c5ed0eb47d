package dev.hamonitoring.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hamonitoring.render.ProjectPaths;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Chart metadata (as packaged, what Helm and Artifact Hub read)")
class ChartMetadataTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode chart() {
        return ReleaseFixtures.currentPackage().chartYaml();
    }

    private static JsonNode annotation(String name) throws IOException {
        JsonNode value = chart().path("annotations").path(name);
        assertThat(value.isTextual()).as("annotation %s", name).isTrue();
        return YAML.readTree(value.asText());
    }

    /** registry/repository:tag of every image block (registry, repository, tag) of a values tree. */
    static Set<String> valuesImages(JsonNode values) {
        Set<String> images = new TreeSet<>();
        collectValuesImages(values, images);
        return images;
    }

    private static void collectValuesImages(JsonNode node, Set<String> images) {
        if (node.isObject()) {
            if (node.path("registry").isTextual() && node.path("repository").isTextual() && node.has("tag")) {
                images.add(node.path("registry").asText() + "/"
                        + node.path("repository").asText() + ":"
                        + node.path("tag").asText());
            }
            node.forEach(child -> collectValuesImages(child, images));
        } else if (node.isArray()) {
            node.forEach(child -> collectValuesImages(child, images));
        }
    }

    /** Every container image and CloudNativePG imageName of rendered objects. */
    static Set<String> renderedImages(List<HasMetadata> objects) {
        Set<String> images = new TreeSet<>();
        for (HasMetadata object : objects) {
            collectRendered(TemplatesWithHooks.canonical(object), null, images);
        }
        return images;
    }

    private static void collectRendered(JsonNode node, String field, Set<String> images) {
        if (node.isObject()) {
            if (node.path("imageName").isTextual()) {
                images.add(node.path("imageName").asText());
            }
            node.properties().forEach(e -> collectRendered(e.getValue(), e.getKey(), images));
        } else if (node.isArray()) {
            if ("containers".equals(field) || "initContainers".equals(field)) {
                node.forEach(container -> images.add(container.path("image").asText()));
            }
            node.forEach(child -> collectRendered(child, null, images));
        }
    }

    @Nested
    @DisplayName("artifacthub.io/images")
    class Images {

        private Set<String> annotated() throws IOException {
            Set<String> images = new TreeSet<>();
            List<String> names = new ArrayList<>();
            for (JsonNode image : annotation("artifacthub.io/images")) {
                images.add(image.path("image").asText());
                names.add(image.path("name").asText());
            }
            assertThat(names).doesNotContain("").doesNotHaveDuplicates();
            return images;
        }

        @Test
        @DisplayName("lists exactly the images of values.yaml, with their tags")
        void matchValues() throws IOException {
            assertThat(annotated())
                    .isEqualTo(valuesImages(
                            YAML.readTree(ProjectPaths.chartValues().toFile())));
        }

        @Test
        @DisplayName(
                "lists exactly the images the chart renders (prod with Loki and the dashboard sidecar on, the helm test Pod included)")
        void matchRendered() throws IOException {
            assertThat(annotated())
                    .isEqualTo(renderedImages(ReleaseFixtures.withHooks("prod", "loki-on", "dashboards-sidecar")
                            .allObjects()));
        }

        @Test
        @DisplayName("would differ from the render if a tag changed in values.yaml only")
        void negativeTwin() throws IOException {
            JsonNode values = YAML.readTree(ProjectPaths.chartValues().toFile());
            ((ObjectNode) values.path("grafana").path("image")).put("tag", "0.0.0");
            assertThat(valuesImages(values)).isNotEqualTo(annotated()).contains("docker.io/grafana/grafana:0.0.0");
        }
    }

    @Nested
    @DisplayName("Artifact Hub annotations")
    class ArtifactHub {

        @Test
        @DisplayName("declare the Apache-2.0 license, a category and whether the version is a pre-release")
        void basics() {
            JsonNode annotations = chart().path("annotations");
            assertThat(annotations.path("artifacthub.io/license").asText()).isEqualTo("Apache-2.0");
            assertThat(annotations.path("artifacthub.io/category").asText()).isEqualTo("monitoring-logging");
            assertThat(annotations.path("artifacthub.io/prerelease").asText())
                    .as("artifacthub.io/prerelease must be \"true\" exactly when the version has a pre-release part")
                    .isEqualTo(String.valueOf(SemanticVersion.parse(
                                    ReleaseFixtures.currentPackage().version())
                            .isPreRelease()));
            assertThat(annotations
                            .path("artifacthub.io/containsSecurityUpdates")
                            .asText())
                    .isIn("true", "false");
        }

        @Test
        @DisplayName("list this version's changes, each with a known kind and a description")
        void changes() throws IOException {
            JsonNode changes = annotation("artifacthub.io/changes");
            assertThat(changes.isArray()).isTrue();
            assertThat(changes.size()).isPositive();
            for (JsonNode change : changes) {
                assertThat(change.path("kind").asText())
                        .isIn("added", "changed", "deprecated", "removed", "fixed", "security");
                assertThat(change.path("description").asText()).isNotBlank();
            }
        }

        @Test
        @DisplayName("link only to https addresses")
        void links() throws IOException {
            for (String name : List.of("artifacthub.io/links", "artifacthub.io/recommendations")) {
                for (JsonNode link : annotation(name)) {
                    assertThat(link.path("url").asText()).as(name).startsWith("https://");
                }
            }
        }
    }

    @Nested
    @DisplayName("Chart.yaml")
    class ChartYaml {

        @Test
        @DisplayName("has an https icon, home, sources and maintainers, and a kubeVersion constraint")
        void fields() {
            JsonNode chart = chart();
            assertThat(chart.path("icon").asText()).startsWith("https://").endsWith(".png");
            assertThat(chart.path("home").asText()).startsWith("https://");
            assertThat(chart.path("sources").size()).isPositive();
            chart.path("sources").forEach(source -> assertThat(source.asText()).startsWith("https://"));
            assertThat(chart.path("maintainers").size()).isPositive();
            chart.path("maintainers")
                    .forEach(m -> assertThat(m.path("name").asText()).isNotBlank());
            assertThat(chart.path("kubeVersion").asText()).startsWith(">=");
            assertThat(chart.path("type").asText()).isEqualTo("application");
        }

        @Test
        @DisplayName("is what the chart directory says (Helm only re-serializes it)")
        void sameAsSource() throws IOException {
            JsonNode source = YAML.readTree(
                    ProjectPaths.umbrellaChart().resolve("Chart.yaml").toFile());
            assertThat(chart()).isEqualTo(source);
        }
    }
}
