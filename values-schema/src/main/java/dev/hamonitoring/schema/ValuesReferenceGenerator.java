package dev.hamonitoring.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders the values reference: a Markdown table with one row per leaf key of the values schema
 * (dotted path, type, default from values.yaml, description), in schema order.
 *
 * <p>A leaf is a property whose (resolved) schema declares no {@code properties}: scalars, lists
 * and free-form maps. Objects with properties are expanded into their children instead.
 * Defaults are shown as compact JSON ({@code "quay.io"}, {@code 3}, {@code {}}); a key without a
 * default (an {@code x-optional} one) shows an empty cell.
 */
public final class ValuesReferenceGenerator {

    static final String HEADER = "| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n";

    private final JsonNode root;
    private final JsonNode values;
    private final StringBuilder table = new StringBuilder(HEADER);

    private ValuesReferenceGenerator(JsonNode root, JsonNode values) {
        this.root = root;
        this.values = values == null ? MissingNode.getInstance() : values;
    }

    /**
     * Command line: {@code ValuesReferenceGenerator <values.schema.yaml> <values.yaml> [out.md]};
     * prints the table when no output file is given.
     */
    public static void main(String[] args) {
        if (args.length < 2 || args.length > 3) {
            throw new IllegalArgumentException(
                    "usage: ValuesReferenceGenerator <values.schema.yaml> <values.yaml> [out.md]");
        }
        String markdown = render(Path.of(args[0]), Path.of(args[1]));
        if (args.length == 3) {
            try {
                Files.writeString(Path.of(args[2]), markdown, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            System.out.print(markdown);
        }
    }

    /** Reads the schema source and values.yaml (both YAML) and renders the table. */
    public static String render(Path schemaYaml, Path valuesYaml) {
        return render(SchemaDocuments.readYaml(schemaYaml), SchemaDocuments.readYaml(valuesYaml));
    }

    /**
     * @param schema     the values schema (parsed from YAML or JSON)
     * @param valuesYaml the chart's values.yaml, parsed
     * @return the Markdown table, header included, ending with a newline
     */
    public static String render(JsonNode schema, JsonNode valuesYaml) {
        ValuesReferenceGenerator generator = new ValuesReferenceGenerator(schema, valuesYaml);
        generator.walk(ValuesPath.root(), schema, generator.values);
        return generator.table.toString();
    }

    private void walk(ValuesPath path, JsonNode schemaNode, JsonNode value) {
        JsonNode schema = SchemaNodes.resolve(root, schemaNode);
        if (!SchemaNodes.hasProperties(schema)) {
            return;
        }
        for (Map.Entry<String, JsonNode> property : schema.get("properties").properties()) {
            ValuesPath child = path.child(property.getKey());
            JsonNode declared = property.getValue();
            JsonNode resolved = SchemaNodes.resolve(root, declared);
            JsonNode childValue = value.isObject() ? value.path(property.getKey()) : MissingNode.getInstance();
            if (SchemaNodes.hasProperties(resolved)) {
                walk(child, declared, childValue);
            } else {
                row(child, declared, resolved, childValue);
            }
        }
    }

    private void row(ValuesPath path, JsonNode declared, JsonNode resolved, JsonNode value) {
        String description = text(declared, "description");
        if (description.isEmpty()) {
            description = text(resolved, "description");
        }
        JsonNode allowed = resolved.get("enum");
        if (allowed != null && allowed.isArray()) {
            List<String> choices = new ArrayList<>();
            allowed.forEach(choice -> choices.add(code(SchemaDocuments.toCompactJson(choice))));
            description = (description + " One of: " + String.join(", ", choices) + ".").trim();
        }
        table.append("| ")
                .append(code(path.toString()))
                .append(" | ")
                .append(cell(type(resolved)))
                .append(" | ")
                .append(value.isMissingNode() ? "" : code(SchemaDocuments.toCompactJson(value)))
                .append(" | ")
                .append(cell(escapeHtml(description)))
                .append(" |\n");
    }

    private static String type(JsonNode schema) {
        List<String> types = SchemaNodes.types(schema);
        if (types.isEmpty()) {
            return schema.has("enum") ? "enum" : "any";
        }
        List<String> labels = new ArrayList<>();
        for (String type : types) {
            if (type.equals("array") && schema.path("items").has("type")) {
                labels.add("array of " + String.join(" or ", SchemaNodes.types(schema.get("items"))));
            } else if (type.equals("object")
                    && schema.path("additionalProperties").has("type")) {
                labels.add("map of " + String.join(" or ", SchemaNodes.types(schema.get("additionalProperties"))));
            } else {
                labels.add(type);
            }
        }
        return String.join(" or ", labels);
    }

    private static String text(JsonNode schema, String field) {
        JsonNode node = schema == null ? null : schema.get(field);
        return node == null || !node.isTextual() ? "" : node.asText().trim();
    }

    /** A description like "named <release>-critical" must not read as an HTML tag. */
    private static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Table cells are one line and may not contain a bare pipe. */
    private static String cell(String text) {
        return text.replace("\r", "").replace("\n", " ").replace("|", "\\|");
    }

    /** Inline code; a value containing a backtick needs a longer fence. Pipes still split cells. */
    private static String code(String text) {
        String fence = text.contains("`") ? "`` " : "`";
        String closing = text.contains("`") ? " ``" : "`";
        return fence + cell(text) + closing;
    }
}
