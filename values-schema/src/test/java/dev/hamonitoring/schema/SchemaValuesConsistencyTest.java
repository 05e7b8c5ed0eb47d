package dev.hamonitoring.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The schema/values consistency check")
class SchemaValuesConsistencyTest {

    @Nested
    @DisplayName("given values.yaml that matches the schema")
    class Consistent {

        @Test
        @DisplayName("finds nothing, with optional keys left out and free-form maps filled in")
        void noProblems() {
            assertThat(SchemaValuesConsistency.check(Fixtures.schema("good"), Fixtures.values("good-values")))
                    .isEmpty();
        }

        @Test
        @DisplayName("and requireConsistent passes")
        void requirePasses() {
            SchemaValuesConsistency.requireConsistent(Fixtures.schema("good"), Fixtures.values("good-values"));
        }
    }

    @Nested
    @DisplayName("given keys in values.yaml the schema does not declare")
    class Undeclared {

        @Test
        @DisplayName("names each of them, at any depth, but not keys of free-form or typed maps")
        void reportsUndeclaredKeys() {
            assertThat(SchemaValuesConsistency.check(Fixtures.schema("good"), Fixtures.values("undeclared-keys")))
                    .containsExactly(
                            "image.pullPolicy: set in values.yaml but not declared in the schema",
                            "grafana.replicas: set in values.yaml but not declared in the schema",
                            "thanos: set in values.yaml but not declared in the schema");
        }

        @Test
        @DisplayName("looks into list items that have an object schema")
        void reportsUndeclaredKeysInListItems() {
            var schema = SchemaDocuments.parseYaml("""
                    type: object
                    additionalProperties: false
                    properties:
                      volumes:
                        description: Volumes.
                        type: array
                        items:
                          type: object
                          additionalProperties: false
                          properties:
                            name: {description: Name., type: string}
                    """);
            var values = SchemaDocuments.parseYaml("""
                    volumes:
                      - name: a
                      - name: b
                        nmae: typo
                    """);

            assertThat(SchemaValuesConsistency.check(schema, values))
                    .containsExactly("volumes[1].nmae: set in values.yaml but not declared in the schema");
        }
    }

    @Nested
    @DisplayName("given schema properties without a default in values.yaml")
    class MissingDefaults {

        @Test
        @DisplayName("names each of them, except x-optional ones and children of missing parents")
        void reportsMissingDefaults() {
            assertThat(SchemaValuesConsistency.check(Fixtures.schema("good"), Fixtures.values("missing-defaults")))
                    .containsExactly(
                            "image.tag: declared in the schema but has no default in values.yaml (give it one, or mark it x-optional: true)",
                            "logLevel: declared in the schema but has no default in values.yaml (give it one, or mark it x-optional: true)",
                            "grafana.\"grafana.ini\": declared in the schema but has no default in values.yaml (give it one, or mark it x-optional: true)");
        }

        @Test
        @DisplayName("and requireConsistent fails listing them")
        void requireFails() {
            assertThatThrownBy(() -> SchemaValuesConsistency.requireConsistent(
                            Fixtures.schema("good"), Fixtures.values("missing-defaults")))
                    .isInstanceOf(SchemaDisciplineException.class)
                    .hasMessageContaining("disagree (3 problems):")
                    .hasMessageContaining("  - image.tag: declared in the schema");
        }

        @Test
        @DisplayName("treats an empty values.yaml as missing every default")
        void emptyValues() {
            assertThat(SchemaValuesConsistency.check(
                            SchemaDocuments.readYaml(Fixtures.schema("good")), SchemaDocuments.parseYaml("")))
                    .hasSize(7);
        }
    }
}
