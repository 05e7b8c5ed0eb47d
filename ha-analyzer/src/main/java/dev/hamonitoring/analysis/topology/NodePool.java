package dev.hamonitoring.analysis.topology;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.render.PodTemplates;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
        pool.path("nodeSelector")
                .properties()
                .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        List<Taint> taints = new ArrayList<>();
        for (JsonNode t : pool.path("tolerations")) {
            tolerated(
                            t.path("key").asText(""),
                            t.path("operator").asText("Equal"),
                            t.path("value").asText(""),
                            t.path("effect").asText(""))
                    .ifPresent(taints::add);
        }
        return new NodePool(Map.copyOf(labels), List.copyOf(taints), "overlay global.nodePool");
    }

    /**
     * The pool a rendered release asks for when its values are unknown (a manifest, a repository
     * chart): the node selector and tolerations most of its pod templates share.
     */
    public static NodePool fromRelease(List<HasMetadata> objects) {
        Map<NodePool, Integer> votes = new LinkedHashMap<>();
        for (PodTemplateSpec template : PodTemplates.all(objects).values()) {
            PodSpec spec = template.getSpec();
            if (spec == null) {
                continue;
            }
            Map<String, String> labels = spec.getNodeSelector() == null ? Map.of() : Map.copyOf(spec.getNodeSelector());
            List<Taint> taints = new ArrayList<>();
            if (spec.getTolerations() != null) {
                for (Toleration t : spec.getTolerations()) {
                    tolerated(
                                    Objects.toString(t.getKey(), ""),
                                    Objects.toString(t.getOperator(), "Equal"),
                                    Objects.toString(t.getValue(), ""),
                                    Objects.toString(t.getEffect(), ""))
                            .ifPresent(taints::add);
                }
            }
            votes.merge(
                    new NodePool(labels, List.copyOf(taints), "the rendered pods' node selector and tolerations"),
                    1,
                    Integer::sum);
        }
        return votes.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(none());
    }

    /** The taint a toleration admits: none when it tolerates every key or only prefers. */
    private static Optional<Taint> tolerated(String key, String operator, String value, String effect) {
        if (key.isEmpty() || "PreferNoSchedule".equals(effect)) {
            return Optional.empty();
        }
        return Optional.of(
                new Taint(key, "Exists".equals(operator) ? "true" : value, effect.isEmpty() ? "NoSchedule" : effect));
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
