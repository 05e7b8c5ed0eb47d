package dev.hamonitoring.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rules the values schema source must follow, checked before anything is generated.
 *
 * <ol>
 *   <li>The root declares {@code $schema: http://json-schema.org/draft-07/schema#} and
 *       {@code type: object}. Helm 3.21 (inside helm-java) ships the draft meta-schemas, but any
 *       other {@code $schema} URL is downloaded at render time (seen here: an unknown URL made
 *       Helm issue an HTTP GET), which breaks the offline-render contract.</li>
 *   <li>Every property has a non-empty {@code description}: it feeds the values reference.</li>
 *   <li>Every object that declares {@code properties} says {@code additionalProperties: false},
 *       so a misspelt key in a user's values file fails the install instead of being ignored.
 *       An object that is deliberately a free-form map with a few documented keys (an
 *       Alertmanager config, a scrape config) may say {@code true} or give a schema instead:
 *       what is never accepted is leaving it out, because then openness is an accident.</li>
 *   <li>Every object without {@code properties} (a free-form map: annotations, nodeSelector,
 *       resources...) states {@code additionalProperties} explicitly ({@code true} or a schema),
 *       so being free-form is a decision, not an accident.</li>
 *   <li>{@code $ref} is local only ({@code #/...}): a remote one is fetched over the network.</li>
 *   <li>{@code type} names only JSON Schema types; {@value SchemaNodes#OPTIONAL_KEYWORD} is a boolean.</li>
 * </ol>
 *
 * <p>Rules 2-4 apply to the declaration tree (properties, patternProperties,
 * additionalProperties, items, definitions/$defs). Schemas under allOf/anyOf/oneOf/not/if/then/else
 * and dependencies are constraints (for example {@code if: {properties: {enabled: {const: true}}}})
 * and are only checked for rules 5 and 6.
 */
public final class SchemaDiscipline {

    /** The only {@code $schema} value accepted (see rule 1). */
    public static final String DRAFT_07 = "http://json-schema.org/draft-07/schema#";

    private static final List<String> CONSTRAINT_ARRAYS = List.of("allOf", "anyOf", "oneOf");
    private static final List<String> CONSTRAINT_OBJECTS =
            List.of("not", "if", "then", "else", "contains", "propertyNames");
    private static final List<String> DEFINITION_KEYWORDS = List.of("definitions", "$defs");

    private final List<String> problems = new ArrayList<>();

    private SchemaDiscipline() {}

    /**
     * Checks a parsed schema.
     *
     * @return every problem found, each naming its location as a dotted values path
     *     ({@code grafana.persistence.size}, {@code extraArgs[]}, {@code podAnnotations.*},
     *     {@code #/definitions/image.tag}); empty when the schema follows the rules
     */
    public static List<String> check(JsonNode schema) {
        SchemaDiscipline discipline = new SchemaDiscipline();
        discipline.checkRoot(schema);
        return List.copyOf(discipline.problems);
    }

    private void checkRoot(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            problems.add("(root): the schema must be a YAML mapping, got "
                    + (schema == null || schema.isMissingNode() ? "an empty document" : schema.getNodeType()));
            return;
        }
        JsonNode dialect = schema.get("$schema");
        if (dialect == null) {
            problems.add("(root): declare $schema: \"" + DRAFT_07 + "\" (the dialect this schema is written in)");
        } else if (!DRAFT_07.equals(dialect.asText())) {
            problems.add("(root): $schema must be \"" + DRAFT_07 + "\", got \"" + dialect.asText()
                    + "\" (Helm downloads meta-schemas it does not ship, and renders must work offline)");
        }
        if (!SchemaNodes.types(schema).equals(List.of("object"))) {
            problems.add("(root): the values root must be type: object");
        }
        declaration("", schema);
    }

    /** A schema that declares the shape of values: all rules apply. */
    private void declaration(String location, JsonNode schema) {
        if (!schema.isObject()) {
            if (!schema.isBoolean()) {
                problems.add(where(location) + ": expected a schema (mapping or boolean), got " + schema.getNodeType());
            }
            return;
        }
        common(location, schema);
        checkObjectShape(location, schema);

        JsonNode properties = schema.get("properties");
        if (properties != null) {
            if (!properties.isObject()) {
                problems.add(where(location) + ": properties must be a mapping");
            } else {
                for (Map.Entry<String, JsonNode> property : properties.properties()) {
                    String path = SchemaNodes.join(location, property.getKey());
                    checkDescription(path, property.getValue());
                    declaration(path, property.getValue());
                }
            }
        }
        JsonNode patternProperties = schema.get("patternProperties");
        if (patternProperties != null && patternProperties.isObject()) {
            patternProperties.properties().forEach(e -> declaration(location + "[/" + e.getKey() + "/]", e.getValue()));
        }
        JsonNode additional = schema.get("additionalProperties");
        if (additional != null && additional.isObject()) {
            declaration(SchemaNodes.join(location, "*"), additional);
        }
        JsonNode items = schema.get("items");
        if (items != null) {
            if (items.isArray()) {
                for (int i = 0; i < items.size(); i++) {
                    declaration(location + "[" + i + "]", items.get(i));
                }
            } else {
                declaration(location + "[]", items);
            }
        }
        for (String keyword : DEFINITION_KEYWORDS) {
            JsonNode definitions = schema.get(keyword);
            if (definitions != null && definitions.isObject()) {
                definitions.properties().forEach(e -> declaration("#/" + keyword + "/" + e.getKey(), e.getValue()));
            }
        }
        constraints(location, schema);
    }

    /** A schema used as a constraint (allOf, if/then...): only the rules that are always wrong. */
    private void constraint(String location, JsonNode schema) {
        if (!schema.isObject()) {
            return;
        }
        common(location, schema);
        for (String keyword : List.of("properties", "patternProperties", "dependencies")) {
            JsonNode children = schema.get(keyword);
            if (children != null && children.isObject()) {
                children.properties().forEach(e -> constraint(SchemaNodes.join(location, e.getKey()), e.getValue()));
            }
        }
        for (String keyword : List.of("additionalProperties", "items")) {
            JsonNode child = schema.get(keyword);
            if (child != null && child.isObject()) {
                constraint(location, child);
            } else if (child != null && child.isArray()) {
                child.forEach(c -> constraint(location, c));
            }
        }
        constraints(location, schema);
    }

    private void constraints(String location, JsonNode schema) {
        for (String keyword : CONSTRAINT_ARRAYS) {
            JsonNode branches = schema.get(keyword);
            if (branches != null && branches.isArray()) {
                branches.forEach(branch -> constraint(location, branch));
            }
        }
        for (String keyword : CONSTRAINT_OBJECTS) {
            JsonNode branch = schema.get(keyword);
            if (branch != null) {
                constraint(location, branch);
            }
        }
        JsonNode dependencies = schema.get("dependencies");
        if (dependencies != null && dependencies.isObject()) {
            dependencies.properties().forEach(e -> constraint(location, e.getValue()));
        }
    }

    private void common(String location, JsonNode schema) {
        JsonNode ref = schema.get("$ref");
        if (ref != null && !ref.asText().startsWith("#")) {
            problems.add(where(location) + ": $ref \"" + ref.asText()
                    + "\" is not local; Helm would fetch it over the network (use #/definitions/...)");
        }
        for (String type : SchemaNodes.types(schema)) {
            if (!SchemaNodes.JSON_TYPES.contains(type)) {
                problems.add(where(location) + ": unknown type \"" + type + "\" (one of " + sorted() + ")");
            }
        }
        JsonNode optional = schema.get(SchemaNodes.OPTIONAL_KEYWORD);
        if (optional != null && !optional.isBoolean()) {
            problems.add(where(location) + ": " + SchemaNodes.OPTIONAL_KEYWORD + " must be true or false");
        }
    }

    private void checkDescription(String path, JsonNode property) {
        JsonNode description = property.isObject() ? property.get("description") : null;
        if (description == null
                || !description.isTextual()
                || description.asText().isBlank()) {
            problems.add(path + ": property has no description");
        }
    }

    private void checkObjectShape(String location, JsonNode schema) {
        if (!SchemaNodes.isObject(schema)) {
            return;
        }
        JsonNode additional = schema.get("additionalProperties");
        if (schema.has("properties")) {
            if (additional == null) {
                problems.add(where(location) + ": object with properties must set additionalProperties: false"
                        + " (so a misspelt key fails instead of being ignored), or true / a schema if it is"
                        + " deliberately a free-form map with some documented keys");
            } else if (!additional.isBoolean() && !additional.isObject()) {
                problems.add(where(location) + ": additionalProperties must be false, true or a schema");
            }
        } else if (additional == null && !schema.has("patternProperties")) {
            problems.add(where(location) + ": free-form object must say additionalProperties: true"
                    + " (or give a schema for its values)");
        }
    }

    private static String where(String location) {
        return location.isEmpty() ? "(root)" : location;
    }

    private static String sorted() {
        return String.join(", ", SchemaNodes.JSON_TYPES.stream().sorted().toList());
    }
}
