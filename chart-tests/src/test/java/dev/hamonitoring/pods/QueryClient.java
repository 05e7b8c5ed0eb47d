package dev.hamonitoring.pods;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The query path as Grafana uses it: a pod wearing Grafana's labels (so the chart's policies treat
 * it as Grafana) sending alternating instant and range queries to the query frontend's Service,
 * Grafana's data source. Every query asks for the Alertmanager targets' {@code up}, deduplicated:
 * three series, each made of both Prometheus replicas' samples.
 */
final class QueryClient {

    static final String POD = "query-client";
    static final int SCRAPE_INTERVAL_SECONDS = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;

    private QueryClient(KubernetesClient client) {
        this.client = client;
    }

    /** Starts the client pod next to an installed stack and waits until a few queries answer in full. */
    static QueryClient start(RealStack stack) {
        KubernetesClient client = stack.cluster().client();
        Deployment grafana = stack.release().one(Deployment.class, stack.grafanaDeployment());
        client.pods()
                .inNamespace(RealPodsProfile.NAMESPACE)
                .resource(RealStack.probePod(
                        POD, grafana.getSpec().getTemplate().getMetadata().getLabels()))
                .create();
        await(POD + " Running")
                .atMost(Duration.ofMinutes(2))
                .until(() -> RealStack.ready(client.pods()
                        .inNamespace(RealPodsProfile.NAMESPACE)
                        .withName(POD)
                        .get()));
        QueryClient queries = new QueryClient(client);
        // Both replicas' series of every Alertmanager target, so each query has something to deduplicate.
        await("three deduplicated Alertmanager series through the frontend")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(5))
                .until(() -> queries.run(4).good() == 4);
        return queries;
    }

    /** The node the client runs on: a pod without a controller, which a drain of that node would refuse to evict. */
    String node() {
        return client.pods()
                .inNamespace(RealPodsProfile.NAMESPACE)
                .withName(POD)
                .get()
                .getSpec()
                .getNodeName();
    }

    /**
     * What the queries returned: a failure is a non-200, a non-success status or too few series;
     * {@code failureTimes} are when each failed query started (epoch milliseconds).
     */
    record Outcome(
            int total,
            int good,
            int warned,
            List<String> failures,
            List<Long> failureTimes,
            long largestGapSeconds,
            double seconds) {
        @Override
        public String toString() {
            return total + " queries in " + String.format("%.0f s", seconds) + ", " + failures.size()
                    + " failed or incomplete, " + warned
                    + " complete with a partial-response warning, largest gap in a range result "
                    + largestGapSeconds + " s"
                    + (failures.isEmpty()
                            ? ""
                            : ", first failures " + failures.subList(0, Math.min(3, failures.size())));
        }
    }

    /** Each Alertmanager pod's {@code up}: the series every query of the client asks for. */
    static final String ALERTMANAGER_UP = "up{job=\"ha-monitoring\",component=\"alertmanager\"}";
    /** Series of a complete answer: one per Alertmanager pod. */
    static final int ALERTMANAGERS = 3;

    /** The time (epoch seconds) of the last step of a range query ending now, as the frontend aligns it to the step. */
    static long lastRangeStep() {
        long now = System.currentTimeMillis() / 1000;
        return now - now % SCRAPE_INTERVAL_SECONDS;
    }

    /** Sends this many queries (about five a second) and reads every answer; all three series make an answer complete. */
    Outcome run(int queries) {
        return run(queries, ALERTMANAGERS);
    }

    /**
     * The same, with an answer complete from {@code series} series on: while an Alertmanager pod
     * is gone with its node, its target leaves Prometheus' discovery and its series ends.
     */
    Outcome run(int queries, int series) {
        String frontend = "http://" + RealPodsProfile.RELEASE + "-thanos-query-frontend:10902";
        // One series per Alertmanager pod, whatever address it had: an evicted or moved pod
        // changes its instance label, not its name.
        String selector = "max by (pod) (" + ALERTMANAGER_UP + ")";
        String script = "i=0; while [ $i -lt " + queries + " ]; do now=$(date +%s); at=$(date +%s%3N); "
                + "start=$((now - 300)); "
                + "if [ $((i % 2)) -eq 0 ]; then echo \"instant $at $(curl -sS -m 10 -w ' %{http_code}' --get "
                + frontend + "/api/v1/query --data-urlencode 'query=" + selector
                + "' --data-urlencode dedup=true 2>&1 | tr -d '\\n')\"; "
                + "else echo \"range $at $(curl -sS -m 10 -w ' %{http_code}' --get " + frontend
                + "/api/v1/query_range --data-urlencode 'query=" + selector
                + "' --data-urlencode dedup=true --data-urlencode start=$start --data-urlencode end=$now"
                + " --data-urlencode step=" + SCRAPE_INTERVAL_SECONDS + " 2>&1 | tr -d '\\n')\"; fi; "
                + "i=$((i + 1)); sleep 0.2; done";
        long t0 = System.nanoTime();
        PodExec.Result answers = PodExec.run(
                client,
                RealPodsProfile.NAMESPACE,
                POD,
                List.of("sh", "-c", script),
                Duration.ofSeconds(60 + 11L * queries));
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<String> failures = new ArrayList<>();
        List<Long> failureTimes = new ArrayList<>();
        long largestGap = 0;
        int total = 0;
        int warned = 0;
        for (String line : answers.stdout().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] head = line.split(" ", 3);
            if (head.length < 2 || !head[1].matches("\\d+")) {
                // Not one of the script's lines: a fragment of an answer, reported with the rest.
                failures.add("unreadable line " + line.substring(0, Math.min(200, line.length())));
                failureTimes.add(System.currentTimeMillis());
                continue;
            }
            total++;
            String kind = head[0];
            long at = Long.parseLong(head[1]);
            String rest = head.length > 2 ? head[2] : "";
            int lastSpace = rest.lastIndexOf(' ');
            String code = rest.substring(lastSpace + 1);
            String body = lastSpace < 0 ? "" : rest.substring(0, lastSpace);
            JsonNode json = parse(body);
            JsonNode result = json == null ? null : json.path("data").path("result");
            if (!"200".equals(code)
                    || json == null
                    || !"success".equals(json.path("status").asText())
                    || result.size() < series) {
                failures.add(kind + " " + code + " series=" + (result == null ? "-" : result.size()) + " "
                        + body.substring(0, Math.min(200, body.length()))
                        + (json != null && json.has("warnings") ? " warnings " + json.path("warnings") : ""));
                failureTimes.add(at);
                continue;
            }
            // Complete, but Thanos says a store did not answer (partial response, filled by the other replica).
            if (json.has("warnings")) {
                warned++;
            }
            if ("range".equals(kind)) {
                for (JsonNode s : result) {
                    largestGap = Math.max(largestGap, largestGap(s.path("values")));
                }
            }
        }
        return new Outcome(
                total,
                total
                        - (int) failures.stream()
                                .filter(f -> !f.startsWith("unreadable"))
                                .count(),
                warned,
                failures,
                failureTimes,
                largestGap,
                seconds);
    }

    private static long largestGap(JsonNode values) {
        long gap = 0;
        for (int i = 1; i < values.size(); i++) {
            gap = Math.max(
                    gap,
                    values.get(i).get(0).asLong() - values.get(i - 1).get(0).asLong());
        }
        return gap;
    }

    /** The JSON of an answer, or null when it is not JSON (a curl error, a proxy's HTML). */
    static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
