package dev.hamonitoring.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** Values files read and layered the way Helm layers {@code -f} files over a chart's values.yaml. */
public final class ValuesFiles {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ValuesFiles() {}

    /** A values file as a tree; an empty file is an empty map. */
    public static JsonNode read(Path file) {
        try {
            JsonNode node = YAML.readTree(file.toFile());
            return node == null || node.isMissingNode() || node.isNull() ? YAML.createObjectNode() : node;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read values file " + file, e);
        }
    }

    /** Helm's coalescing of one values file over the values below it: maps merge, a null deletes, anything else replaces. */
    public static JsonNode merge(JsonNode base, JsonNode overlay) {
        if (!(base instanceof ObjectNode baseObject) || !overlay.isObject()) {
            return overlay.deepCopy();
        }
        ObjectNode result = baseObject.deepCopy();
        for (Map.Entry<String, JsonNode> entry : overlay.properties()) {
            if (entry.getValue().isNull()) {
                result.remove(entry.getKey());
            } else if (result.has(entry.getKey())) {
                result.set(entry.getKey(), merge(result.get(entry.getKey()), entry.getValue()));
            } else {
                result.set(entry.getKey(), entry.getValue().deepCopy());
            }
        }
        return result;
    }

    /** The values as YAML text. */
    public static String toYaml(JsonNode values) {
        try {
            return YAML.writeValueAsString(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
