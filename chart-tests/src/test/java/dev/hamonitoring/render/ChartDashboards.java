package dev.hamonitoring.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The Grafana dashboards the chart renders (ConfigMap monitoring-grafana-dashboards), for the render tests and the binaries layer. */
public final class ChartDashboards {

    public static final String CONFIG_MAP = "monitoring-grafana-dashboards";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChartDashboards() {}

    /** Every dashboard of the rendered ConfigMap, by file name. */
    public static Map<String, JsonNode> dashboards(RenderedRelease release) {
        Map<String, JsonNode> dashboards = new TreeMap<>();
        release.one(ConfigMap.class, CONFIG_MAP).getData().forEach((key, value) -> {
            if (key.endsWith(".json")) {
                dashboards.put(key, parse(value));
            }
        });
        return dashboards;
    }

    /** Every query, as "file / panel / refId" to its expression, Grafana's interval variables replaced by a duration so Prometheus can parse it. */
    public static Map<String, String> queries(RenderedRelease release) {
        Map<String, String> queries = new LinkedHashMap<>();
        dashboards(release)
                .forEach((file, dashboard) -> dashboard
                        .path("panels")
                        .forEach(panel -> panel.path("targets")
                                .forEach(target -> queries.put(
                                        file + " / " + panel.path("title").asText() + " / "
                                                + target.path("refId").asText(),
                                        target.path("expr")
                                                .asText()
                                                .replace("$__rate_interval", "1m")
                                                .replace("$__interval", "1m")))));
        return queries;
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
