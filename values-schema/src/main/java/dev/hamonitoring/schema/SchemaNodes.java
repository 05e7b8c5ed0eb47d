package dev.hamonitoring.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Small helpers shared by the discipline check, the consistency check and the reference. */
final class SchemaNodes {

    /** The custom keyword marking a property that needs no default in values.yaml. */
    static final String OPTIONAL_KEYWORD = "x-optional";

    static final Set<String> JSON_TYPES = Set.of("array", "boolean", "integer", "null", "number", "object", "string");

    /** Guards against $ref cycles; no sane values schema nests references this deep. */
    private static final int MAX_REF_DEPTH = 32;

    private SchemaNodes() {}

    /** Follows local {@code $ref}s ({@code #/definitions/x}); anything else is returned unchanged. */
    static JsonNode resolve(JsonNode root, JsonNode node) {
        JsonNode current = node;
        for (int depth = 0; depth < MAX_REF_DEPTH; depth++) {
            JsonNode ref = current == null ? null : current.get("$ref");
            if (ref == null || !ref.isTextual() || !ref.asText().startsWith("#")) {
                return current;
            }
            JsonNode target = root.at(ref.asText().substring(1));
            if (target.isMissingNode()) {
                throw new IllegalArgumentException("Unresolvable $ref " + ref.asText());
            }
            current = target;
        }
        throw new IllegalArgumentException("$ref chain deeper than " + MAX_REF_DEPTH + " (a cycle?)");
    }

    static List<String> types(JsonNode schema) {
        List<String> types = new ArrayList<>();
        JsonNode type = schema.get("type");
        if (type == null) {
            return types;
        }
        if (type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        } else {
            types.add(type.asText());
        }
        return types;
    }

    /** An object schema is one typed {@code object} or one that declares properties. */
    static boolean isObject(JsonNode schema) {
        return schema != null && schema.isObject() && (types(schema).contains("object") || schema.has("properties"));
    }

    static boolean hasProperties(JsonNode schema) {
        return schema != null
                && schema.has("properties")
                && schema.get("properties").isObject()
                && schema.get("properties").size() > 0;
    }

    static boolean isOptional(JsonNode schema) {
        JsonNode optional = schema == null ? null : schema.get(OPTIONAL_KEYWORD);
        return optional != null && optional.asBoolean(false);
    }

    static String join(String parent, String child) {
        return parent.isEmpty() ? child : parent + "." + child;
    }
}
