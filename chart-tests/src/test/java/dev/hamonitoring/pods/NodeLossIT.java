package dev.hamonitoring.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamonitoring.analysis.HaAnalysis;
import dev.hamonitoring.analysis.HaReport;
import dev.hamonitoring.analysis.Overlay;
import dev.hamonitoring.analysis.topology.Topology;
import dev.hamonitoring.cluster.ClusterTopology;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nodes powered off under query load, on a 3 zones × 2 nodes cluster of its own: first the
 * busiest node, then the other node of its zone, so the second step is the loss of a whole zone.
 * Nothing is drained and nothing is forced until Kubernetes has done all it does by itself; then
 * the operator's step for a node that will not come back (the {@code out-of-service} taint) lets
 * the StatefulSets replace their pods. What each workload keeps, and which pods stay Pending, is
 * compared with the HA analysis of the same render on the same topology.
 *
 * <p>This cluster notices a lost node after 20 s and evicts after 30 s more (Kubernetes' defaults:
 * 50 s and 300 s); the figures printed with {@code [pods]} are relative to those settings.
 */
@ExtendWith(RealClusterExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The prod overlay on real pods, when a node and then its whole zone power off")
class NodeLossIT {

    private static final String NS = RealPodsProfile.NAMESPACE;
    private static final String OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";
    /** From a node NotReady to its pods out of every EndpointSlice and kube-proxy's rules, with room to spare. */
    private static final long ENDPOINT_UPDATE_MILLIS = 10_000;

    private PodCluster cluster;
    private RealStack stack;
    private KubernetesClient client;
    private QueryClient queries;
    private Topology topology;
    private Overlay overlay;
    /** Workload name to its desired replicas: every Deployment and StatefulSet of the release but Grafana's. */
    private Map<String, Integer> workloads;

    private final Set<String> lost = new TreeSet<>();
    /** StatefulSet pods (name to workload) whose local volume is on a lost node: no scheduler can move them. */
    private final Map<String, String> pinned = new TreeMap<>();

    private String zone;

    @BeforeAll
    void install() {
        cluster = RealClusterExtension.startCluster(ClusterTopology.standard().monitoringPool());
        client = cluster.client();
        stack = RealStack.install(cluster);
        stack.awaitReady(Duration.ofMinutes(6));
        queries = QueryClient.start(stack);
        overlay = Overlay.of("prod").withValues(RealPodsProfile.valuesFile());
        topology = Topology.preset("3x2", overlay.pool());
        assertThat(topology.nodes().stream().map(n -> n.name()).toList())
                .as("the analysed topology has the cluster's node names")
                .containsExactlyInAnyOrderElementsOf(cluster.nodeNames());
        workloads = stack.workloadReplicas();
    }

    @AfterAll
    void close() {
        RealClusterExtension.closeOwn(cluster);
    }

    @Test
    @Order(1)
    @DisplayName(
            "losing the busiest node: Deployments are replaced on the survivors, StatefulSet pods wait for the operator and then stay Pending on their local volumes, as the analysis predicts; queries fail only until the lost nodes are marked NotReady")
    void nodeLoss() {
        String node = busiestNodeAwayFromTestPods();
        zone = cluster.topology().nodeZones().get(node);
        survive(List.of(node), "node " + node);
    }

    @Test
    @Order(2)
    @DisplayName(
            "losing the rest of that zone: Alertmanager keeps 2 of 3, every other workload at least what it needs, as the analysis predicts; queries fail only until the lost nodes are marked NotReady")
    void zoneLoss() {
        assertThat(zone).as("the node loss ran first").isNotNull();
        List<String> rest = cluster.topology().nodeZones().entrySet().stream()
                .filter(e -> e.getValue().equals(zone) && !lost.contains(e.getKey()))
                .map(Map.Entry::getKey)
                .toList();
        assertThat(rest).hasSize(1);
        Map<String, Integer> kept = survive(rest, "zone " + zone);
        assertThat(kept.get(RealPodsProfile.RELEASE + "-alertmanager")).isEqualTo(2);
    }

    /**
     * Kills the nodes under query load and follows what Kubernetes does; returns the Ready pods of
     * every workload at the end.
     */
    private Map<String, Integer> survive(List<String> nodes, String what) {
        lost.addAll(nodes);
        HaReport before = analysis(topology);
        HaReport after = analysis(topology.without(lost));
        Map<String, Pod> stuck = statefulPodsOn(nodes);
        stuck.forEach((name, pod) -> pinned.put(name, RealPods.owner(pod)));

        SurvivorSampler sampler = new SurvivorSampler().start();
        CompletableFuture<QueryClient.Outcome> load = CompletableFuture.supplyAsync(() -> queries.run(400, 2));
        long t0 = System.nanoTime();
        long killedAt = System.currentTimeMillis();
        nodes.forEach(cluster::kill);
        await(what + " NotReady")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> nodes.stream()
                        .noneMatch(n ->
                                RealCluster.ready(client.nodes().withName(n).get())));
        double notReady = seconds(t0);
        long notReadyAt = System.currentTimeMillis();
        await("Deployments back to full strength on the surviving nodes")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> workloads.entrySet().stream()
                        .filter(e -> !statefulSet(e.getKey()))
                        .allMatch(e -> survivorsReady().get(e.getKey()).equals(e.getValue())));
        double replaced = seconds(t0);
        // Kubernetes cannot know that a silent node's pods are gone: a StatefulSet never runs two
        // pods of one identity, so it waits, its lost pods marked for deletion but not removed.
        for (Pod pod : stuck.values()) {
            Pod now = client.pods()
                    .inNamespace(NS)
                    .withName(pod.getMetadata().getName())
                    .get();
            assertThat(now.getMetadata().getUid())
                    .as(
                            "%s not replaced while its node is only unreachable",
                            pod.getMetadata().getName())
                    .isEqualTo(pod.getMetadata().getUid());
            assertThat(now.getMetadata().getDeletionTimestamp())
                    .as(
                            "%s marked for deletion by the eviction of its unreachable node",
                            pod.getMetadata().getName())
                    .isNotNull();
        }
        // The operator's word that the nodes are gone for good: their pods are deleted, the
        // StatefulSets create them again.
        nodes.forEach(this::markOutOfService);
        await("the lost nodes' StatefulSet pods deleted and created again")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> stuck.values().stream().allMatch(old -> {
                    Pod now = client.pods()
                            .inNamespace(NS)
                            .withName(old.getMetadata().getName())
                            .get();
                    return now != null
                            && !now.getMetadata()
                                    .getUid()
                                    .equals(old.getMetadata().getUid())
                            && scheduledConditionKnown(now);
                }));
        double recreated = seconds(t0);
        QueryClient.Outcome outcome = load.join();
        sampler.stop();

        Map<String, Integer> kept = survivorsReady();
        Map<String, String> pending = pendingPods();
        Map<String, HaReport.Component> predictedBefore = byWorkload(before);
        Map<String, HaReport.Component> predictedAfter = byWorkload(after);
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Integer> w : workloads.entrySet()) {
            String name = w.getKey();
            HaReport.Component was = predictedBefore.get(name);
            HaReport.Component left = predictedAfter.get(name);
            assertThat(was).as("the analysis knows %s", name).isNotNull();
            int pinnedHere = (int) pinned.values().stream().filter(name::equals).count();
            // What the hard rules cannot place on the survivors, plus StatefulSet pods whose local
            // volume is on a lost node: no scheduler can move those.
            int expectedReady = w.getValue() - left.pending() - pinnedHere;
            assertThat(kept.get(name))
                    .as(
                            "%s Ready after losing %s: %d replicas, %d the analysis cannot place on the survivors (%s), %d on volumes of lost nodes",
                            name, lost, w.getValue(), left.pending(), left.placement(), pinnedHere)
                    .isEqualTo(expectedReady);
            assertThat(kept.get(name))
                    .as("%s keeps what it needs (%s)", name, was.needsWhy())
                    .isGreaterThanOrEqualTo(was.needs());
            assertThat(sampler.lowest(name))
                    .as(
                            "%s running pods at the lowest point: at least what the analysis leaves after the worst %s loss",
                            name, lost.size() == 1 ? "node" : "zone")
                    .isGreaterThanOrEqualTo(worst(was))
                    .isGreaterThanOrEqualTo(was.needs());
            lines.add(name + " " + sampler.lowest(name) + "->" + kept.get(name) + "/" + w.getValue());
        }
        Set<String> expectedPending = new TreeSet<>(pinned.keySet());
        assertThat(pending.keySet())
                .as("pods Pending after losing %s: the StatefulSet pods of lost nodes' volumes", lost)
                .containsExactlyInAnyOrderElementsOf(expectedPending);
        pending.forEach((pod, message) -> assertThat(message)
                .as("why %s is Pending", pod)
                .contains("didn't match PersistentVolume's node affinity"));
        System.out.printf(
                "[pods] loss of %s: NotReady after %.0f s, Deployments replaced after %.0f s, StatefulSet pods recreated after the out-of-service taint at %.0f s; running lowest->final/replicas: %s; Pending %s; queries: %s%n",
                what, notReady, replaced, recreated, String.join(", ", lines), pending.keySet(), outcome);
        assertThat(outcome.total()).isGreaterThanOrEqualTo(400);
        // Until the control plane marks the silent node NotReady, and its pods with it, the
        // Services keep sending new connections (and DNS lookups) to the pods that died with it; a
        // query that gets one waits for its timeout. After that, nothing fails.
        long blindWindowEnd = notReadyAt + ENDPOINT_UPDATE_MILLIS;
        assertThat(outcome.failureTimes())
                .as(
                        "start of every failed query (%s), against the end of the blind window %d ms after the kill",
                        outcome.failures(), blindWindowEnd - killedAt)
                .allSatisfy(at -> assertThat(at).isBetween(killedAt, blindWindowEnd));
        assertThat(outcome.failures())
                .as("failed queries are connections towards pods of the lost nodes that time out or find no host")
                .allSatisfy(f -> assertThat(f).containsAnyOf("timed out", "Failed to connect"));
        System.out.printf(
                "[pods] loss of %s: %d of %d queries failed, all started in the %.0f s before the control plane marked it NotReady (+%d ms for the endpoints)%n",
                what,
                outcome.failures().size(),
                outcome.total(),
                (notReadyAt - killedAt) / 1e3,
                ENDPOINT_UPDATE_MILLIS);
        return kept;
    }

    /** The loss this many nodes stand for in the analysis: one node, or a zone. */
    private int worst(HaReport.Component component) {
        return lost.size() == 1
                ? component.nodeLoss().remaining()
                : component.zoneLoss().remaining();
    }

    /** StatefulSet pods (name to pod) on these nodes. */
    private Map<String, Pod> statefulPodsOn(Collection<String> nodes) {
        Map<String, Pod> pods = new TreeMap<>();
        for (Pod pod : stack.releasePods()) {
            if (nodes.contains(pod.getSpec().getNodeName()) && statefulSet(RealPods.owner(pod))) {
                pods.put(pod.getMetadata().getName(), pod);
            }
        }
        return pods;
    }

    private boolean statefulSet(String workload) {
        return stack.release().objects().stream()
                .anyMatch(o ->
                        o instanceof StatefulSet && o.getMetadata().getName().equals(workload));
    }

    /** Every workload's Ready pods on nodes still powered, from one list of the pods. */
    private Map<String, Integer> survivorsReady() {
        return survivors(RealStack::ready);
    }

    /**
     * Every workload's pods running on nodes still powered, Ready or not: what the analysis counts
     * as left. (A Redis replica is not Ready while its master is gone, until Sentinel promotes one.)
     */
    private Map<String, Integer> survivorsRunning() {
        return survivors(p -> "Running".equals(p.getStatus().getPhase()));
    }

    private Map<String, Integer> survivors(Predicate<Pod> counted) {
        Map<String, Integer> count = new TreeMap<>();
        workloads.keySet().forEach(w -> count.put(w, 0));
        stack.releasePods().stream()
                .filter(p -> p.getSpec().getNodeName() != null
                        && !lost.contains(p.getSpec().getNodeName()))
                .filter(counted)
                .forEach(p -> count.merge(RealPods.owner(p), 1, Integer::sum));
        return count;
    }

    /** Pending release pods and the scheduler's message for each. */
    private Map<String, String> pendingPods() {
        Map<String, String> pending = new TreeMap<>();
        for (Pod pod : client.pods()
                .inNamespace(NS)
                .withLabel("app.kubernetes.io/instance", RealPodsProfile.RELEASE)
                .list()
                .getItems()) {
            if ("Pending".equals(pod.getStatus().getPhase())
                    && pod.getSpec().getNodeName() == null
                    && !pod.getMetadata().getOwnerReferences().isEmpty()) {
                pending.put(pod.getMetadata().getName(), scheduledMessage(pod));
            }
        }
        return pending;
    }

    private static boolean scheduledConditionKnown(Pod pod) {
        return pod.getSpec().getNodeName() != null || !scheduledMessage(pod).isEmpty();
    }

    private static String scheduledMessage(Pod pod) {
        List<PodCondition> conditions =
                pod.getStatus() == null ? null : pod.getStatus().getConditions();
        if (conditions == null) {
            return "";
        }
        return conditions.stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
                .map(c -> c.getMessage() == null ? "" : c.getMessage())
                .findFirst()
                .orElse("");
    }

    /** The non-graceful node shutdown taint: the pods of a node that is gone may be deleted for good. */
    private void markOutOfService(String node) {
        client.nodes().withName(node).edit(n -> {
            n.getSpec()
                    .getTaints()
                    .add(new TaintBuilder()
                            .withKey(OUT_OF_SERVICE)
                            .withValue("nodeshutdown")
                            .withEffect("NoExecute")
                            .build());
            return n;
        });
    }

    /**
     * The node with the most release pods in a zone without the test's own pods (the query client
     * and the bucket tolerate every taint, so they would never leave a lost node).
     */
    private String busiestNodeAwayFromTestPods() {
        Map<String, String> zones = cluster.topology().nodeZones();
        Set<String> testZones = client.pods().inNamespace(NS).list().getItems().stream()
                .filter(p -> p.getMetadata().getOwnerReferences().isEmpty()
                        || !RealPodsProfile.RELEASE.equals(
                                p.getMetadata().getLabels().get("app.kubernetes.io/instance")))
                .filter(p -> p.getSpec().getNodeName() != null)
                .map(p -> zones.get(p.getSpec().getNodeName()))
                .collect(Collectors.toSet());
        return stack.releasePods().stream()
                .filter(p -> !testZones.contains(zones.get(p.getSpec().getNodeName())))
                .collect(Collectors.groupingBy(p -> p.getSpec().getNodeName(), TreeMap::new, Collectors.counting()))
                .entrySet()
                .stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
    }

    private HaReport analysis(Topology on) {
        return HaAnalysis.of(stack.release())
                .release(RealPodsProfile.RELEASE)
                .namespace(NS)
                .overlay(overlay.label())
                .topology(on)
                .externals(overlay.externals())
                .run();
    }

    private static Map<String, HaReport.Component> byWorkload(HaReport report) {
        return report.components().stream()
                .collect(Collectors.toMap(
                        c -> c.workload().substring(c.workload().indexOf('/') + 1), c -> c));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Samples every workload's running pods on powered nodes twice a second: the lowest count seen. */
    private final class SurvivorSampler {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final Map<String, Integer> lowest = new ConcurrentHashMap<>();

        SurvivorSampler start() {
            timer.scheduleAtFixedRate(this::sample, 0, 500, TimeUnit.MILLISECONDS);
            return this;
        }

        private void sample() {
            try {
                survivorsRunning().forEach((w, n) -> lowest.merge(w, n, Math::min));
            } catch (RuntimeException e) {
                // A failed read is no sample (and must not end the schedule).
            }
        }

        void stop() {
            timer.shutdownNow();
        }

        int lowest(String workload) {
            return lowest.getOrDefault(workload, Integer.MAX_VALUE);
        }
    }
}
