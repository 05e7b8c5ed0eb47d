package dev.hamonitoring.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.cluster.Eviction;
import dev.hamonitoring.cluster.ReleaseNamespace;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
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
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@DisplayName("The prod overlay on real pods, while its parts die")
class DisruptionsIT {

    private static final String NS = RealPodsProfile.NAMESPACE;
    private static final String PROMETHEUS = RealPodsProfile.RELEASE + "-prometheus";
    private static final String ALERTMANAGER = RealPodsProfile.RELEASE + "-alertmanager";

    private PodCluster cluster;
    private RealStack stack;
    private KubernetesClient client;
    private QueryClient queries;

    @BeforeAll
    void install() {
        cluster = RealClusterExtension.cluster();
        cluster.recycleReleasedVolumes();
        client = cluster.client();
        stack = RealStack.install(cluster);
        stack.awaitReady(Duration.ofMinutes(6));
        queries = QueryClient.start(stack);
    }

    @AfterAll
    void uninstall() {
        if (stack != null) {
            stack.uninstall();
        }
    }

    @Nested
    @Order(1)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @DisplayName("losing a Prometheus replica under query load")
    class PrometheusLoss {

        @Test
        @Order(1)
        @DisplayName("fails no query while one replica is deleted and the other's process is killed")
        void noFailedQuery() {
            // Each replica alone must already hold every target's series at the range queries' last
            // step: right after the install the deduplicated answer can be complete while one replica
            // has not scraped a target yet.
            awaitQueriesSeeSidecars(2);
            long loadStart = System.currentTimeMillis();
            CompletableFuture<QueryClient.Outcome> running = CompletableFuture.supplyAsync(() -> queries.run(300));
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
            long killedAt = System.currentTimeMillis();
            killContainer(second, "prometheus");
            await(second.getMetadata().getName() + " restarted and Ready")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        Pod now = pod(second.getMetadata().getName());
                        return restarts(now, "prometheus") > restarts && RealStack.ready(now);
                    });
            QueryClient.Outcome outcome = running.join();
            System.out.printf(
                    "[pods] Prometheus loss under load: %s; kill at %.1f s, failed queries at %s (s after the deletion)%n",
                    outcome,
                    (killedAt - loadStart) / 1e3,
                    outcome.failureTimes().stream()
                            .map(at -> String.format("%.1f", (at - loadStart) / 1e3))
                            .toList());
            if (!outcome.failures().isEmpty()) {
                System.out.println("[pods] Query and frontend warnings during the run:\n" + queryWarnings());
            }
            assertThat(outcome.total()).isGreaterThanOrEqualTo(300);
            assertThat(outcome.failures()).as("failed or partial queries").isEmpty();
            assertThat(outcome.largestGapSeconds()).isLessThanOrEqualTo(2 * QueryClient.SCRAPE_INTERVAL_SECONDS);
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
                QueryClient.Outcome outcome = queries.run(20);
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
    @Order(2)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("losing the Redis master while clients write")
    class RedisMasterLoss {

        private static final Duration WRITING = Duration.ofSeconds(45);
        /** Redis documents that writes a master acknowledged shortly before it died may be lost: its replicas had not received them. */
        private static final long ASYNC_WINDOW_MILLIS = 1000;
        /** Sentinel's event for an election this sentinel did not win (two voted for themselves). */
        private static final String ELECTION_LOST = "-failover-abort-not-elected";

        private String oldMaster;
        private String newMaster;
        private long killStartedAt;
        /** When both of the master's processes are gone for sure. */
        private long killedAt;

        private RedisWriter throughProxy;
        private RedisWriter.Writes proxied;
        private RedisWriter.Writes direct;
        private double promotedAfter;
        /** Elections the surviving sentinels gave up between the kill and the promotion. */
        private long electionsLost;
        /** The release's redis.sentinel.failoverTimeout: after an election nobody won, the next one comes twice this later. */
        private long failoverTimeoutMillis;

