package dev.hamonitoring.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The schema discipline")
class SchemaDisciplineTest {

    private static List<String> problemsOf(String fixture) {
        return SchemaDiscipline.check(SchemaDocuments.readYaml(Fixtures.schema(fixture)));
    }

    private static List<String> problemsOfYaml(String yaml) {
        return SchemaDiscipline.check(SchemaDocuments.parseYaml(yaml));
    }

    @Nested
    @DisplayName("accepts a schema that follows every rule")
    class GoodSchema {

        @Test
        @DisplayName("including $ref, enums, free-form maps, lists, x-optional and if/then constraints")
        void goodSchemaHasNoProblems() {
            assertThat(problemsOf("good")).isEmpty();
        }

        @Test
        @DisplayName("including the minimal placeholder: an object that allows nothing")
        void placeholderHasNoProblems() {
            assertThat(problemsOfYaml("""
                    $schema: "http://json-schema.org/draft-07/schema#"
                    type: object
                    additionalProperties: false
                    """)).isEmpty();
        }

        @Test
        @DisplayName("and does not ask constraint schemas under if/then for descriptions")
        void constraintsNeedNoDescriptions() {
            assertThat(problemsOfYaml("""
                    $schema: "http://json-schema.org/draft-07/schema#"
                    type: object
                    additionalProperties: false
                    properties:
                      enabled:
                        description: On or off.
                        type: boolean
                    allOf:
                      - if:
                          properties:
                            enabled:
                              const: true
                        then:
                          required: [enabled]
                    """)).isEmpty();
        }
    }

    @Nested
    @DisplayName("requires a description on every property")
    class Descriptions {

        @Test
        @DisplayName("naming each property that has none or a blank one, at any depth")
        void missingAndBlankDescriptionsAreReported() {
            assertThat(problemsOf("bad-missing-description"))
                    .containsExactly(
                            "replicas: property has no description", "grafana.enabled: property has no description");
        }

        @Test
        @DisplayName("also inside definitions and list items")
        void descriptionsInsideDefinitionsAndItems() {
            assertThat(problemsOfYaml("""
                    $schema: "http://json-schema.org/draft-07/schema#"
                    type: object
                    additionalProperties: false
                    properties:
                      volumes:
                        description: Extra volumes.
                        type: array
                        items:
                          type: object
                          additionalProperties: false
                          properties:
                            name: {type: string}
                    definitions:
                      image:
                        type: object
                        additionalProperties: false
                        properties:
                          tag: {type: string}
                    """))
                    .containsExactly(
                            "volumes[].name: property has no description",
                            "#/definitions/image.tag: property has no description");
        }
    }

    @Nested
    @DisplayName("requires objects with properties to be closed")
    class ClosedObjects {

        @Test
        @DisplayName("rejecting an object with properties and no additionalProperties")
        void missingAdditionalPropertiesIsReported() {
            assertThat(problemsOf("bad-open-object"))
                    .singleElement()
                    .asString()
                    .startsWith("grafana: object with properties must set additionalProperties: false");
        }

        @Test
        @DisplayName(
                "accepting an explicit additionalProperties: true as a deliberate free-form map with documented keys")
        void additionalPropertiesTrueIsAccepted() {
            assertThat(problemsOf("free-form-with-known-keys")).isEmpty();
        }

        @Test
        @DisplayName("rejecting an additionalProperties that is neither a boolean nor a schema")
        void additionalPropertiesMustBeBooleanOrSchema() {
            assertThat(problemsOfYaml("""
                    $schema: "http://json-schema.org/draft-07/schema#"
                    type: object
                    additionalProperties: "no"
                    properties:
                      replicas: {description: Replicas., type: integer}
                    """))
                    .containsExactly("(root): additionalProperties must be false, true or a schema");
        }

