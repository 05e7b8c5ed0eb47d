package dev.hamonitoring.analysis.topology;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Labels and taints that preset nodes carry: the dedicated node pool of the overlay being
 * analysed (its global.nodePool nodeSelector as labels, its tolerations as taints), a pool given
 * on the command line, or none. A pool-less topology shows pods that require a pool as having no
 * eligible node instead of silently passing.
 *
 * @param labels node labels
 * @param taints node taints
 * @param origin where it came from, for the report
 */
public record NodePool(Map<String, String> labels, List<Taint> taints, String origin) {

    public static NodePool none() {
        return new NodePool(Map.of(), List.of(), "none");
    }

    /** The overlay's global.nodePool (merged values): nodeSelector → labels, tolerations → the taints they tolerate. */
    public static NodePool fromValues(JsonNode values) {
        JsonNode pool = values.path("global").path("nodePool");
        Map<String, String> labels = new LinkedHashMap<>();
        pool.path("nodeSelector").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        List<Taint> taints = new ArrayList<>();
        for (JsonNode t : pool.path("tolerations")) {
            String key = t.path("key").asText("");
            if (key.isEmpty()) {
                continue; // tolerates everything: implies no particular taint
            }
            String effect = t.path("effect").asText("");
            String value = "Exists".equals(t.path("operator").asText("Equal")) ? "true" : t.path("value").asText("");
            if (effect.isEmpty()) {
                taints.add(new Taint(key, value, "NoSchedule"));
            } else if (!"PreferNoSchedule".equals(effect)) {
                taints.add(new Taint(key, value, effect));
            }
        }
        return new NodePool(Map.copyOf(labels), List.copyOf(taints), "overlay global.nodePool");
    }

    /** "k=v,k2=v2" or "k=v;key=value:NoSchedule,key2:NoExecute" (labels, then taints after ';'). */
    public static NodePool parse(String spec) {
        String[] halves = spec.split(";", 2);
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : halves[0].split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Pool labels are key=value pairs, got: " + pair);
            }
            labels.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        List<Taint> taints = new ArrayList<>();
        if (halves.length > 1) {
            for (String taint : halves[1].split(",")) {
                if (!taint.isBlank()) {
                    taints.add(Taint.parse(taint.strip()));
                }
            }
        }
        return new NodePool(Map.copyOf(labels), List.copyOf(taints), "--pool " + spec);
    }

    public boolean isEmpty() {
        return labels.isEmpty() && taints.isEmpty();
    }

    public String describe() {
        if (isEmpty()) {
            return "no pool labels or taints";
        }
        List<String> parts = new ArrayList<>();
        labels.forEach((k, v) -> parts.add("label " + k + "=" + v));
        taints.forEach(t -> parts.add("taint " + t));
        return String.join(", ", parts) + " (" + origin + ")";
    }
}
