package dev.hamonitoring.analysis.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus relabelling, enough to tell whether a discovered target is kept: keep, drop,
 * replace (with $n references), labelmap; other actions are ignored. Regexes are fully anchored
 * as in Prometheus.
 */
public final class Relabel {

    private Relabel() {}

    /** Applies the rules; empty when the target is dropped. */
    public static Map<String, String> apply(JsonNode rules, Map<String, String> labels) {
        Map<String, String> current = new LinkedHashMap<>(labels);
        for (JsonNode rule : rules) {
            String action = rule.path("action").asText("replace").toLowerCase(Locale.ROOT);
            String separator = rule.path("separator").asText(";");
            List<String> values = new ArrayList<>();
            for (JsonNode source : rule.path("source_labels")) {
                values.add(current.getOrDefault(source.asText(), ""));
            }
            String joined = String.join(separator, values);
            Pattern regex = Pattern.compile(rule.path("regex").asText("(.*)"));
            Matcher m = regex.matcher(joined);
            switch (action) {
                case "keep" -> {
                    if (!m.matches()) {
                        return Map.of();
                    }
                }
                case "drop" -> {
                    if (m.matches()) {
                        return Map.of();
                    }
                }
                case "replace" -> {
                    if (m.matches() && rule.hasNonNull("target_label")) {
                        current.put(
                                rule.get("target_label").asText(),
                                expand(rule.path("replacement").asText("$1"), m));
                    }
                }
                case "labelmap" -> {
                    Map<String, String> add = new LinkedHashMap<>();
                    current.forEach((k, v) -> {
                        Matcher lm = regex.matcher(k);
                        if (lm.matches()) {
                            add.put(expand(rule.path("replacement").asText("$1"), lm), v);
                        }
                    });
                    current.putAll(add);
                }
                default -> {
                    // hashmod, labeldrop, labelkeep, lowercase... do not decide whether a target is kept here.
                }
            }
        }
        return current;
    }

    private static String expand(String replacement, Matcher m) {
        String out = replacement;
        for (int g = m.groupCount(); g >= 0; g--) {
            String value = m.group(g) == null ? "" : m.group(g);
            out = out.replace("${" + g + "}", value).replace("$" + g, value);
        }
        return out;
    }

    /** A Kubernetes label or annotation name as Prometheus spells it in meta labels. */
    public static String sanitize(String name) {
        return name.replaceAll("[^a-zA-Z0-9_]", "_");
    }
}
