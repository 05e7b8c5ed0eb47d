package dev.hamonitoring.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Objects that a release references but does not render, declared to exist at install: Secrets
 * named in values as {@code existingSecret}, names given with {@code --external}, or listed in a
 * YAML file. An entry is {@code Kind/name} or a bare name (any kind).
 */
public final class ExternalNames {

    private final Map<String, String> entries;

    private ExternalNames(Map<String, String> entries) {
        this.entries = entries;
    }

    public static ExternalNames none() {
        return new ExternalNames(Map.of());
    }

    /** Each entry "Kind/name" or "name"; the value says where it was declared. */
    public static ExternalNames of(Map<String, String> entries) {
        return new ExternalNames(Map.copyOf(entries));
    }

    public static ExternalNames of(String origin, List<String> entries) {
        Map<String, String> map = new LinkedHashMap<>();
        entries.stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(e -> map.put(e, origin));
        return new ExternalNames(map);
    }

    /** Every non-empty {@code existingSecret} string in the merged values, as a Secret. */
    public static ExternalNames fromValues(JsonNode values) {
        Map<String, String> map = new LinkedHashMap<>();
        collect(values, "", map);
        return new ExternalNames(map);
    }

    private static void collect(JsonNode node, String path, Map<String, String> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if ("existingSecret".equals(e.getKey())
                        && e.getValue().isTextual()
                        && !e.getValue().asText().isBlank()) {
                    out.put("Secret/" + e.getValue().asText(), "values " + child);
                } else {
                    collect(e.getValue(), child, out);
                }
            }
        }
    }

    /** A YAML file: {@code external: [Kind/name | name, ...]}. */
    public static ExternalNames load(Path file) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            List<String> names = new ArrayList<>();
            JsonNode list = root == null ? null : root.path("external");
            if (list != null) {
                list.forEach(n -> names.add(n.asText()));
            }
            return of(file.toString(), names);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read external names from " + file, e);
        }
    }

    public ExternalNames plus(ExternalNames other) {
        Map<String, String> merged = new LinkedHashMap<>(entries);
        other.entries.forEach(merged::putIfAbsent);
        return new ExternalNames(Map.copyOf(merged));
    }

    public boolean contains(String kind, String name) {
        return entries.containsKey(kind + "/" + name) || entries.containsKey(name);
    }

    /** Entries as declared, sorted. */
    public Set<String> entries() {
        return new LinkedHashSet<>(entries.keySet().stream().sorted().toList());
    }

    public String origin(String kind, String name) {
        String origin = entries.get(kind + "/" + name);
        return origin != null ? origin : entries.get(name);
    }
}
