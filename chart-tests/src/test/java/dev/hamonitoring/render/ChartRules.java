package dev.hamonitoring.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The Prometheus rules the chart renders and their promtool unit tests
 * (chart-tests/src/test/resources/rules/*.test.yaml), for the render tests and the promtool IT.
 */
public final class ChartRules {

    /** Rules ConfigMap and its key, as the prometheus subchart renders them. */
    public static final String CONFIG_MAP = "monitoring-prometheus-rules";

    public static final String FILE = "ha-monitoring.yaml";
    /** Alerts that are never meant to be inactive, with the reason; they need no not-firing case. */
    public static final Map<String, String> ALWAYS_FIRING =
            Map.of("Watchdog", "its expression is vector(1): it fires as long as the pipeline works");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ChartRules() {}

    /** The rendered rules file. */
    public static String rulesFile(RenderedRelease release) {
        return release.one(ConfigMap.class, CONFIG_MAP).getData().get(FILE);
    }

    public static JsonNode parse(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every rule of every group, in order. */
    public static List<JsonNode> rules(String rulesYaml) {
        List<JsonNode> rules = new ArrayList<>();
        parse(rulesYaml).path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        return rules;
    }

    /** Group name to the names of its alerts and records. */
    public static Map<String, List<String>> groups(String rulesYaml) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        parse(rulesYaml).path("groups").forEach(g -> {
            List<String> names = new ArrayList<>();
            g.path("rules")
                    .forEach(r -> names.add(
                            r.has("alert")
                                    ? r.path("alert").asText()
                                    : r.path("record").asText()));
            groups.put(g.path("name").asText(), names);
        });
        return groups;
    }

    public static Set<String> alerts(String rulesYaml) {
        Set<String> names = new TreeSet<>();
        rules(rulesYaml).stream()
                .filter(r -> r.has("alert"))
                .forEach(r -> names.add(r.path("alert").asText()));
        return names;
    }

    public static Set<String> records(String rulesYaml) {
        Set<String> names = new TreeSet<>();
        rules(rulesYaml).stream()
                .filter(r -> r.has("record"))
                .forEach(r -> names.add(r.path("record").asText()));
        return names;
    }

    /** The promtool test files of the chart's rules. */
    public static Path testsDirectory() {
        return ProjectPaths.root().resolve("chart-tests/src/test/resources/rules");
    }

    public static List<Path> testFiles() {
        try (Stream<Path> files = Files.list(testsDirectory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".test.yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the promtool tests cover: per alert, the number of firing and not-firing cases; the records an expression test reads. */
    public record Coverage(Map<String, int[]> alertCases, Set<String> recordsTested) {

        /**
         * Everything a rules file has that these tests leave untested, and every test of an alert
         * the file does not have (promtool passes "no alert expected" for an unknown alert name).
         */
        public List<String> gaps(String rulesYaml) {
            List<String> gaps = new ArrayList<>();
            Set<String> alerts = alerts(rulesYaml);
            for (String alert : alerts) {
                int[] cases = alertCases.getOrDefault(alert, new int[2]);
                if (cases[0] == 0) {
                    gaps.add(alert + ": no promtool case in which it fires");
                }
                if (cases[1] == 0 && !ALWAYS_FIRING.containsKey(alert)) {
                    gaps.add(alert + ": no promtool case in which it does not fire");
                }
            }
            for (String tested : alertCases.keySet()) {
                if (!alerts.contains(tested)) {
                    gaps.add(tested + ": tested, but no rendered alert has this name");
                }
            }
            for (String record : records(rulesYaml)) {
                if (!recordsTested.contains(record)) {
                    gaps.add(record + ": no promql_expr_test reads this recording rule");
                }
            }
            return gaps;
        }
    }

    public static Coverage coverage(List<Path> testFiles) {
        Map<String, int[]> cases = new LinkedHashMap<>();
        Set<String> records = new TreeSet<>();
        for (Path file : testFiles) {
            JsonNode root;
            try {
                root = YAML.readTree(file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            root.path("tests").forEach(test -> {
                test.path("alert_rule_test").forEach(c -> {
                    int[] counts = cases.computeIfAbsent(c.path("alertname").asText(), n -> new int[2]);
                    counts[c.path("exp_alerts").isEmpty() ? 1 : 0]++;
                });
                test.path("promql_expr_test")
                        .forEach(c -> records.add(c.path("expr")
                                .asText()
                                .replaceAll("[{\\[(].*", "")
                                .strip()));
            });
        }
        return new Coverage(cases, records);
    }
}
