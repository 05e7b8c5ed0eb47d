package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamonitoring.schema.SchemaDiscipline;
import dev.hamonitoring.schema.SchemaDocuments;
import dev.hamonitoring.schema.SchemaGenerator;
import dev.hamonitoring.schema.SchemaValuesConsistency;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The chart's real schema: disciplined, in step with values.yaml, and what Helm actually uses. */
@DisplayName("The values schema")
class ValuesSchemaTest {

    @Test
    @DisplayName("describes every key and closes every object of ours")
    void disciplined() {
        assertThat(SchemaDiscipline.check(SchemaDocuments.readYaml(ProjectPaths.valuesSchemaSource())))
                .isEmpty();
    }

    @Test
    @DisplayName("declares every key of values.yaml, and values.yaml gives every declared key a default")
    void consistentWithValues() {
        assertThat(SchemaValuesConsistency.check(ProjectPaths.valuesSchemaSource(), ProjectPaths.chartValues()))
                .isEmpty();
    }

    @Test
    @DisplayName("is the JSON the chart carries in git (generated from the YAML source and committed)")
    void generatedCopyIsCurrent() throws IOException {
        assertThat(Files.readString(ProjectPaths.valuesSchemaJson()))
                .isEqualTo(SchemaGenerator.toJson(ProjectPaths.valuesSchemaSource()));
    }

    @Test
    @DisplayName("makes Helm reject an unknown key with its path")
    void rejectsUnknownKey() {
        assertThatThrownBy(() ->
                        Releases.render("prod").set("prometheus.replica", "3").render())
                .isInstanceOf(ChartRenderException.class)
                .hasMessageContaining("at '/prometheus': additional properties 'replica' not allowed");
    }

    @Test
    @DisplayName("makes the chart directory itself, as a git checkout has it, refuse a mistyped value with its path")
    void checkoutRefusesWrongType() {
        HelmRender checkout =
                HelmRender.chart(ProjectPaths.umbrellaChart()).valuesFile(ProjectPaths.environment("prod"));
        assertThatThrownBy(() -> checkout.set("prometheus.replicas", "two").render())
                .isInstanceOf(ChartRenderException.class)
                .hasMessageContaining("/prometheus/replicas");
        assertThat(checkout.set("prometheus.replicas", "2").render().objects()).isNotEmpty();
    }
}