        /** Two writers at once: Grafana's way (the HAProxy Service), and one bound to the master pod's own name. */
        @BeforeAll
        void killTheMasterUnderWrites() {
            failoverTimeoutMillis = failoverTimeoutMillis();
            oldMaster = redisMaster();
            String replica = redisPods().stream()
                    .filter(p -> !p.equals(oldMaster))
                    .findFirst()
                    .orElseThrow();
            String password = ReleaseNamespace.OVERLAY_SECRETS.get("redis-auth").get("redis-password");
            throughProxy = RedisWriter.from(
                    client, QueryClient.POD, null, RealPodsProfile.RELEASE + "-redis", "writes-proxied", password);
            // The negative twin: a client that keeps the address of the master it started with.
            RedisWriter bound = RedisWriter.from(
                    client,
                    replica,
                    "redis",
                    oldMaster + "." + RealPodsProfile.RELEASE + "-redis-headless." + NS + ".svc.cluster.local",
                    "writes-direct",
                    password);
            CompletableFuture<RedisWriter.Writes> proxiedRun =
                    CompletableFuture.supplyAsync(() -> throughProxy.run(WRITING));
            CompletableFuture<RedisWriter.Writes> directRun = CompletableFuture.supplyAsync(() -> bound.run(WRITING));
            await("both writers writing")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> throughProxy.length() >= 30 && bound.length() >= 30);
            Pod master = pod(oldMaster);
            List<String> survivors =
                    redisPods().stream().filter(p -> !p.equals(oldMaster)).toList();
            long lostBefore = electionsLost(survivors);
            killStartedAt = System.currentTimeMillis();
            long t0 = System.nanoTime();
            killContainer(master, "redis");
            killContainer(master, "sentinel");
            killedAt = System.currentTimeMillis();
            // Room for two elections nobody won, each followed by Sentinel's wait of 2 x failoverTimeout.
            try {
                await("a replica promoted")
                        .atMost(Duration.ofMillis(4 * failoverTimeoutMillis).plusMinutes(1))
                        .pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions()
                        .until(() -> {
                            String now = redisMaster();
                            return !now.equals(oldMaster);
                        });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("no replica promoted; the sentinels' logs:\n" + sentinelLogs(), e);
            }
            promotedAfter = (System.nanoTime() - t0) / 1e9;
            electionsLost = electionsLost(survivors) - lostBefore;
            newMaster = redisMaster();
            proxied = proxiedRun.join();
            direct = directRun.join();
            stack.awaitReady(Duration.ofMinutes(3));
        }

        @Test
        @DisplayName(
                "through HAProxy: writes stop for at most 10 s (plus Sentinel's 2 x failoverTimeout for each election nobody won), and only writes acknowledged in the last second before the kill may be lost")
        void haproxyFollowsTheNewMaster() {
            Set<Integer> held = throughProxy.held();
            Set<Integer> lost = proxied.lost(held);
            Set<Integer> lostOutsideWindow = lost.stream()
                    .filter(i -> proxied.sentAt(i) < killStartedAt - ASYNC_WINDOW_MILLIS)
                    .collect(Collectors.toCollection(TreeSet::new));
            System.out.printf(
                    "[pods] Redis master %s killed: %s promoted after %.1f s (%d elections nobody won); through HAProxy %d writes, %d acknowledged, largest gap %.1f s, %d acknowledged writes lost (%d sent more than %d ms before the kill)%n",
                    oldMaster,
                    newMaster,
                    promotedAfter,
                    electionsLost,
                    proxied.startedAt().size(),
                    proxied.acknowledged().size(),
                    proxied.largestGapMillis() / 1e3,
                    lost.size(),
                    lostOutsideWindow.size(),
                    ASYNC_WINDOW_MILLIS);
            assertThat(newMaster).isNotEqualTo(oldMaster);
            assertThat(proxied.acknowledged()).hasSizeGreaterThan(100);
            assertThat(proxied.largestGapMillis())
                    .as("longest time without an acknowledged write, with %d elections nobody won", electionsLost)
                    .isLessThanOrEqualTo(10_000 + electionsLost * 2 * failoverTimeoutMillis);
            assertThat(lostOutsideWindow)
                    .as("acknowledged writes lost from before the replication window")
                    .isEmpty();
        }

