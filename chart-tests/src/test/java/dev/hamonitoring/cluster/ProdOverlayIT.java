package dev.hamonitoring.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamonitoring.analysis.HaAnalysis;
import dev.hamonitoring.analysis.HaReport;
import dev.hamonitoring.analysis.Overlay;
import dev.hamonitoring.analysis.topology.Topology;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The prod overlay (plus the cluster test profile) on 3 zones × 2 nodes of the dedicated
 * monitoring pool: install, spreading, pod kills, disruption budgets, a node drain, and last the
 * loss of a whole zone. The nested classes run in order and share one installation; each leaves
 * the stack fully Ready again, except the zone loss, which is last.
 */
@ExtendWith(ClusterExtension.class)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@DisplayName("The prod overlay on 3 zones x 2 nodes of the monitoring pool")
class ProdOverlayIT {

    private static final String RELEASE = "prod";
    private static final String NAMESPACE = "monitoring-prod";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SECOND_DRAIN_TIMEOUT = Duration.ofMinutes(6);

    /** The HA analysis of the same render on the same topology: what each component must keep, what a zone loss leaves. */
    private static HaReport analysis;

    private static StackUnderTest stack;
    private static ControlPlane plane;
    private static RenderedRelease rendered;
    private static List<Path> values;

    @BeforeAll
    static void install() {
        plane = ClusterExtension.controlPlane();
        stack = StackUnderTest.of(plane, RELEASE, NAMESPACE);
        values = List.of(StackUnderTest.overlay("prod"), StackUnderTest.testProfile());
        rendered = stack.render(values);
        Overlay overlay = Overlay.of("prod").withValues(StackUnderTest.testProfile());
        analysis = HaAnalysis.of(rendered)
                .release(RELEASE)
                .namespace(NAMESPACE)
                .overlay(overlay.label())
                .topology(Topology.preset("3x2", overlay.pool()))
                .externals(overlay.externals())
                .run();
        LocalVolumes volumes = LocalVolumes.forRelease(rendered);
        plane.topology(ClusterTopology.standard().monitoringPool().volumes(volumes));
        ClusterReport.number("prod 3x2: local volumes per node", volumes.toString());
        stack.prepare();
        long t0 = System.nanoTime();
        double helmSeconds = stack.install(values);
        stack.workloads.awaitAllReady(READY_TIMEOUT);
        ClusterReport.number(
                "prod 3x2: helm install / until every pod Ready",
                StackUnderTest.seconds(helmSeconds) + " / " + StackUnderTest.seconds((System.nanoTime() - t0) / 1e9));
    }

    @AfterAll
    static void uninstall() {
        if (stack != null) {
            stack.remove();
        }
    }

    // ------------------------------------------------------------------------------ helpers

    private static Map<String, String> nodeZones() {
        return plane.nodes().zones();
    }

    /** Component → its live pods' nodes. */
    private static Map<String, List<String>> nodesByComponent() {
        List<ReleaseWorkloads.Component> components = stack.workloads.components();
        Map<String, List<Pod>> pods = stack.workloads.podsByComponent(components);
        Map<String, List<String>> result = new TreeMap<>();
        pods.forEach((c, list) -> result.put(
                c,
                list.stream()
                        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                        .map(p -> p.getSpec().getNodeName())
                        .collect(Collectors.toList())));
        return result;
    }

    /** Every component's pods are on distinct nodes, and its zone skew over all zones is at most 1. */
    private static void assertSpreadRules(String when) {
        Map<String, String> zones = nodeZones();
        Set<String> allZones = new HashSet<>(zones.values());
        for (ReleaseWorkloads.Component c : stack.workloads.components()) {
            List<String> nodes = nodesByComponent().get(c.name());
            assertThat(nodes)
                    .as("%s: nodes of %s", when, c.name())
                    .hasSize(c.replicas())
                    .doesNotContainNull()
                    .doesNotHaveDuplicates();
            Map<String, Long> perZone = new TreeMap<>();
            allZones.forEach(z -> perZone.put(z, 0L));
            nodes.forEach(n -> perZone.merge(zones.get(n), 1L, Long::sum));
            long skew = perZone.values().stream()
                            .mapToLong(Long::longValue)
                            .max()
                            .orElse(0)
                    - perZone.values().stream().mapToLong(Long::longValue).min().orElse(0);
            assertThat(skew)
                    .as("%s: zone skew of %s (pods per zone %s)", when, c.name(), perZone)
                    .isLessThanOrEqualTo(1);
            if (c.replicas() >= allZones.size()) {
                assertThat(perZone.values())
                        .as(
                                "%s: %s has %d replicas, so every zone holds one (%s)",
                                when, c.name(), c.replicas(), perZone)
                        .allMatch(n -> n >= 1);
            }
        }
    }

