package dev.hamonitoring.binaries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Small HTTP JSON clients of the Prometheus-compatible query API (Prometheus, Thanos Query) and of Alertmanager. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Api() {}

    /** An HTTP answer: status and parsed JSON body (or the text when it is not JSON). */
    record Response(int status, JsonNode json, String text) {}

    static Response get(URI url) {
        return send(HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());
    }

    static Response postJson(URI url, Object body) {
        try {
            return send(HttpRequest.newBuilder(url)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException e) {
                // Not JSON: keep the text.
            }
            return new Response(response.statusCode(), json, response.body());
        } catch (IOException e) {
            return new Response(-1, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, null, e.toString());
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** One series of a query result: its labels and its samples (time in seconds, value). */
    record Series(Map<String, String> labels, List<double[]> samples) {}

    /** A query answer: whether it succeeded, its series, its warnings, and the raw response for messages. */
    record QueryResult(boolean success, List<Series> series, List<String> warnings, Response response) {
        @Override
        public String toString() {
            return (success ? "success" : "FAILED") + " " + series.size() + " series "
                    + series.stream().map(Series::labels).toList()
                    + (warnings.isEmpty() ? "" : " warnings " + warnings)
                    + (success ? "" : " (HTTP " + response.status() + ": " + response.text() + ")");
        }
    }

    /** The query API of a Prometheus or Thanos Query (or query frontend) at {@code base}. */
    record Query(URI base) {

        /** Instant query; {@code dedup} is Thanos' parameter (Prometheus ignores it). */
        QueryResult instant(String promql, boolean dedup) {
            return result(get(URI.create(base + "/api/v1/query?query=" + encode(promql) + "&dedup=" + dedup)));
        }

        /** Instant query at a time. */
        QueryResult instant(String promql, Instant at, boolean dedup) {
            return result(get(URI.create(base + "/api/v1/query?query=" + encode(promql) + "&dedup=" + dedup + "&time="
                    + at.toEpochMilli() / 1000.0)));
        }

        /** Range query. */
        QueryResult range(String promql, Instant start, Instant end, Duration step, boolean dedup) {
            return result(get(URI.create(base + "/api/v1/query_range?query=" + encode(promql)
                    + "&start=" + start.toEpochMilli() / 1000.0 + "&end=" + end.toEpochMilli() / 1000.0
                    + "&step=" + step.toMillis() / 1000.0 + "&dedup=" + dedup)));
        }

        private static QueryResult result(Response response) {
            boolean success = response.status() == 200
                    && response.json() != null
                    && "success".equals(response.json().path("status").asText());
            List<Series> series = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            if (response.json() != null) {
                response.json().path("warnings").forEach(w -> warnings.add(w.asText()));
                for (JsonNode item : response.json().path("data").path("result")) {
                    Map<String, String> labels = new TreeMap<>();
                    item.path("metric")
                            .properties()
                            .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                    List<double[]> samples = new ArrayList<>();
                    if (item.has("value")) {
                        samples.add(sample(item.get("value")));
                    }
                    item.path("values").forEach(v -> samples.add(sample(v)));
                    series.add(new Series(labels, samples));
                }
            }
            return new QueryResult(success, series, warnings, response);
        }

        private static double[] sample(JsonNode pair) {
            return new double[] {
                pair.get(0).asDouble(), Double.parseDouble(pair.get(1).asText())
            };
        }
    }

    /** The v2 API of one Alertmanager. */
    record Alertmanager(URI base) {

        JsonNode status() {
            return require(get(URI.create(base + "/api/v2/status")), "status");
        }

        /** Names of the cluster peers this replica sees. */
        List<String> peers() {
            List<String> names = new ArrayList<>();
            status().path("cluster")
                    .path("peers")
                    .forEach(p -> names.add(p.path("name").asText()));
            return names;
        }

        JsonNode alerts() {
            return require(get(URI.create(base + "/api/v2/alerts")), "alerts");
        }

        /** The alerts with that alertname this replica holds, as JSON. */
        List<JsonNode> alerts(String alertname) {
            List<JsonNode> found = new ArrayList<>();
            alerts().forEach(a -> {
                if (alertname.equals(a.path("labels").path("alertname").asText())) {
                    found.add(a);
                }
            });
            return found;
        }

        JsonNode silences() {
            return require(get(URI.create(base + "/api/v2/silences")), "silences");
        }

        /** Creates a silence matching {@code alertname} for an hour; returns its id. */
        String silence(String alertname, String comment) {
            Map<String, Object> matcher = new LinkedHashMap<>();
            matcher.put("name", "alertname");
            matcher.put("value", alertname);
            matcher.put("isRegex", false);
            matcher.put("isEqual", true);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("matchers", List.of(matcher));
            body.put("startsAt", Instant.now().minusSeconds(1).toString());
            body.put("endsAt", Instant.now().plusSeconds(3600).toString());
            body.put("createdBy", "ha-monitoring binary tests");
            body.put("comment", comment);
            Response response = postJson(URI.create(base + "/api/v2/silences"), body);
            return require(response, "silence").path("silenceID").asText();
        }

        private static JsonNode require(Response response, String what) {
            if (response.status() != 200 || response.json() == null) {
                throw new AssertionError(
                        "Alertmanager " + what + " answered HTTP " + response.status() + ": " + response.text());
            }
            return response.json();
        }
    }
}
