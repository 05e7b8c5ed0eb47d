package dev.hamonitoring.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hamonitoring.cluster.Eviction;
import dev.hamonitoring.cluster.ReleaseNamespace;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Parts of the stack dying on real pods while an in-cluster client queries it: a pod wearing
 * Grafana's labels, querying the query frontend's Service (Grafana's data source) in a loop.
 * Figures are printed with {@code [pods]}, not asserted as timings.
 */
@ExtendWith(RealClusterExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The prod overlay on real pods, while its parts die")
class DisruptionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = RealPodsProfile.NAMESPACE;
    private static final String CLIENT = "query-client";
    private static final String PROMETHEUS = RealPodsProfile.RELEASE + "-prometheus";
    private static final String ALERTMANAGER = RealPodsProfile.RELEASE + "-alertmanager";
    private static final int SCRAPE_INTERVAL_SECONDS = 30;

    private RealCluster cluster;
    private RealStack stack;
    private KubernetesClient client;

    @BeforeAll
    void install() {
        cluster = RealClusterExtension.cluster();
        cluster.recycleReleasedVolumes();
        client = cluster.client();
        stack = RealStack.install(cluster);
        stack.awaitReady(Duration.ofMinutes(6));
        Deployment grafana = stack.release().one(Deployment.class, stack.grafanaDeployment());
        client.pods()
                .inNamespace(NS)
                .resource(RealStack.probePod(
                        CLIENT, grafana.getSpec().getTemplate().getMetadata().getLabels()))
                .create();
        await(CLIENT + " Running")
                .atMost(Duration.ofMinutes(2))
                .until(() -> RealStack.ready(
                        client.pods().inNamespace(NS).withName(CLIENT).get()));
        // Both replicas' series of every Alertmanager target, so each query has something to deduplicate.
        await("three deduplicated Alertmanager series through the frontend")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(5))
                .until(() -> new QueryLoad(4).run().good() == 4);
    }

    @AfterAll
    void uninstall() {
        if (stack != null) {
            stack.helm().uninstallIfPresent();
            ReleaseNamespace.delete(client, NS);
            cluster.recycleReleasedVolumes();
        }
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @DisplayName("losing a Prometheus replica under query load")
    class PrometheusLoss {

        @Test
        @Order(1)
        @DisplayName("fails no query while one replica is deleted and the other's process is killed")
        void noFailedQuery() {
            QueryLoad load = new QueryLoad(300);
            CompletableFuture<QueryLoad.Outcome> running = CompletableFuture.supplyAsync(load::run);
            Pod first = pod(PROMETHEUS + "-0");
            client.pods().inNamespace(NS).resource(first).delete();
            long t0 = System.nanoTime();
            awaitReplaced(first);
            double replaced = (System.nanoTime() - t0) / 1e9;
            // The second loss only after the first is over: every Query has the new pod's sidecar
            // back (re-resolved by DNS-SRV and checked), or this would be both replicas down.
            awaitQueriesSeeSidecars(2);
            System.out.printf(
                    "[pods] deleted %s: replaced and Ready in %.0f s, back in every Query after %.0f s%n",
                    first.getMetadata().getName(), replaced, (System.nanoTime() - t0) / 1e9);
            Pod second = pod(PROMETHEUS + "-1");
            int restarts = restarts(second, "prometheus");
            killContainer(second, "prometheus");
            await(second.getMetadata().getName() + " restarted and Ready")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        Pod now = pod(second.getMetadata().getName());
                        return restarts(now, "prometheus") > restarts && RealStack.ready(now);
                    });
            QueryLoad.Outcome outcome = running.join();
            System.out.printf("[pods] Prometheus loss under load: %s%n", outcome);
            assertThat(outcome.total()).isGreaterThanOrEqualTo(300);
            assertThat(outcome.failures()).as("failed or partial queries").isEmpty();
            assertThat(outcome.largestGapSeconds()).isLessThanOrEqualTo(2 * SCRAPE_INTERVAL_SECONDS);
        }

        @Test
        @Order(2)
        @DisplayName("is what keeps them answering: with both replicas down the same queries come back empty or failed")
        void bothReplicasDown() {
            client.apps().statefulSets().inNamespace(NS).withName(PROMETHEUS).scale(0);
            try {
                await("no Prometheus pod left")
                        .atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> client.pods()
                                .inNamespace(NS)
                                .withLabel("app.kubernetes.io/name", "prometheus")
                                .list()
                                .getItems()
                                .isEmpty());
                QueryLoad.Outcome outcome = new QueryLoad(20).run();
                System.out.printf("[pods] both Prometheus replicas down: %s%n", outcome);
                assertThat(outcome.good()).isZero();
            } finally {
                client.apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName(PROMETHEUS)
                        .scale(2);
                stack.awaitReady(Duration.ofMinutes(4));
            }
        }
    }

    @Nested
    @DisplayName("the Eviction API")
    class Evictions {

        @Test
        @DisplayName("evicts one Alertmanager and answers 429 for a second while the first is not back")
        void refusesPastTheBudget() {
            List<Pod> pods = stack.releasePods().stream()
                    .filter(p -> RealPods.owner(p).equals(ALERTMANAGER))
                    .toList();
            assertThat(pods).hasSize(3);
            Eviction.Answer first =
                    Eviction.evict(client, NS, pods.get(0).getMetadata().getName());
            Eviction.Answer second =
                    Eviction.evict(client, NS, pods.get(1).getMetadata().getName());
            System.out.printf("[pods] evictions: first %d, second %d%n", first.code(), second.code());
            assertThat(first.evicted()).as(first.body()).isTrue();
            assertThat(second.refusedByBudget()).as(second.body()).isTrue();
            awaitReplaced(pods.get(0));
            Eviction.Answer later =
                    Eviction.evict(client, NS, pods.get(1).getMetadata().getName());
            assertThat(later.evicted())
                    .as("once the first is Ready again: " + later.body())
                    .isTrue();
            awaitReplaced(pods.get(1));
        }
    }

    @Nested
    @DisplayName("kubectl drain")
    class Drain {

        @Test
        @DisplayName("of the busiest node completes, never takes a budget below its minimum, and fails no query")
        void drainKeepsBudgetsAndQueries() {
            String node = busiestNode();
            BudgetSampler budgets = new BudgetSampler().start();
            CompletableFuture<QueryLoad.Outcome> load = CompletableFuture.supplyAsync(new QueryLoad(150)::run);
            long t0 = System.nanoTime();
            String out;
            try {
                out = cluster.exec(
                        "control-plane",
                        "/opt/kubernetes/bin/kubectl",
                        "--kubeconfig=/pki/admin.kubeconfig",
                        "drain",
                        node,
                        "--ignore-daemonsets",
                        "--delete-emptydir-data",
                        "--timeout=300s");
            } finally {
                double seconds = (System.nanoTime() - t0) / 1e9;
                QueryLoad.Outcome outcome = load.join();
                budgets.stop();
                System.out.printf(
                        "[pods] drain of %s: %.0f s; smallest margin above each budget's minimum %s (%d samples); queries: %s%n",
                        node, seconds, budgets.margins(), budgets.samples(), outcome);
                cluster.exec(
                        "control-plane",
                        "/opt/kubernetes/bin/kubectl",
                        "--kubeconfig=/pki/admin.kubeconfig",
                        "uncordon",
                        node);
                stack.awaitReady(Duration.ofMinutes(5));
                assertThat(outcome.failures())
                        .as("failed or partial queries during the drain")
                        .isEmpty();
            }
            assertThat(out).contains("node/" + node + " drained");
            assertThat(budgets.samples()).isPositive();
            assertThat(budgets.smallestMargin())
                    .as("healthy pods minus the budget's minimum")
                    .isGreaterThanOrEqualTo(0);
        }

        private String busiestNode() {
            Map<String, Long> perNode = stack.releasePods().stream()
                    .collect(
                            Collectors.groupingBy(p -> p.getSpec().getNodeName(), TreeMap::new, Collectors.counting()));
            return perNode.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .orElseThrow()
                    .getKey();
        }
    }

    /** Samples every PodDisruptionBudget of the namespace twice a second: the smallest {@code currentHealthy - desiredHealthy} seen. */
    private final class BudgetSampler {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final Map<String, Integer> margins = new ConcurrentHashMap<>();
        private volatile int samples;

        BudgetSampler start() {
            timer.scheduleAtFixedRate(this::sample, 0, 500, TimeUnit.MILLISECONDS);
            return this;
        }

        private void sample() {
            List<PodDisruptionBudget> budgets;
            try {
                budgets = client.policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace(NS)
                        .list()
                        .getItems();
            } catch (RuntimeException e) {
                // A failed read is no sample (and must not end the schedule).
                return;
            }
            for (PodDisruptionBudget pdb : budgets) {
                // Grafana's budget guards no Grafana here (scaled to 0: no image), only the client
                // pod that wears its labels.
                if (pdb.getStatus() != null
                        && pdb.getStatus().getDesiredHealthy() != null
                        && !pdb.getMetadata().getName().equals(stack.grafanaDeployment())) {
                    margins.merge(
                            pdb.getMetadata().getName(),
                            pdb.getStatus().getCurrentHealthy()
                                    - pdb.getStatus().getDesiredHealthy(),
                            Math::min);
                }
            }
            samples++;
        }

        void stop() {
            timer.shutdownNow();
        }

        int smallestMargin() {
            return margins.values().stream().mapToInt(Integer::intValue).min().orElse(Integer.MAX_VALUE);
        }

        /** The smallest margin seen per budget. */
        Map<String, Integer> margins() {
            return new TreeMap<>(margins);
        }

        int samples() {
            return samples;
        }
    }

    /** Waits until every Thanos Query pod reports this many sidecars answering its health checks. */
    private void awaitQueriesSeeSidecars(int sidecars) {
        await("every Thanos Query sees " + sidecars + " healthy sidecars")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> stack.releasePods().stream()
                        .filter(p -> RealPods.owner(p).equals(RealPodsProfile.RELEASE + "-thanos-query"))
                        .allMatch(q -> healthySidecars(q) == sidecars));
    }

    private int healthySidecars(Pod query) {
        PodExec.Result stores = PodExec.run(
                client,
                NS,
                query.getMetadata().getName(),
                List.of("curl", "-fsS", "http://127.0.0.1:10902/api/v1/stores"));
        int healthy = 0;
        JsonNode answer = QueryLoad.parse(stores.stdout());
        if (answer == null) {
            return -1;
        }
        for (JsonNode store : answer.path("data").path("sidecar")) {
            if (store.path("lastError").isNull()
                    || store.path("lastError").asText().isEmpty()) {
                healthy++;
            }
        }
        return healthy;
    }

    private Pod pod(String name) {
        return client.pods().inNamespace(NS).withName(name).get();
    }

    /** Waits for the pod of that name to be a new one (other UID), Running and Ready. */
    private void awaitReplaced(Pod old) {
        await(old.getMetadata().getName() + " replaced and Ready")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    Pod now = pod(old.getMetadata().getName());
                    return now != null
                            && !now.getMetadata()
                                    .getUid()
                                    .equals(old.getMetadata().getUid())
                            && RealStack.ready(now);
                });
    }

    private static int restarts(Pod pod, String container) {
        return status(pod, container).getRestartCount();
    }

    private static ContainerStatus status(Pod pod, String container) {
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> s.getName().equals(container))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "no container " + container + " in " + pod.getMetadata().getName()));
    }

    /** SIGKILL to a container's process through its node's containerd: no graceful stop, no preStop. */
    private void killContainer(Pod pod, String container) {
        String id = status(pod, container).getContainerID().replaceFirst("^containerd://", "");
        cluster.exec(pod.getSpec().getNodeName(), "ctr", "-n", "k8s.io", "task", "kill", "-s", "SIGKILL", id);
    }

    /**
     * Alternating instant and range queries (the last 5 minutes, one step per scrape interval) for
     * the Alertmanager targets' {@code up}, deduplicated, from the client pod through the query
     * frontend; one line per query: kind, body, HTTP status.
     */
    private final class QueryLoad {
        private final int queries;

        QueryLoad(int queries) {
            this.queries = queries;
        }

        /** What the queries returned: a failure is a non-200, a non-success status or not all three series. */
        record Outcome(int total, int good, int warned, List<String> failures, long largestGapSeconds, double seconds) {
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

        Outcome run() {
            String frontend = "http://" + RealPodsProfile.RELEASE + "-thanos-query-frontend:10902";
            // One series per Alertmanager pod, whatever address it had: an evicted or moved pod
            // changes its instance label, not its name.
            String selector = "max by (pod) (up{job=\"ha-monitoring\",component=\"alertmanager\"})";
            String script = "i=0; while [ $i -lt " + queries + " ]; do now=$(date +%s); "
                    + "if [ $((i % 2)) -eq 0 ]; then echo \"instant $(curl -sS -m 10 -w ' %{http_code}' --get "
                    + frontend + "/api/v1/query --data-urlencode 'query=" + selector
                    + "' --data-urlencode dedup=true 2>&1)\"; "
                    + "else echo \"range $(curl -sS -m 10 -w ' %{http_code}' --get " + frontend
                    + "/api/v1/query_range --data-urlencode 'query=" + selector
                    + "' --data-urlencode dedup=true --data-urlencode start=$((now - 300)) --data-urlencode end=$now"
                    + " --data-urlencode step=" + SCRAPE_INTERVAL_SECONDS + " 2>&1)\"; fi; "
                    + "i=$((i + 1)); sleep 0.2; done";
            long t0 = System.nanoTime();
            PodExec.Result result =
                    PodExec.run(client, NS, CLIENT, List.of("sh", "-c", script), Duration.ofSeconds(60 + queries));
            double seconds = (System.nanoTime() - t0) / 1e9;
            List<String> failures = new ArrayList<>();
            long largestGap = 0;
            int total = 0;
            int warned = 0;
            for (String line : result.stdout().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                total++;
                String kind = line.substring(0, line.indexOf(' '));
                String code = line.substring(line.lastIndexOf(' ') + 1);
                String body = line.substring(line.indexOf(' ') + 1, line.lastIndexOf(' '));
                JsonNode json = parse(body);
                JsonNode series = json == null ? null : json.path("data").path("result");
                if (!"200".equals(code)
                        || json == null
                        || !"success".equals(json.path("status").asText())
                        || series.size() != 3) {
                    failures.add(kind + " " + code + " series=" + (series == null ? "-" : series.size()) + " "
                            + body.substring(0, Math.min(200, body.length())));
                    continue;
                }
                // Complete, but Thanos says a store did not answer (partial response, filled by the other replica).
                if (json.has("warnings")) {
                    warned++;
                }
                if ("range".equals(kind)) {
                    for (JsonNode s : series) {
                        largestGap = Math.max(largestGap, largestGap(s.path("values")));
                    }
                }
            }
            return new Outcome(total, total - failures.size(), warned, failures, largestGap, seconds);
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

        private static JsonNode parse(String body) {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }
    }
}
