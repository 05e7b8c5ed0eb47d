package dev.hamonitoring.pods;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hamonitoring.render.RenderedRelease;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The real-pod profile of the previous release")
class PreviousReleaseProfileTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    @DisplayName("is real-pods.yaml with the store gateway's values under the previous version's key")
    void sameProfileInThePreviousKeys() throws IOException {
        ObjectNode current =
                (ObjectNode) YAML.readTree(RealPodsProfile.valuesFile().toFile());
        ObjectNode thanos = (ObjectNode) current.path("thanos");
        JsonNode store = thanos.remove("store");
        assertThat(store).as("thanos.store of real-pods.yaml").isNotNull();
        thanos.set("storeGateway", store);
        assertThat(YAML.readTree(PreviousRelease.valuesFile().toFile())).isEqualTo(current);
    }

    @Test
    @DisplayName(
            "renders with the previous package's schema, only images the layer makes besides Grafana and PostgreSQL")
    void rendersWithMakeableImages(@TempDir Path temp) {
        RenderedRelease previous = PreviousRelease.render(temp);
        Set<String> images = RealClusterExtension.chartImages(previous);
        assertThat(images).anyMatch(i -> i.endsWith("/library/redis:7.4.2"));
        assertThat(PodImages.unobtainable(images)).allMatch(i -> i.contains("/grafana/grafana:"));
    }
}
