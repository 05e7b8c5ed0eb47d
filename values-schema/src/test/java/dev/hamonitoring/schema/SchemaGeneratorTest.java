package dev.hamonitoring.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The schema generator")
class SchemaGeneratorTest {

    @TempDir
    Path temp;

    private Path target() {
        return temp.resolve("charts/ha-monitoring/values.schema.json");
    }

    @Nested
    @DisplayName("given a schema that follows the rules")
    class GoodSource {

        @Test
        @DisplayName("writes exactly the expected pretty JSON (golden file)")
        void writesGoldenJson() throws IOException {
            assertThat(SchemaGenerator.generate(Fixtures.schema("good"), target()))
                    .isTrue();

            assertThat(Files.readString(target(), StandardCharsets.UTF_8))
                    .isEqualTo(Files.readString(Fixtures.path("expected/good.schema.json"), StandardCharsets.UTF_8));
        }

        @Test
        @DisplayName("formats with 2-space indent, \"key\": value, LF line ends and a trailing newline")
        void formatting() throws IOException {
            SchemaGenerator.generate(Fixtures.schema("good"), target());
            String json = Files.readString(target(), StandardCharsets.UTF_8);

            assertThat(json)
                    .startsWith("{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\",\n")
                    .contains("\n    \"replicas\": {\n      \"description\": \"Prometheus replicas.\",")
                    .contains("\"enum\": [\n        \"debug\",\n")
                    .doesNotContain("\r")
                    .doesNotContain(" : ")
                    .endsWith("}\n")
                    .doesNotEndWith("\n\n");
        }

        @Test
        @DisplayName("keeps the meaning and key order of the YAML, adding only the generated $comment")
        void sameSchemaSameOrder() throws IOException {
            SchemaGenerator.generate(Fixtures.schema("good"), target());
            JsonNode source = SchemaDocuments.readYaml(Fixtures.schema("good"));
            ObjectNode written = (ObjectNode) new ObjectMapper().readTree(target().toFile());

            assertThat(written.get("$comment").asText())
                    .startsWith("Generated from values-schema/src/main/schema/values.schema.yaml");
            assertThat(fieldNames(written))
                    .containsExactly(
                            "$schema", "$comment", "type", "additionalProperties", "properties", "definitions");
            assertThat(fieldNames(written.get("properties")))
                    .containsExactlyElementsOf(fieldNames(source.get("properties")));
            written.remove("$comment");
            assertThat(written).isEqualTo(source);
        }

        @Test
        @DisplayName("does not touch an up-to-date target, so repeated builds change nothing")
        void idempotent() throws IOException {
            SchemaGenerator.generate(Fixtures.schema("good"), target());
            FileTime old = FileTime.fromMillis(1_000_000L);
            Files.setLastModifiedTime(target(), old);
            byte[] first = Files.readAllBytes(target());

            assertThat(SchemaGenerator.generate(Fixtures.schema("good"), target()))
                    .isFalse();
            assertThat(Files.readAllBytes(target())).isEqualTo(first);
            assertThat(Files.getLastModifiedTime(target())).isEqualTo(old);
        }

        @Test
        @DisplayName("keeps an author's own root $comment after the generated note")
        void keepsAuthorsComment() throws IOException {
            Path source = temp.resolve("commented.schema.yaml");
            Files.writeString(source, """
                    $comment: Maintained by the chart team.
                    $schema: "http://json-schema.org/draft-07/schema#"
                    type: object
                    additionalProperties: false
                    """);
            SchemaGenerator.generate(source, target());

            assertThat(Files.readString(target())).isEqualTo("""
                    {
                      "$schema": "http://json-schema.org/draft-07/schema#",
                      "$comment": "%s Maintained by the chart team.",
                      "type": "object",
                      "additionalProperties": false
                    }
                    """.formatted(SchemaGenerator.GENERATED_COMMENT));
        }
    }

    @Nested
    @DisplayName("given a schema that breaks the rules")
    class BadSource {

        @Test
        @DisplayName("fails listing every problem and writes nothing")
        void failsWithAllProblems() {
            assertThatThrownBy(() -> SchemaGenerator.generate(Fixtures.schema("bad-missing-description"), target()))
                    .isInstanceOf(SchemaDisciplineException.class)
                    .hasMessageContaining("bad-missing-description.schema.yaml breaks the schema rules (2 problems):")
                    .hasMessageContaining("  - replicas: property has no description")
                    .hasMessageContaining("  - grafana.enabled: property has no description")
                    .extracting(e -> ((SchemaDisciplineException) e).problems())
                    .asList()
                    .hasSize(2);
            assertThat(target()).doesNotExist();
        }

        @Test
        @DisplayName("leaves a previously generated target untouched")
        void keepsOldTarget() throws IOException {
            Files.createDirectories(target().getParent());
            Files.writeString(target(), "{}\n");

            assertThatThrownBy(() -> SchemaGenerator.generate(Fixtures.schema("bad-open-object"), target()))
                    .isInstanceOf(SchemaDisciplineException.class);
            assertThat(target()).hasContent("{}");
        }
    }

    @Nested
    @DisplayName("given no schema source")
    class MissingSource {

        @Test
        @DisplayName("fails saying which file is missing and what it is for")
        void failsClearly() {
            Path missing = temp.resolve("values-schema/src/main/schema/values.schema.yaml");

            assertThatThrownBy(() -> SchemaGenerator.generate(missing, target()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("The values schema source is missing: " + missing)
                    .hasMessageContaining("single source of charts/ha-monitoring/values.schema.json");
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
