package dev.hamonitoring.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks that values.yaml and the values schema describe the same keys.
 *
 * <ul>
 *   <li>Every key set in values.yaml is declared in the schema (Helm would refuse the chart's own
 *       defaults otherwise, but only when that key is rendered; this says which key and why).
 *       Free-form maps ({@code additionalProperties: true}) are not looked into; maps with an
 *       {@code additionalProperties} schema and lists with an {@code items} schema are.</li>
 *   <li>Every property the schema declares has a default in values.yaml, so users see every knob
 *       in one file and the values reference shows a default, unless the property says
 *       {@code x-optional: true} (Helm's validator ignores unknown keywords: checked with
 *       helm-java 0.0.21 / Helm 3.21 under draft-07 and 2020-12). An explicit {@code null}
 *       counts as a default.</li>
 * </ul>
 */
public final class SchemaValuesConsistency {

    private final JsonNode root;
    private final List<String> problems = new ArrayList<>();

    private SchemaValuesConsistency(JsonNode root) {
        this.root = root;
    }

    /** Command line: {@code SchemaValuesConsistency <values.schema.yaml> <values.yaml>}; throws on problems. */
    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: SchemaValuesConsistency <values.schema.yaml> <values.yaml>");
        }
        requireConsistent(Path.of(args[0]), Path.of(args[1]));
        System.out.println("[values-schema] " + args[1] + " is consistent with " + args[0]);
    }

    /** Reads both YAML files and {@link #check(JsonNode, JsonNode) checks} them. */
    public static List<String> check(Path schemaYaml, Path valuesYaml) {
        return check(SchemaDocuments.readYaml(schemaYaml), SchemaDocuments.readYaml(valuesYaml));
    }

    /**
     * @return one line per problem, each starting with the dotted values path; empty when consistent
     */
    public static List<String> check(JsonNode schema, JsonNode values) {
        SchemaValuesConsistency consistency = new SchemaValuesConsistency(schema);
        JsonNode valuesRoot = values == null || values.isMissingNode() || values.isNull()
                ? JsonNodeFactory.instance.objectNode()
                : values;
        consistency.declared(ValuesPath.root(), valuesRoot, schema);
        consistency.defaulted(ValuesPath.root(), schema, valuesRoot);
        return List.copyOf(consistency.problems);
    }

    /** Throws {@link SchemaDisciplineException} listing every problem. */
    public static void requireConsistent(Path schemaYaml, Path valuesYaml) {
        List<String> problems = check(schemaYaml, valuesYaml);
        if (!problems.isEmpty()) {
            throw new SchemaDisciplineException(valuesYaml + " and " + schemaYaml + " disagree", problems);
        }
    }

    /** Walks values.yaml: every key must be declared. */
    private void declared(ValuesPath path, JsonNode value, JsonNode schemaNode) {
        JsonNode schema = SchemaNodes.resolve(root, schemaNode);
        if (schema == null || !schema.isObject()) {
            return;
        }
        if (value.isObject() && SchemaNodes.isObject(schema)) {
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.get("additionalProperties");
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                ValuesPath child = path.child(entry.getKey());
                if (properties.has(entry.getKey())) {
                    declared(child, entry.getValue(), properties.get(entry.getKey()));
                } else if (matchesPattern(schema, entry.getKey())) {
                    continue;
                } else if (additional != null && additional.isObject()) {
                    declared(child, entry.getValue(), additional);
                } else if (additional == null || !additional.asBoolean(true)) {
                    problems.add(child + ": set in values.yaml but not declared in the schema");
                }
            }
        } else if (value.isArray() && schema.has("items") && schema.get("items").isObject()) {
            for (int i = 0; i < value.size(); i++) {
                declared(path.index(i), value.get(i), schema.get("items"));
            }
        }
    }

    /** Walks the schema: every declared property needs a default unless it is x-optional. */
    private void defaulted(ValuesPath path, JsonNode schemaNode, JsonNode value) {
        JsonNode schema = SchemaNodes.resolve(root, schemaNode);
        if (!SchemaNodes.hasProperties(schema)) {
            return;
        }
        for (Map.Entry<String, JsonNode> property : schema.get("properties").properties()) {
            JsonNode declared = property.getValue();
            if (SchemaNodes.isOptional(declared) || SchemaNodes.isOptional(SchemaNodes.resolve(root, declared))) {
                continue;
            }
            ValuesPath child = path.child(property.getKey());
            JsonNode childValue = value.isObject() ? value.get(property.getKey()) : null;
            if (childValue == null) {
                problems.add(child + ": declared in the schema but has no default in values.yaml"
                        + " (give it one, or mark it " + SchemaNodes.OPTIONAL_KEYWORD + ": true)");
            } else if (childValue.isObject()) {
                defaulted(child, declared, childValue);
            }
        }
    }

    private static boolean matchesPattern(JsonNode schema, String key) {
        JsonNode patterns = schema.get("patternProperties");
        if (patterns == null || !patterns.isObject()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> pattern : patterns.properties()) {
            if (Pattern.compile(pattern.getKey()).matcher(key).find()) {
                return true;
            }
        }
        return false;
    }
}
