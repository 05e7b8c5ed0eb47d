package dev.hamonitoring.binaries;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The only semantic changes a loopback stack may make to the rendered configuration, all of them
 * timings shortened so a test finishes in seconds instead of hours: Prometheus' global scrape and
 * evaluation intervals, and flags (per program, {@code thanos compact} for example) that set a
 * delay. Each becomes a {@link Rewrite.Kind#TIMING} rewrite that tests can list and assert.
 * Immutable.
 */
public final class TestTimings {

    private final String scrapeInterval;
    private final String evaluationInterval;
    private final Map<String, List<String>> flags;

    private TestTimings(String scrapeInterval, String evaluationInterval, Map<String, List<String>> flags) {
        this.scrapeInterval = scrapeInterval;
        this.evaluationInterval = evaluationInterval;
        this.flags = flags;
    }

    /** Everything exactly as rendered. */
    public static TestTimings asRendered() {
        return new TestTimings(null, null, Map.of());
    }

    /** Replaces {@code global.scrape_interval} and {@code global.evaluation_interval} of prometheus.yml. */
    public TestTimings prometheusIntervals(String scrape, String evaluation) {
        return new TestTimings(Objects.requireNonNull(scrape), Objects.requireNonNull(evaluation), flags);
    }

    /**
     * Sets {@code --name=value} for every container running {@code program} ({@code prometheus},
     * {@code alertmanager}, {@code thanos compact}...): replaces the rendered value, or adds the flag.
     */
    public TestTimings flag(String program, String flag) {
        if (!flag.startsWith("--") || !flag.contains("=")) {
            throw new IllegalArgumentException("A timing flag is --name=value: " + flag);
        }
        Map<String, List<String>> next = new LinkedHashMap<>(flags);
        List<String> list = new ArrayList<>(next.getOrDefault(program, List.of()));
        list.add(flag);
        next.put(program, List.copyOf(list));
        return new TestTimings(scrapeInterval, evaluationInterval, Map.copyOf(next));
    }

    public Optional<String> scrapeInterval() {
        return Optional.ofNullable(scrapeInterval);
    }

    public Optional<String> evaluationInterval() {
        return Optional.ofNullable(evaluationInterval);
    }

    /** The flags set for a program. */
    public List<String> flags(String program) {
        return flags.getOrDefault(program, List.of());
    }

    @Override
    public String toString() {
        return "TestTimings[scrape=" + scrapeInterval + ", evaluation=" + evaluationInterval + ", flags=" + flags + "]";
    }
}
