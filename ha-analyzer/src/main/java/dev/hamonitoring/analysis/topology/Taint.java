package dev.hamonitoring.analysis.topology;

import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;

/**
 * A node taint.
 *
 * @param key taint key
 * @param value taint value (may be empty)
 * @param effect NoSchedule, PreferNoSchedule or NoExecute
 */
public record Taint(String key, String value, String effect) {

    /** "key=value:Effect" or "key:Effect". */
    public static Taint parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("A taint is key=value:Effect or key:Effect, got: " + text);
        }
        String effect = text.substring(colon + 1).strip();
        if (!List.of("NoSchedule", "PreferNoSchedule", "NoExecute").contains(effect)) {
            throw new IllegalArgumentException(
                    "Taint effect must be NoSchedule, PreferNoSchedule or NoExecute, got: " + text);
        }
        String keyValue = text.substring(0, colon);
        int eq = keyValue.indexOf('=');
        return eq < 0
                ? new Taint(keyValue.strip(), "", effect)
                : new Taint(
                        keyValue.substring(0, eq).strip(),
                        keyValue.substring(eq + 1).strip(),
                        effect);
    }

    /** Whether the scheduler refuses pods that do not tolerate it (PreferNoSchedule is only a preference). */
    public boolean isHard() {
        return "NoSchedule".equals(effect) || "NoExecute".equals(effect);
    }

    /** Kubernetes' toleration matching (empty key with Exists tolerates everything; empty effect matches every effect). */
    public boolean toleratedBy(List<Toleration> tolerations) {
        if (tolerations == null) {
            return false;
        }
        for (Toleration t : tolerations) {
            boolean effectMatches = t.getEffect() == null
                    || t.getEffect().isEmpty()
                    || t.getEffect().equals(effect);
            if (!effectMatches) {
                continue;
            }
            String operator = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
            if (t.getKey() == null || t.getKey().isEmpty()) {
                if ("Exists".equals(operator)) {
                    return true;
                }
                continue;
            }
            if (!t.getKey().equals(key)) {
                continue;
            }
            if ("Exists".equals(operator)
                    || ("Equal".equals(operator) && value.equals(t.getValue() == null ? "" : t.getValue()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return key + (value.isEmpty() ? "" : "=" + value) + ":" + effect;
    }
}