    private static void awaitBudgetsAtFullAllowance() {
        await("every PodDisruptionBudget at replicas - minAvailable")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    for (ReleaseWorkloads.Component c : stack.workloads.components()) {
                        if (c.pdb().isEmpty()) {
                            continue;
                        }
                        PodDisruptionBudget pdb = stack.client
                                .policy()
                                .v1()
                                .podDisruptionBudget()
                                .inNamespace(NAMESPACE)
                                .withName(c.pdb().get())
                                .get();
                        assertThat(pdb.getStatus())
                                .as("status of %s", c.pdb().get())
                                .isNotNull();
                        assertThat(pdb.getStatus().getObservedGeneration())
                                .as("%s observed", c.pdb().get())
                                .isEqualTo(pdb.getMetadata().getGeneration());
                        assertThat(pdb.getStatus().getExpectedPods())
                                .as("expectedPods of %s", c.pdb().get())
                                .isEqualTo(c.replicas());
                        assertThat(pdb.getStatus().getCurrentHealthy())
                                .as("currentHealthy of %s", c.pdb().get())
                                .isEqualTo(c.replicas());
                        assertThat(pdb.getStatus().getDesiredHealthy())
                                .as("desiredHealthy of %s", c.pdb().get())
                                .isEqualTo(c.minAvailable());
                        assertThat(pdb.getStatus().getDisruptionsAllowed())
                                .as(
                                        "disruptionsAllowed of %s (%d replicas, minAvailable %d)",
                                        c.pdb().get(), c.replicas(), c.minAvailable())
                                .isEqualTo(c.replicas() - c.minAvailable());
                    }
                });
    }

    private static void uncordonAllAndAwaitReady() {
        plane.nodes().names().forEach(plane.nodes()::uncordon);
        stack.workloads.awaitAllReady(READY_TIMEOUT);
    }

    private static String podsPerZone() {
        Map<String, String> zones = nodeZones();
        Map<String, Long> perZone = new TreeMap<>();
        new HashSet<>(zones.values()).forEach(z -> perZone.put(z, 0L));
        nodesByComponent().values().forEach(nodes -> nodes.forEach(n -> perZone.merge(zones.get(n), 1L, Long::sum)));
        return perZone.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    // ------------------------------------------------------------------------------ tests

    @Nested
    @Order(1)
    @DisplayName("installation")
    class Installation {

        @Test
        @DisplayName(
                "every workload the chart renders runs all its replicas: admitted under PodSecurity restricted, scheduled and Ready")
        void everyPodAdmittedScheduledReady() {
            Namespace ns = stack.client.namespaces().withName(NAMESPACE).get();
            assertThat(ns.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "restricted");

            Set<String> renderedWorkloads = new HashSet<>();
            rendered.all(Deployment.class)
                    .forEach(d -> renderedWorkloads.add(
                            "Deployment " + d.getMetadata().getName()));
            rendered.all(StatefulSet.class)
                    .forEach(s -> renderedWorkloads.add(
                            "StatefulSet " + s.getMetadata().getName()));
            List<ReleaseWorkloads.Component> components = stack.workloads.components();
            assertThat(components)
                    .extracting(c -> c.kind() + " " + c.workload())
                    .containsExactlyInAnyOrderElementsOf(renderedWorkloads);

            Map<String, List<Pod>> pods = stack.workloads.podsByComponent(components);
            int total = 0;
            for (ReleaseWorkloads.Component c : components) {
                List<Pod> list = pods.get(c.name());
                assertThat(list).as("pods of %s", c.name()).hasSize(c.replicas());
                assertThat(list)
                        .as("pods of %s scheduled", c.name())
                        .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isNotBlank());
                assertThat(list).as("pods of %s Ready", c.name()).allMatch(ReleaseWorkloads::isReady);
                total += list.size();
            }
            assertThat(stack.refusals())
                    .as("no controller was refused a pod (PodSecurity, quota, ...)")
                    .isEmpty();
            ClusterReport.number(
                    "prod 3x2: pods per zone",
                    podsPerZone() + " (" + total + " pods, " + components.size() + " workloads)");
        }

        @Test
        @DisplayName(
                "the ResourceQuota admits the whole release: status.used stays within hard for every resource, and no pod creation failed on it")
        void quotaAdmitsTheRelease() {
            List<ResourceQuota> quotas =
                    stack.client.resourceQuotas().inNamespace(NAMESPACE).list().getItems();
            assertThat(quotas).as("the chart's ResourceQuota").hasSize(1);
            String name = quotas.get(0).getMetadata().getName();
            await("quota status computed")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        ResourceQuota q = stack.client
                                .resourceQuotas()
                                .inNamespace(NAMESPACE)
                                .withName(name)
                                .get();
                        return q.getStatus() != null
                                && q.getStatus().getUsed() != null
                                && q.getStatus()
                                        .getUsed()
                                        .keySet()
                                        .containsAll(q.getSpec().getHard().keySet());
                    });
            ResourceQuota quota = stack.client
                    .resourceQuotas()
                    .inNamespace(NAMESPACE)
                    .withName(name)
                    .get();
            Map<String, Quantity> hard = quota.getStatus().getHard();
            Map<String, Quantity> used = quota.getStatus().getUsed();
            List<String> usage = new ArrayList<>();
            new TreeMap<>(hard).forEach((resource, limit) -> {
                Quantity u = used.get(resource);
                assertThat(Quantity.getAmountInBytes(u))
                        .as("quota %s: used %s of hard %s", resource, u, limit)
                        .isLessThanOrEqualTo(Quantity.getAmountInBytes(limit));
                usage.add(resource + " " + u + "/" + limit);
            });
            assertThat(Quantity.getAmountInBytes(used.get("pods")).intValue())
                    .as("pods counted by the quota")
                    .isEqualTo(stack.workloads.components().stream()
                            .mapToInt(ReleaseWorkloads.Component::replicas)
                            .sum());
            assertThat(stack.refusals()).as("pods refused by the quota").noneMatch(m -> m.contains("quota"));
            ClusterReport.number("prod 3x2: quota used/hard", String.join(", ", usage));
        }

        @Test
        @DisplayName("every volume claim is bound to a local volume of the node its pod runs on")
        void claimsBoundOnTheirPodsNode() {
            List<PersistentVolumeClaim> claims = stack.client
                    .persistentVolumeClaims()
                    .inNamespace(NAMESPACE)
                    .list()
                    .getItems();
            int expected = rendered.all(StatefulSet.class).stream()
                    .filter(s -> s.getSpec().getVolumeClaimTemplates() != null)
                    .mapToInt(s -> s.getSpec().getReplicas()
                            * s.getSpec().getVolumeClaimTemplates().size())
                    .sum();
            assertThat(claims).hasSize(expected);
            Map<String, String> podNodes = stack.client.pods().inNamespace(NAMESPACE).list().getItems().stream()
                    .collect(Collectors.toMap(
                            p -> p.getMetadata().getName(), p -> p.getSpec().getNodeName()));
            for (PersistentVolumeClaim claim : claims) {
                assertThat(claim.getStatus().getPhase())
                        .as("%s", claim.getMetadata().getName())
                        .isEqualTo("Bound");
                PersistentVolume pv = stack.client
                        .persistentVolumes()
                        .withName(claim.getSpec().getVolumeName())
                        .get();
                String volumeNode = pv.getSpec()
                        .getNodeAffinity()
                        .getRequired()
                        .getNodeSelectorTerms()
                        .get(0)
                        .getMatchExpressions()
                        .get(0)
                        .getValues()
                        .get(0);
                // data-<statefulset>-<ordinal> belongs to pod <statefulset>-<ordinal>
                String pod = claim.getMetadata().getName().substring("data-".length());
                assertThat(podNodes.get(pod))
                        .as(
                                "node of %s, whose claim %s is bound to %s",
                                pod,
                                claim.getMetadata().getName(),
                                pv.getMetadata().getName())
                        .isEqualTo(volumeNode);
                assertThat(pv.getSpec().getStorageClassName())
                        .isEqualTo(claim.getSpec().getStorageClassName());
            }
        }
    }

    @Nested
    @Order(2)
    @DisplayName("spreading")
    class Spreading {

        @Test
        @DisplayName(
                "replicas of every component run on distinct nodes, spread over all three zones where there are at least three, zone skew at most 1")
        void distinctNodesAndZones() {
            assertSpreadRules("after install");
            Map<String, String> zones = nodeZones();
            List<String> lines = new ArrayList<>();
            nodesByComponent()
                    .forEach((c, nodes) -> lines.add(c + "="
                            + nodes.stream()
                                    .map(zones::get)
                                    .sorted()
                                    .map(z -> z.substring(z.length() - 1))
                                    .collect(Collectors.joining())));
            ClusterReport.number("prod 3x2: zones per component", String.join(" ", lines));
        }
    }

    @Nested
    @Order(3)
    @DisplayName("pod kill")
    class PodKill {

        @Test
        @DisplayName(
                "a deleted pod of every component comes back Ready, placed under the same rules; StatefulSet pods return to their volume's node")
        void deletedPodsComeBack() {
            List<ReleaseWorkloads.Component> components = stack.workloads.components();
            Map<String, Pod> victims = new LinkedHashMap<>();
            for (ReleaseWorkloads.Component c : components) {
                victims.put(c.name(), stack.workloads.livePods(c).get(0));
            }
            long t0 = System.nanoTime();
            victims.values()
                    .forEach(p -> stack.client
                            .pods()
                            .inNamespace(NAMESPACE)
                            .withName(p.getMetadata().getName())
                            .delete());
            Set<String> oldUids =
                    victims.values().stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
            await("every deleted pod replaced and the release Ready")
                    .atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> stack.workloads.allReady()
                            && stack.client.pods().inNamespace(NAMESPACE).list().getItems().stream()
                                    .noneMatch(p ->
                                            oldUids.contains(p.getMetadata().getUid())));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertSpreadRules("after deleting one pod of each component");
            for (ReleaseWorkloads.Component c : components) {
                if (c.stateful()) {
                    Pod before = victims.get(c.name());
                    Pod after = stack.client
                            .pods()
                            .inNamespace(NAMESPACE)
                            .withName(before.getMetadata().getName())
                            .get();
                    assertThat(after.getSpec().getNodeName())
                            .as(
                                    "%s is pinned to its local volume's node",
                                    before.getMetadata().getName())
                            .isEqualTo(before.getSpec().getNodeName());
                }
            }
            ClusterReport.number(
                    "prod 3x2: pod kill (" + victims.size() + " pods) until all Ready",
                    StackUnderTest.seconds(seconds));
        }
    }

    @Nested
    @Order(4)
    @DisplayName("disruption budgets")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class DisruptionBudgets {

        @Test
        @Order(1)
        @DisplayName(
                "every component with more than one replica has a budget, and each allows exactly replicas - minAvailable disruptions")
        void allowancesMatch() {
            List<ReleaseWorkloads.Component> components = stack.workloads.components();
            assertThat(components.stream().filter(c -> c.replicas() > 1))
                    .as("components with more than one replica have a PDB")
                    .allSatisfy(c -> assertThat(c.pdb()).as(c.name()).isPresent());
            assertThat(components.stream().filter(c -> c.pdb().isPresent()))
                    .allSatisfy(c -> assertThat(c.minAvailable())
                            .as("minAvailable of %s", c.name())
                            .isBetween(1, c.replicas() - 1));
            Set<String> matched = components.stream()
                    .filter(c -> c.pdb().isPresent())
                    .map(c -> c.pdb().get())
                    .collect(Collectors.toSet());
            assertThat(stack.client
                            .policy()
                            .v1()
                            .podDisruptionBudget()
                            .inNamespace(NAMESPACE)
                            .list()
                            .getItems())
                    .extracting(p -> p.getMetadata().getName())
                    .as("every PDB matches exactly one component")
                    .containsExactlyInAnyOrderElementsOf(matched)
                    .hasSize(matched.size());
            awaitBudgetsAtFullAllowance();
        }

        @Test
        @Order(2)
        @DisplayName(
                "with replacements kept Pending (all nodes cordoned), evictions within each budget succeed and the next one is refused with 429")
        void evictionsHonourBudgets() {
            awaitBudgetsAtFullAllowance();
            List<ReleaseWorkloads.Component> components = stack.workloads.components().stream()
                    .filter(c -> c.pdb().isPresent())
                    .collect(Collectors.toList());
            plane.nodes().names().forEach(plane.nodes()::cordon);
            int evicted = 0;
            int refused = 0;
            try {
                for (ReleaseWorkloads.Component c : components) {
                    List<Pod> pods = stack.workloads.livePods(c);
                    int allowed = c.replicas() - c.minAvailable();
                    for (int i = 0; i < allowed; i++) {
                        Eviction.Answer answer = Eviction.evict(
                                stack.client,
                                NAMESPACE,
                                pods.get(i).getMetadata().getName());
                        assertThat(answer.code())
                                .as("eviction %d of %d allowed for %s: %s", i + 1, allowed, c.name(), answer.body())
                                .isEqualTo(201);
                        evicted++;
                    }
                    Pod protectedPod = pods.get(allowed);
                    Eviction.Answer answer = Eviction.evict(
                            stack.client, NAMESPACE, protectedPod.getMetadata().getName());
                    assertThat(answer.code())
                            .as("eviction past the budget of %s", c.name())
                            .isEqualTo(429);
                    assertThat(answer.body())
                            .contains("Cannot evict pod as it would violate the pod's disruption budget");
                    refused++;
                    Pod still = stack.client
                            .pods()
                            .inNamespace(NAMESPACE)
                            .withName(protectedPod.getMetadata().getName())
                            .get();
                    assertThat(still.getMetadata().getUid())
                            .as("the refused pod stays")
                            .isEqualTo(protectedPod.getMetadata().getUid());
                    assertThat(stack.workloads.ready(c))
                            .as("Ready pods of %s after the evictions", c.name())
                            .isEqualTo(c.minAvailable());
                }
            } finally {
                uncordonAllAndAwaitReady();
            }
            // Evicted pods' names stay in status.disruptedPods until the disruption controller has
            // seen them deleted (at most DeletionTimeout, 2 minutes); report what is left now.
            List<String> stillDisrupted = new ArrayList<>();
            for (PodDisruptionBudget pdb : stack.client
                    .policy()
                    .v1()
                    .podDisruptionBudget()
                    .inNamespace(NAMESPACE)
                    .list()
                    .getItems()) {
                if (pdb.getStatus().getDisruptedPods() != null
                        && !pdb.getStatus().getDisruptedPods().isEmpty()) {
                    stillDisrupted.add(pdb.getMetadata().getName() + " "
                            + pdb.getStatus().getDisruptedPods().keySet());
                }
            }
            ClusterReport.number(
                    "prod 3x2: evictions within budgets (201) / refused past them (429)",
                    evicted + " / " + refused + "; disruptedPods entries left after recovery: " + stillDisrupted);
        }
    }

    @Nested
    @Order(5)
    @DisplayName("node drain")
    class Drain {

        @Test
        @DisplayName(
                "draining the busiest node completes; draining a second node is then held up by the budgets (429, retried) until the first node is back, and no component's Ready count ever drops below its budget's minAvailable")
        void drainsRespectBudgets() {
            stack.workloads.awaitAllReady(READY_TIMEOUT);
            awaitBudgetsAtFullAllowance();
            Map<String, List<String>> nodes = nodesByComponent();
            Map<String, Long> podsPerNode = nodes.values().stream()
                    .flatMap(List::stream)
                    .collect(Collectors.groupingBy(n -> n, TreeMap::new, Collectors.counting()));
            List<ReleaseWorkloads.Component> components = stack.workloads.components();
            // A StatefulSet pod evicted from the first node cannot come back while that node is
            // cordoned (its local volume is there), so a budget allowing one disruption is spent:
            // a node holding another replica cannot be drained until the first node returns.
            List<ReleaseWorkloads.Component> budgeted = components.stream()
                    .filter(c -> c.stateful() && c.pdb().isPresent() && c.replicas() - c.minAvailable() == 1)
                    .collect(Collectors.toList());
            String first = podsPerNode.entrySet().stream()
                    .filter(e ->
                            budgeted.stream().anyMatch(c -> nodes.get(c.name()).contains(e.getKey())))
                    .max(Map.Entry.<String, Long>comparingByValue()
                            .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                    .orElseThrow(() -> new AssertionError("no node holds a budgeted StatefulSet pod: " + nodes))
                    .getKey();
            ReleaseWorkloads.Component blocked = budgeted.stream()
                    .filter(c -> nodes.get(c.name()).contains(first))
                    .findFirst()
                    .orElseThrow();
            // node-exporter's DaemonSet pod stays, as with kubectl drain --ignore-daemonsets.
            Set<String> onFirst = plane.nodes().podsOn(first).stream()
                    .filter(p -> !NodeDrain.ownedByDaemonSet(p))
                    .map(p -> p.getMetadata().getNamespace() + "/"
                            + p.getMetadata().getName())
                    .collect(Collectors.toSet());
            String second = nodes.get(blocked.name()).stream()
                    .filter(n -> !n.equals(first))
                    .sorted()
                    .findFirst()
                    .orElseThrow();

            NodeDrain.Result firstResult;
            NodeDrain.Result secondResult;
            Duration sinceUncordon;
            AtomicInteger refusedSecond = new AtomicInteger();
            int refusedWhileBlocked;
            Map<String, Integer> minimum;
            int samples;
            ExecutorService background = Executors.newSingleThreadExecutor();
            try {
                try (ReadinessSampler sampler = ReadinessSampler.start(
                        stack.workloads, components, Duration.ofMillis(250), Duration.ofMinutes(10))) {
                    firstResult = NodeDrain.drain(stack.client, plane.nodes(), first, Duration.ofMinutes(2));
                    assertThat(firstResult.evicted())
                            .as("pods evicted from %s", first)
                            .containsExactlyInAnyOrderElementsOf(onFirst);
                    assertThat(plane.nodes().podsOn(first))
                            .as("pods left on the drained node: node-exporter's only")
                            .allMatch(NodeDrain::ownedByDaemonSet);
                    // A replacement created a moment ago has neither a node nor a scheduling verdict
                    // yet: wait for the scheduler's answer, then every pod still without a node must
                    // be waiting for its volume's node, nothing else.
                    await("a scheduling verdict for every replacement pod")
                            .atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(200))
                            .untilAsserted(() -> {
                                for (Pod pod : stack.client
                                        .pods()
                                        .inNamespace(NAMESPACE)
                                        .list()
                                        .getItems()) {
                                    if (pod.getSpec().getNodeName() == null) {
                                        assertThat(ReleaseWorkloads.scheduledMessage(pod))
                                                .as(
                                                        "why %s is Pending",
                                                        pod.getMetadata().getName())
                                                .hasValueSatisfying(m -> assertThat(m)
                                                        .contains("didn't match PersistentVolume's node affinity"));
                                    }
                                }
                            });
                    // Room for the scheduler's periodic retry of unschedulable pods (every 5 minutes), the
                    // backstop when a pod is not requeued on the uncordon: a 2-minute limit was once exceeded.
                    Future<NodeDrain.Result> secondDrain = background.submit(() ->
                            NodeDrain.drain(stack.client, plane.nodes(), second, SECOND_DRAIN_TIMEOUT, refusedSecond));
                    await("the drain of " + second + " refused by the " + blocked.name() + " budget")
                            .atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> refusedSecond.get() >= 3);
                    assertThat(secondDrain.isDone())
                            .as("the second drain waits")
                            .isFalse();
                    assertThat(stack.workloads.pods(blocked))
                            .as("%s keeps its pod on %s", blocked.name(), second)
                            .anyMatch(p -> second.equals(p.getSpec().getNodeName()));
                    refusedWhileBlocked = refusedSecond.get();
                    plane.nodes().uncordon(first);
                    long uncordonedAt = System.nanoTime();
                    try {
                        secondResult = secondDrain.get(SECOND_DRAIN_TIMEOUT.toSeconds() + 60, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        throw new AssertionError(
                                "the second drain did not finish: "
                                        + e.getCause().getMessage() + "; the release:" + stack.workloads.describe(),
                                e);
                    }
                    sinceUncordon = Duration.ofNanos(System.nanoTime() - uncordonedAt);
                    await("Deployments Ready again after the drains")
                            .atMost(Duration.ofMinutes(1))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> components.stream()
                                    .filter(c -> !c.stateful())
                                    .allMatch(c -> stack.workloads.ready(c) == c.replicas()));
                    sampler.stop();
                    minimum = sampler.minimum();
                    samples = sampler.samples();
                    assertThat(sampler.errors()).as("sampling errors").isEmpty();
                    assertThat(sampler.timedOut()).as("sampler ran out of time").isFalse();
                }
                assertThat(secondResult.tooManyRequests())
                        .as("evictions refused during the second drain")
                        .isGreaterThanOrEqualTo(refusedWhileBlocked);
                assertThat(plane.nodes().podsOn(second))
                        .as("pods left on %s: node-exporter's only", second)
                        .allMatch(NodeDrain::ownedByDaemonSet);
                assertThat(samples).as("samples taken").isGreaterThan(1);
                for (ReleaseWorkloads.Component c : components) {
                    if (c.pdb().isPresent()) {
                        assertThat(minimum.get(c.name()))
                                .as(
                                        "lowest Ready count of %s during the drains (minAvailable %d)",
                                        c.name(), c.minAvailable())
                                .isGreaterThanOrEqualTo(c.minAvailable());
                    }
                }
            } catch (InterruptedException | TimeoutException e) {
                throw new AssertionError("the second drain did not finish: " + e, e);
            } finally {
                background.shutdownNow();
                uncordonAllAndAwaitReady();
            }
            assertSpreadRules("after the drains and uncordon");
            ClusterReport.number(
                    "prod 3x2: drain of " + first,
                    StackUnderTest.seconds(firstResult.duration()) + ", "
                            + firstResult.evicted().size() + " pods evicted, " + firstResult.tooManyRequests()
                            + " refused (429)");
            ClusterReport.number(
                    "prod 3x2: drain of " + second + " (held by " + blocked.name() + " until " + first
                            + " was uncordoned)",
                    StackUnderTest.seconds(secondResult.duration()) + " (" + StackUnderTest.seconds(sinceUncordon)
                            + " after the uncordon), "
                            + secondResult.evicted().size() + " pods evicted, " + secondResult.tooManyRequests()
                            + " refused (429) and retried");
            ClusterReport.number(
                    "prod 3x2: lowest Ready during the drains (" + samples + " samples)", minimum.toString());
        }
    }

    @Nested
    @Order(6)
    @DisplayName("zone loss")
    class ZoneLoss {

        @Test
        @DisplayName(
                "after losing every node of the busiest zone, each component keeps what the HA analysis says it needs (Alertmanager 2, Redis 2, compactor and kube-state-metrics 0, others 1) and at least what it predicts survives")
        void survivesZoneLoss() {
            stack.workloads.awaitAllReady(READY_TIMEOUT);
            Map<String, String> zones = nodeZones();
            Map<String, List<String>> nodes = nodesByComponent();
            Map<String, Long> podsPerZone = nodes.values().stream()
                    .flatMap(List::stream)
                    .map(zones::get)
                    .collect(Collectors.groupingBy(z -> z, TreeMap::new, Collectors.counting()));
            String zone = podsPerZone.entrySet().stream()
                    .max(Map.Entry.<String, Long>comparingByValue()
                            .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                    .orElseThrow()
                    .getKey();
            List<String> lost = zones.entrySet().stream()
                    .filter(e -> e.getValue().equals(zone))
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toList());
            List<ReleaseWorkloads.Component> components = stack.workloads.components();
            Map<String, Integer> survivors = new TreeMap<>();
            nodes.forEach((c, list) -> survivors.put(
                    c, (int) list.stream().filter(n -> !lost.contains(n)).count()));

            long t0 = System.nanoTime();
            double goneAfter;
            Map<String, Integer> minimum;
            try (ReadinessSampler sampler = ReadinessSampler.start(
                    stack.workloads, components, Duration.ofMillis(200), Duration.ofMinutes(4))) {
                plane.nodes().delete(lost);
                // Nothing is forced: the pod garbage collector deletes pods bound to nodes that no
                // longer exist (after its 40 s quarantine), then the workload controllers replace them.
                await("pods of the lost nodes removed by the control plane")
                        .atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> lost.stream()
                                .allMatch(n -> plane.nodes().podsOn(n).isEmpty()));
                goneAfter = (System.nanoTime() - t0) / 1e9;
                await("Deployments back to full strength on the remaining zones")
                        .atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> components.stream()
                                .filter(c -> !c.stateful())
                                .allMatch(c -> stack.workloads.ready(c) == c.replicas()));
                sampler.stop();
                minimum = sampler.minimum();
                assertThat(sampler.errors()).as("sampling errors").isEmpty();
                assertThat(sampler.timedOut()).as("sampler ran out of time").isFalse();
            }
            Map<String, Integer> finalReady = stack.workloads.readyCounts(components);
            Map<String, HaReport.Component> predicted =
                    analysis.components().stream().collect(Collectors.toMap(HaReport.Component::component, r -> r));
            assertThat(predicted.keySet())
                    .as("components the analysis knows")
                    .containsExactlyInAnyOrderElementsOf(components.stream()
                            .map(ReleaseWorkloads.Component::name)
                            .collect(Collectors.toList()));
            Map<String, Integer> needs = new TreeMap<>();
            predicted.forEach((name, r) -> needs.put(name, r.needs()));
            Map<String, Integer> table = new TreeMap<>();
            components.forEach(c -> table.put(c.name(), 1));
            table.putAll(Map.of("alertmanager", 2, "redis", 2, "thanos-compactor", 0, "kube-state-metrics", 0));
            assertThat(needs)
                    .as("what the analysis says each component needs (this test's name states it)")
                    .isEqualTo(table);
            List<String> lines = new ArrayList<>();
            for (ReleaseWorkloads.Component c : components) {
                HaReport.Component expected = predicted.get(c.name());
                int need = expected.needs();
                assertThat(expected.zoneLoss().survives())
                        .as(
                                "the analysis says %s survives a zone loss: %s",
                                c.name(), expected.zoneLoss().reason())
                        .isTrue();
                assertThat(survivors.get(c.name()))
                        .as(
                                "%s replicas outside %s; the analysis predicts at least %d after the worst zone loss",
                                c.name(), zone, expected.zoneLoss().remaining())
                        .isGreaterThanOrEqualTo(expected.zoneLoss().remaining());
                assertThat(survivors.get(c.name()))
                        .as("%s replicas outside %s (needs %d: %s)", c.name(), zone, need, expected.needsWhy())
                        .isGreaterThanOrEqualTo(need);
                assertThat(minimum.get(c.name()))
                        .as("lowest Ready count of %s during the zone loss (needs %d)", c.name(), need)
                        .isGreaterThanOrEqualTo(need);
                assertThat(finalReady.get(c.name()))
                        .as("Ready pods of %s after the control plane reacted", c.name())
                        .isGreaterThanOrEqualTo(need);
                if (!c.stateful()) {
                    assertThat(finalReady.get(c.name()))
                            .as("%s rescheduled to full strength", c.name())
                            .isEqualTo(c.replicas());
                }
                lines.add(c.name() + " " + minimum.get(c.name()) + "->" + finalReady.get(c.name()) + "/" + c.replicas()
                        + " (needs " + need + ")");
            }
            // What could not come back: StatefulSet pods whose local volume was in the lost zone.
            for (Pod pod : stack.client.pods().inNamespace(NAMESPACE).list().getItems()) {
                if (pod.getSpec().getNodeName() == null) {
                    assertThat(ReleaseWorkloads.scheduledMessage(pod))
                            .as("why %s is Pending", pod.getMetadata().getName())
                            .hasValueSatisfying(
                                    m -> assertThat(m).contains("didn't match PersistentVolume's node affinity"));
                }
            }
            ClusterReport.number(
                    "prod 3x2: zone loss of " + zone + " " + lost,
                    "pods removed by the pod GC after " + StackUnderTest.seconds(goneAfter)
                            + "; Ready lowest->final/replicas: " + String.join(", ", lines));
        }
    }
}
