package dev.hamonitoring.binaries;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.LinkedHashSet;
import java.util.Set;

/** YAML trees of configuration files, and where two of them differ. */
public final class Yaml {

    static final YAMLMapper MAPPER = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build());

    private Yaml() {}

    /** Parses a YAML document; an empty document is an empty object. */
    public static JsonNode read(String yaml, String what) {
        try {
            JsonNode node = MAPPER.readTree(yaml);
            return node == null || node.isMissingNode() ? MAPPER.createObjectNode() : node;
        } catch (JsonProcessingException e) {
            throw new LoopbackRewriteException("Cannot parse " + what + " as YAML: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes a tree back as YAML (comments of the original are not kept). */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A deep copy of an object node. */
    static ObjectNode copy(JsonNode node) {
        return (ObjectNode) node.deepCopy();
    }

    /**
     * The paths at which two trees differ, as {@code a.b[2].c}: a key present on one side only
     * is reported at the key, different scalars or types at the value, lists of different
     * lengths at the list.
     */
    public static Set<String> differences(JsonNode before, JsonNode after) {
        Set<String> paths = new LinkedHashSet<>();
        diff("", before, after, paths);
        return paths;
    }

    private static void diff(String path, JsonNode a, JsonNode b, Set<String> out) {
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                String child = path.isEmpty() ? key : path + "." + key;
                if (!a.has(key) || !b.has(key)) {
                    out.add(child);
                } else {
                    diff(child, a.get(key), b.get(key), out);
                }
            }
        } else if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                out.add(path);
                return;
            }
            for (int i = 0; i < a.size(); i++) {
                diff(path + "[" + i + "]", a.get(i), b.get(i), out);
            }
        } else if (!a.equals(b)) {
            out.add(path);
        }
    }
}
