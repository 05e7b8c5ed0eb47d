package dev.hamonitoring.analysis;

import java.util.Map;

/** The chart's values block of each component, for the "value to change" of a finding. */
public final class ValuesKeys {

    private static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("prometheus", "prometheus"),
            Map.entry("thanos-query", "thanos.query"),
            Map.entry("thanos-query-frontend", "thanos.queryFrontend"),
            Map.entry("thanos-store", "thanos.storeGateway"),
            Map.entry("thanos-compactor", "thanos.compactor"),
            Map.entry("alertmanager", "alertmanager"),
            Map.entry("grafana", "grafana"),
            Map.entry("postgresql", "postgresql"),
            Map.entry("redis", "redis"),
            Map.entry("redis-haproxy", "redis.haproxy"),
            Map.entry("loki-write", "loki.write"),
            Map.entry("loki-read", "loki.read"),
            Map.entry("loki-backend", "loki.backend"));

    private ValuesKeys() {
    }

    /** "thanos.query" for component "thanos-query"; the component itself when unknown. */
    public static String of(String component) {
        return KEYS.getOrDefault(component, component);
    }
}
