package dev.hamonitoring.binaries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of rewriting one rendered configuration file for loopback, and the shared machinery:
 * path translation through the container's mounts, and the record of each change with the YAML
 * path it touched, so a test can prove the file differs from the rendered one only there.
 *
 * @param rendered    the file as rendered
 * @param text        the file as given to the process
 * @param rewrites    every change, in order
 * @param changedAt   YAML path of each change ({@code scrape_configs[0].kubernetes_sd_configs}) and its kind
 */
public record ConfigRewrite(
        JsonNode rendered, String text, List<Rewrite> rewrites, Map<String, Rewrite.Kind> changedAt) {

    /**
     * The YAML paths at which the rewritten file differs from the rendered one that no recorded
     * change accounts for (a difference at or below a recorded path is accounted for). Empty when
     * the rewrite did only what it says it did.
     */
    public List<String> unaccountedDifferences() {
        List<String> unaccounted = new ArrayList<>();
        for (String path : Yaml.differences(rendered, Yaml.read(text, "rewritten file"))) {
            boolean covered = changedAt.keySet().stream()
                    .anyMatch(c -> path.equals(c) || path.startsWith(c + ".") || path.startsWith(c + "["));
            if (!covered) {
                unaccounted.add(path);
            }
        }
        return unaccounted;
    }

    /** The YAML paths changed for one reason. */
    public List<String> changedPaths(Rewrite.Kind kind) {
        return changedAt.entrySet().stream()
                .filter(e -> e.getValue() == kind)
                .map(Map.Entry::getKey)
                .toList();
    }

    /** What a file rewrite needs to know: whose file it is and where things are. */
    record Context(LoopbackNetwork network, LoopbackPod pod, Container container, String file, TestTimings timings) {

        String where(String yamlPath) {
            return pod.name() + "/" + container.getName() + " " + file + (yamlPath.isEmpty() ? "" : ": " + yamlPath);
        }
    }

    /** Collects changes while a rewriter edits a tree. */
    static final class Recorder {
        private final Context context;
        private final List<Rewrite> rewrites = new ArrayList<>();
        private final Map<String, Rewrite.Kind> changedAt = new LinkedHashMap<>();

        Recorder(Context context) {
            this.context = context;
        }

        void record(String yamlPath, String rendered, String used, Rewrite.Kind kind) {
            rewrites.add(new Rewrite(context.where(yamlPath), rendered, used, kind));
            changedAt.put(yamlPath, kind);
        }

        ConfigRewrite result(JsonNode rendered, JsonNode rewritten) {
            return new ConfigRewrite(rendered, Yaml.write(rewritten), List.copyOf(rewrites), Map.copyOf(changedAt));
        }

        Context context() {
            return context;
        }

        /**
         * Translates every string under a key ending in {@code _file} and every string in a list
         * under a key ending in {@code _files} (plus the given extra list keys) through the
         * container's mounts, anywhere in the tree.
         */
        void translatePaths(JsonNode node, String path, List<String> extraListKeys) {
            if (node.isObject()) {
                ObjectNode object = (ObjectNode) node;
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                for (String key : names) {
                    JsonNode value = object.get(key);
                    String child = path.isEmpty() ? key : path + "." + key;
                    if (key.endsWith("_file") && value.isTextual()) {
                        object.set(key, TextNode.valueOf(translate(value.asText(), child)));
                    } else if ((key.endsWith("_files") || extraListKeys.contains(key)) && value.isArray()) {
                        ArrayNode array = (ArrayNode) value;
                        for (int i = 0; i < array.size(); i++) {
                            array.set(i, TextNode.valueOf(translate(array.get(i).asText(), child + "[" + i + "]")));
                        }
                    } else {
                        translatePaths(value, child, extraListKeys);
                    }
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    translatePaths(node.get(i), path + "[" + i + "]", extraListKeys);
                }
            }
        }

        String translate(String containerPath, String yamlPath) {
            String host =
                    context.pod().hostPath(context.container(), containerPath).toString();
            record(yamlPath, containerPath, host, Rewrite.Kind.PATH);
            return host;
        }
    }

    static Iterable<String> fieldNames(JsonNode node) {
        return () -> {
            Iterator<String> it = node.fieldNames();
            return it;
        };
    }
}