        @Test
        @DisplayName("accepting an explicit schema for the extra keys")
        void additionalPropertiesSchemaIsAccepted() {
            assertThat(problemsOfYaml("""
                    $schema: "http://json-schema.org/draft-07/schema#"
                    type: object
                    additionalProperties: false
                    properties:
                      labels:
                        description: Labels, one of them known.
                        type: object
                        additionalProperties: {type: string}
                        properties:
                          team: {description: Owning team., type: string}
                    """)).isEmpty();
        }

        @Test
        @DisplayName("applying to the root too")
        void rootMustBeClosed() {
            assertThat(problemsOfYaml("""
                    $schema: "http://json-schema.org/draft-07/schema#"
                    type: object
                    properties:
                      replicas: {description: Replicas., type: integer}
                    """))
                    .singleElement()
                    .asString()
                    .startsWith("(root): object with properties must set additionalProperties: false");
        }
    }

    @Nested
    @DisplayName("requires free-form maps to say so")
    class FreeFormMaps {

        @Test
        @DisplayName("rejecting an object with neither properties nor additionalProperties")
        void undecidedMapIsReported() {
            assertThat(problemsOf("bad-undecided-map"))
                    .containsExactly(
                            "nodeSelector: free-form object must say additionalProperties: true (or give a schema for its values)");
        }

        @Test
        @DisplayName("accepting additionalProperties: true")
        void declaredFreeFormMapIsAccepted() {
            assertThat(problemsOfYaml("""
                    $schema: "http://json-schema.org/draft-07/schema#"
                    type: object
                    additionalProperties: false
                    properties:
                      nodeSelector: {description: Node selector., type: object, additionalProperties: true}
                    """)).isEmpty();
        }
    }

    @Nested
    @DisplayName("keeps rendering offline")
    class Offline {

        @Test
        @DisplayName("rejecting a $schema other than draft-07 and a remote $ref")
        void networkReferencesAreReported() {
            assertThat(problemsOf("bad-network"))
                    .satisfiesExactly(
                            dialect -> assertThat(dialect)
                                    .startsWith("(root): $schema must be \"http://json-schema.org/draft-07/schema#\"")
                                    .contains("https://json-schema.org/draft/2020-12/schema"),
                            ref -> assertThat(ref)
                                    .startsWith("image: $ref \"https://example.org/schemas/image.json\" is not local"));
        }

        @Test
        @DisplayName("rejecting a schema without $schema")
        void missingDialectIsReported() {
            assertThat(problemsOfYaml("""
                    type: object
                    additionalProperties: false
                    """))
                    .containsExactly(
                            "(root): declare $schema: \"http://json-schema.org/draft-07/schema#\" (the dialect this schema is written in)");
        }
    }

    @Nested
    @DisplayName("catches malformed keywords")
    class Keywords {

        @Test
        @DisplayName("an unknown type name and a non-boolean x-optional")
        void badKeywordValuesAreReported() {
            assertThat(problemsOf("bad-keywords"))
                    .containsExactly(
                            "replicas: unknown type \"int\" (one of array, boolean, integer, null, number, object, string)",
                            "nameOverride: x-optional must be true or false");
        }

        @Test
        @DisplayName("a root that is not an object schema")
        void nonObjectRootIsReported() {
            assertThat(problemsOfYaml("""
                    $schema: "http://json-schema.org/draft-07/schema#"
                    type: array
                    """)).containsExactly("(root): the values root must be type: object");
        }

        @Test
        @DisplayName("an empty document")
        void emptyDocumentIsReported() {
            assertThat(problemsOfYaml(""))
                    .singleElement()
                    .asString()
                    .startsWith("(root): the schema must be a YAML mapping");
        }

        @Test
        @DisplayName("a key written twice, which YAML would otherwise resolve silently")
        void duplicateKeysFailToParse() {
            assertThatThrownBy(() -> SchemaDocuments.readYaml(Fixtures.schema("bad-duplicate-key")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad-duplicate-key.schema.yaml")
                    .hasMessageContaining("Duplicate field 'replicas'");
        }
    }
}