        @Test
        @DisplayName(
                "is what keeps them going: a client bound to the old master's address stays cut off for the rest of the run")
        void boundToTheOldMaster() {
            long after =
                    direct.acknowledgedAt().stream().filter(at -> at > killedAt).count();
            System.out.printf(
                    "[pods] writer bound to %s: %d acknowledged after the kill, largest gap %.1f s%n",
                    oldMaster, after, direct.largestGapMillis() / 1e3);
            assertThat(direct.acknowledgedAt()).as("it wrote before the kill").anyMatch(at -> at < killedAt);
            assertThat(after).as("writes acknowledged by the demoted master").isZero();
            assertThat(direct.largestGapMillis()).isGreaterThan(10_000);
        }

        /** The sentinel failover timeout the installed release runs with (its sentinel containers' env). */
        private long failoverTimeoutMillis() {
            return client
                    .apps()
                    .statefulSets()
                    .inNamespace(NS)
                    .withName(RealPodsProfile.RELEASE + "-redis")
                    .get()
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .stream()
                    .filter(c -> c.getName().equals("sentinel"))
                    .flatMap(c -> c.getEnv().stream())
                    .filter(e -> e.getName().equals("SENTINEL_FAILOVER_TIMEOUT_MS"))
                    .mapToLong(e -> Long.parseLong(e.getValue()))
                    .findFirst()
                    .orElseThrow();
        }

        /** How often the sentinels of these pods gave up an election (counted in their current logs). */
        private long electionsLost(List<String> pods) {
            return pods.stream()
                    .mapToLong(p -> sentinelLog(p)
                            .lines()
                            .filter(line -> line.contains(ELECTION_LOST))
                            .count())
                    .sum();
        }

        private String sentinelLog(String pod) {
            return client.pods()
                    .inNamespace(NS)
                    .withName(pod)
                    .inContainer("sentinel")
                    .getLog();
        }

