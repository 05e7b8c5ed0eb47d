package dev.hamonitoring.analysis.model;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Kubernetes label selector semantics (the API server's, not a simplification). */
public final class Labels {

    private Labels() {}

    /**
     * Whether a {@code metav1.LabelSelector} selects these labels. A null selector selects nothing
     * (as in a PodDisruptionBudget or an affinity term); an empty one selects everything.
     */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> safe = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!Objects.equals(safe.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                if (!matches(r.getKey(), r.getOperator(), r.getValues(), safe)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A Service-style equality selector; a null or empty one selects nothing (no managed endpoints). */
    public static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        if (selector == null || selector.isEmpty()) {
            return false;
        }
        Map<String, String> safe = labels == null ? Map.of() : labels;
        return selector.entrySet().stream().allMatch(e -> Objects.equals(safe.get(e.getKey()), e.getValue()));
    }

    /** A node selector requirement (In, NotIn, Exists, DoesNotExist, Gt, Lt) against node labels. */
    public static boolean matches(NodeSelectorRequirement r, Map<String, String> labels) {
        String value = labels.get(r.getKey());
        if ("Gt".equals(r.getOperator()) || "Lt".equals(r.getOperator())) {
            if (value == null || r.getValues() == null || r.getValues().size() != 1) {
                return false;
            }
            try {
                long have = Long.parseLong(value);
                long limit = Long.parseLong(r.getValues().get(0));
                return "Gt".equals(r.getOperator()) ? have > limit : have < limit;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return matches(r.getKey(), r.getOperator(), r.getValues(), labels);
    }

    private static boolean matches(String key, String operator, List<String> values, Map<String, String> labels) {
        List<String> safeValues = values == null ? List.of() : values;
        return switch (operator) {
            case "In" -> labels.containsKey(key) && safeValues.contains(labels.get(key));
            case "NotIn" -> !labels.containsKey(key) || !safeValues.contains(labels.get(key));
            case "Exists" -> labels.containsKey(key);
            case "DoesNotExist" -> !labels.containsKey(key);
            default -> false;
        };
    }

    /** Whether the selector has no terms at all (selects every pod). */
    public static boolean isEmpty(LabelSelector selector) {
        return selector != null
                && (selector.getMatchLabels() == null
                        || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null
                        || selector.getMatchExpressions().isEmpty());
    }

    /** {@code {a=b, c in (d,e)}}, for messages. */
    public static String describe(LabelSelector selector) {
        if (selector == null) {
            return "(no selector)";
        }
        List<String> parts = new ArrayList<>();
        if (selector.getMatchLabels() != null) {
            new TreeMap<>(selector.getMatchLabels()).forEach((k, v) -> parts.add(k + "=" + v));
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                parts.add(r.getKey() + " " + r.getOperator()
                        + (r.getValues() == null || r.getValues().isEmpty()
                                ? ""
                                : " (" + String.join(",", r.getValues()) + ")"));
            }
        }
        return "{" + String.join(", ", parts) + "}";
    }

    /** {@code {a=b, c=d}} of a plain label map, sorted. */
    public static String describe(Map<String, String> labels) {
        List<String> parts = new ArrayList<>();
        if (labels != null) {
            new TreeMap<>(labels).forEach((k, v) -> parts.add(k + "=" + v));
        }
        return "{" + String.join(", ", parts) + "}";
    }
}
