package dev.hamonitoring.analysis.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One desired pod of a workload.
 *
 * @param workload its controller
 * @param name the pod name the controller gives it
 * @param ordinal its index among the workload's pods
 * @param labels its labels (template labels plus those the controller adds)
 */
public record PodInstance(Workload workload, String name, int ordinal, Map<String, String> labels) {

    /**
     * The labels the same pod would carry in another release of the chart in the same namespace:
     * every label value that is the release name, or starts with "release-", renamed. A selector
     * that also matches these would reach into the other release.
     */
    public Map<String, String> labelsInOtherRelease(String release) {
        Map<String, String> twin = new LinkedHashMap<>();
        labels.forEach((k, v) -> {
            if (v.equals(release)) {
                twin.put(k, "other-" + release);
            } else if (v.startsWith(release + "-")) {
                twin.put(k, "other-" + v);
            } else {
                twin.put(k, v);
            }
        });
        return twin;
    }

    @Override
    public String toString() {
        return "Pod/" + name;
    }
}