        /** The last lines of every sentinel's log, for a failure message. */
        private String sentinelLogs() {
            StringBuilder logs = new StringBuilder();
            for (String pod : redisPods()) {
                logs.append("--- ").append(pod).append('\n');
                lastLines(sentinelLog(pod), line -> true, 40)
                        .forEach(line -> logs.append(line).append('\n'));
            }
            return logs.toString();
        }
    }

    @Nested
    @Order(3)
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
    @Order(4)
    @DisplayName("kubectl drain")
    class Drain {

        @Test
        @DisplayName(
                "of the busiest node (other than the query client's) completes, never takes a budget below its minimum, and fails no query")
        void drainKeepsBudgetsAndQueries() {
            String node = busiestNode();
            BudgetSampler budgets = new BudgetSampler().start();
            CompletableFuture<QueryClient.Outcome> load = CompletableFuture.supplyAsync(() -> queries.run(150));
            long t0 = System.nanoTime();
            String out;
            try {
                out = cluster.kubectl("drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=300s");
            } finally {
                double seconds = (System.nanoTime() - t0) / 1e9;
                QueryClient.Outcome outcome = load.join();
                budgets.stop();
                System.out.printf(
                        "[pods] drain of %s: %.0f s; smallest margin above each budget's minimum %s (%d samples); queries: %s%n",
                        node, seconds, budgets.margins(), budgets.samples(), outcome);
                cluster.kubectl("uncordon", node);
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

        /** The query client is the measuring instrument, not part of the release: its node is left alone. */
        private String busiestNode() {
            String clientNode = queries.node();
            Map<String, Long> perNode = stack.releasePods().stream()
                    .filter(p -> !p.getSpec().getNodeName().equals(clientNode))
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

    /**
     * Waits until every Thanos Query pod reports this many sidecars answering its health checks and
     * answers the client's query from each replica alone (no deduplication): a healthy entry in
     * Query's store list alone did not keep the client's answers complete.
     */
    private void awaitQueriesSeeSidecars(int sidecars) {
        await("every Thanos Query sees " + sidecars + " healthy sidecars and answers from each replica")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> stack.releasePods().stream()
                        .filter(p -> RealPods.owner(p).equals(RealPodsProfile.RELEASE + "-thanos-query"))
                        .allMatch(q -> healthySidecars(q) == sidecars && replicasAnswering(q) == sidecars));
    }

    private int healthySidecars(Pod query) {
        PodExec.Result stores = PodExec.run(
                client,
                NS,
                query.getMetadata().getName(),
                List.of("curl", "-fsS", "http://127.0.0.1:10902/api/v1/stores"));
        int healthy = 0;
        JsonNode answer = QueryClient.parse(stores.stdout());
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

    /** The warnings and errors the query path's pods logged, for a run that had failures. */
    private String queryWarnings() {
        StringBuilder lines = new StringBuilder();
        for (Pod pod : stack.releasePods()) {
            String owner = RealPods.owner(pod);
            if (!owner.startsWith(RealPodsProfile.RELEASE + "-thanos-query")) {
                continue;
            }
            String log = client.pods()
                    .inNamespace(NS)
                    .withName(pod.getMetadata().getName())
                    .getLog();
            lastLines(log, l -> l.contains("level=warn") || l.contains("level=error"), 30)
                    .forEach(l -> lines.append(pod.getMetadata().getName())
                            .append(": ")
                            .append(l)
                            .append('\n'));
        }
        return lines.toString();
    }

    /** The last {@code count} lines of a log that {@code keep} accepts. */
    private static List<String> lastLines(String log, Predicate<String> keep, int count) {
        List<String> kept = log.lines().filter(keep).toList();
        return kept.subList(Math.max(0, kept.size() - count), kept.size());
    }

    /**
     * How many Prometheus replicas this Query pod has every Alertmanager's {@code up} from at the
     * last step a range query of the client evaluates: the frontend aligns a range to its step, so
     * that step is up to one step before now, and a replica that scraped a target only since then
     * answers a range query alone without that target.
     */
    private int replicasAnswering(Pod query) {
        PodExec.Result answer = PodExec.run(
                client,
                NS,
                query.getMetadata().getName(),
                List.of(
                        "curl",
                        "-fsS",
                        "--get",
                        "http://127.0.0.1:10902/api/v1/query",
                        "--data-urlencode",
                        "query=count by (prometheus_replica) (" + QueryClient.ALERTMANAGER_UP + ") == "
                                + QueryClient.ALERTMANAGERS,
                        "--data-urlencode",
                        "dedup=false",
                        "--data-urlencode",
                        "time=" + QueryClient.lastRangeStep()));
        JsonNode json = QueryClient.parse(answer.stdout());
        return json == null ? -1 : json.path("data").path("result").size();
    }

    /** The release's Redis pods, by name. */
    private List<String> redisPods() {
        return stack.releasePods().stream()
                .filter(p -> "redis".equals(p.getMetadata().getLabels().get("app.kubernetes.io/name")))
                .map(p -> p.getMetadata().getName())
                .sorted()
                .toList();
    }

    /** The one Redis pod that reports itself master (its role, asked in its own container). */
    private String redisMaster() {
        List<String> masters = redisPods().stream()
                .filter(p -> PodExec.run(
                                client,
                                NS,
                                p,
                                "redis",
                                List.of("sh", "-c", "timeout 2 redis-cli --no-auth-warning INFO replication"),
                                Duration.ofSeconds(10))
                        .stdout()
                        .contains("role:master"))
                .toList();
        if (masters.size() != 1) {
            throw new IllegalStateException("Redis masters: " + masters);
        }
        return masters.get(0);
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
        cluster.killContainerProcess(pod.getSpec().getNodeName(), id);
    }
}
