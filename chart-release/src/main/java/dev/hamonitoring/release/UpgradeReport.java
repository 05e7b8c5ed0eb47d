package dev.hamonitoring.release;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link UpgradeCompatibility} found between two renders.
 *
 * @param violations changes an upgrade cannot make (the API server or the operator refuses them,
 *     or they would never take effect)
 * @param added objects only in the new render ({@code group/Kind namespace/name})
 * @param removed objects only in the old render: Helm deletes them on upgrade (a removed
 *     StatefulSet leaves its PVCs behind, unused)
 */
public record UpgradeReport(List<Violation> violations, List<String> added, List<String> removed) {

    /**
     * One field an upgrade cannot change.
     *
     * @param object {@code group/Kind namespace/name}
     * @param field dotted path ({@code spec.volumeClaimTemplates[data].spec.storageClassName})
     * @param before the old value ({@code (absent)} when not set)
     * @param after the new value
     * @param reason why the upgrade would fail or not take effect
     */
    public record Violation(String object, String field, String before, String after, String reason) {

        @Override
        public String toString() {
            return object + ": " + field + " " + before + " -> " + after + " (" + reason + ")";
        }
    }

    /** Whether the upgrade has no violation. */
    public boolean compatible() {
        return violations.isEmpty();
    }

    /** Violations, one per line, for assertion messages. */
    public String describe() {
        if (violations.isEmpty()) {
            return "no immutable field changes";
        }
        return violations.stream().map(Violation::toString).collect(Collectors.joining(System.lineSeparator()));
    }
}
