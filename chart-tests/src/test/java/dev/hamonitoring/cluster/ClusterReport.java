package dev.hamonitoring.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers the cluster tests measure (start times, pods per zone, 429s, drain duration, ...)
 * and every test's duration, printed as one compact block when the shared control plane closes.
 */
final class ClusterReport {

    private static final Map<String, String> NUMBERS = new LinkedHashMap<>();
    private static final List<String> TESTS = new ArrayList<>();

    private ClusterReport() {}

    /** Records (or replaces) a measured value under a key such as {@code "prod 3x2: drain"}. */
    static synchronized void number(String key, String value) {
        NUMBERS.put(key, value);
        System.out.println("[cluster] " + key + ": " + value);
    }

    static synchronized void test(String name, double seconds, boolean passed) {
        TESTS.add(String.format("%6.1f s  %s  %s", seconds, passed ? "ok  " : "FAIL", name));
    }

    static synchronized String render() {
        StringBuilder out = new StringBuilder("\n===== cluster tests: summary =====\n");
        NUMBERS.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        out.append("-- per test --\n");
        TESTS.forEach(t -> out.append(t).append('\n'));
        return out.append("==================================\n").toString();
    }
}
