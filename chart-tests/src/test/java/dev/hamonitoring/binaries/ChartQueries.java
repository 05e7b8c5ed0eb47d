package dev.hamonitoring.binaries;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.render.ChartDashboards;
import dev.hamonitoring.render.ChartRules;
import dev.hamonitoring.render.RenderedRelease;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The PromQL the chart ships (rules and dashboards) and its selectors, as a real Prometheus parses them. */
final class ChartQueries {

    private ChartQueries() {}

    /** "rule Name" / "dashboard file / panel / refId" to the expression, for every rule and dashboard query of a render. */
    static Map<String, String> expressions(RenderedRelease release) {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode rule : ChartRules.rules(ChartRules.rulesFile(release))) {
            expressions.put(
                    "rule " + rule.path("alert").asText(rule.path("record").asText()),
                    rule.path("expr").asText());
        }
        ChartDashboards.queries(release).forEach((where, expr) -> expressions.put("dashboard " + where, expr));
        return expressions;
    }

    /** Every vector or range selector of a PromQL expression, parsed by the Prometheus at {@code prometheus} (its /api/v1/parse_query). */
    static List<JsonNode> selectors(URI prometheus, String expr) {
        Api.Response parsed = Api.get(prometheus.resolve("/api/v1/parse_query?query=" + Api.encode(expr)));
        assertThat(parsed.json().path("status").asText())
                .as(expr + " -> " + parsed.text())
                .isEqualTo("success");
        List<JsonNode> found = new ArrayList<>();
        collect(parsed.json().path("data"), found);
        return found;
    }

    private static void collect(JsonNode node, List<JsonNode> found) {
        if (node.isObject() && node.has("matchers") && node.has("name")) {
            found.add(node);
        }
        node.forEach(child -> collect(child, found));
    }

    /** The value of a selector's matcher on {@code label}, or null. */
    static String matcher(JsonNode selector, String label) {
        for (JsonNode m : selector.path("matchers")) {
            if (m.path("name").asText().equals(label)) {
                return m.path("value").asText();
            }
        }
        return null;
    }

    /** Number of series of {@code promql} in the Prometheus at {@code prometheus} now. */
    static int count(URI prometheus, String promql) {
        JsonNode result = Api.get(prometheus.resolve("/api/v1/query?query=" + Api.encode("count(" + promql + ")")))
                .json()
                .path("data")
                .path("result");
        return result.isEmpty()
                ? 0
                : (int) Double.parseDouble(result.get(0).path("value").get(1).asText());
    }
}
