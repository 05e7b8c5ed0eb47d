package dev.hamonitoring.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import dev.hamonitoring.cluster.ClusterTopology;
import dev.hamonitoring.cluster.ReleaseNamespace;
import dev.hamonitoring.render.HelmJava;
import dev.hamonitoring.render.PodTemplates;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * The prod overlay (with the real-pod profile) installed into a cluster of Docker containers:
 * 3 zones × 2 nodes with the prod pool's label and taint, NetworkPolicies enforced by kube-router.
 * Every pod is a real container started by containerd from the images {@link PodImages} made.
 */
@ExtendWith(RealClusterExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The prod overlay on real pods")
class RealPodsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = RealPodsProfile.NAMESPACE;
    private static final String ELSEWHERE = "elsewhere";
    private static final String GRAFANA_PROBE = "probe-as-grafana";
    private static final String UNLABELLED_PROBE = "probe-unlabelled";
    private static final String FOREIGN_PROBE = "probe-other-namespace";

    private RealStack stack;
    private KubernetesClient client;

    @BeforeAll
    void install() {
        PodCluster cluster = RealClusterExtension.cluster();
        client = cluster.client();
        stack = RealStack.install(cluster);
        double ready = stack.awaitReady(Duration.ofMinutes(6));
        System.out.printf(
                "[pods] helm install %.1f s, then all %d pods Ready in %.1f s%n",
                stack.installSeconds(), stack.expectedPods(), ready);
        ReleaseNamespace.create(client, ELSEWHERE);
        client.pods()
                .inNamespace(NS)
                .resource(RealStack.probePod(GRAFANA_PROBE, grafanaLabels()))
                .create();
        client.pods()
                .inNamespace(NS)
                .resource(RealStack.probePod(UNLABELLED_PROBE, Map.of()))
                .create();
        client.pods()
                .inNamespace(ELSEWHERE)
                .resource(RealStack.probePod(FOREIGN_PROBE, Map.of()))
                .create();
        awaitRunning(NS, GRAFANA_PROBE);
        awaitRunning(NS, UNLABELLED_PROBE);
        awaitRunning(ELSEWHERE, FOREIGN_PROBE);
    }

    @AfterAll
    void uninstall() {
        if (stack != null) {
            stack.helm().uninstallIfPresent();
            ReleaseNamespace.delete(client, ELSEWHERE);
            ReleaseNamespace.delete(client, NS);
        }
    }

    private void awaitRunning(String namespace, String pod) {
        await(pod + " Running")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> RealStack.ready(
                        client.pods().inNamespace(namespace).withName(pod).get()));
    }

    /** The labels of Grafana's pods, as rendered: the probe that stands in for Grafana wears them. */
    private Map<String, String> grafanaLabels() {
        Deployment grafana = stack.release().one(Deployment.class, stack.grafanaDeployment());
        return grafana.getSpec().getTemplate().getMetadata().getLabels();
    }

    @Nested
    @DisplayName("after helm install")
    class Install {

        @Test
        @DisplayName("every pod of the release is Running and Ready by its own probes")
        void everyPodReady() {
            List<Pod> pods = stack.releasePods();
            assertThat(pods).hasSize(stack.expectedPods()).allMatch(RealStack::ready);
        }

        @Test
        @DisplayName("node-exporter runs Ready on every node, in its own namespace that allows its host access")
        void nodeExporterOnEveryNode() {
            DaemonSet rendered = stack.release().all(DaemonSet.class).get(0);
            String namespace = rendered.getMetadata().getNamespace();
            assertThat(namespace).isNotEqualTo(NS);
            assertThat(client.namespaces()
                            .withName(namespace)
                            .get()
                            .getMetadata()
                            .getLabels())
                    .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
            await("node-exporter Ready on every node")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        DaemonSet live = client.apps()
                                .daemonSets()
                                .inNamespace(namespace)
                                .withName(rendered.getMetadata().getName())
                                .get();
                        assertThat(live.getStatus().getNumberReady())
                                .isEqualTo(stack.cluster().nodeNames().size());
                    });
        }

        @Test
        @DisplayName("the replicas of every workload run on distinct nodes and, up to one per zone, in distinct zones")
        void spreadOverNodesAndZones() {
            Map<String, String> zones = stack.cluster().topology().nodeZones();
            Map<String, List<String>> nodesByWorkload = new TreeMap<>();
            for (Pod pod : stack.releasePods()) {
                nodesByWorkload
                        .computeIfAbsent(RealPods.owner(pod), k -> new ArrayList<>())
                        .add(pod.getSpec().getNodeName());
            }
            assertThat(nodesByWorkload.keySet()).as("workloads checked").containsAll(multiReplicaWorkloads());
            nodesByWorkload.forEach((workload, nodes) -> {
                assertThat(Set.copyOf(nodes)).as(workload + " nodes").hasSize(nodes.size());
                Set<String> podZones = nodes.stream().map(zones::get).collect(Collectors.toSet());
                assertThat(podZones)
                        .as(workload + " zones")
                        .hasSize(Math.min(
                                nodes.size(), stack.cluster().topology().zoneCount()));
            });
            System.out.printf("[pods] placement: %s%n", nodesByWorkload);
        }

        @Test
        @DisplayName("every claim is Bound by the PV controller to a local volume on its pod's node")
        void claimsBoundToLocalVolumesOnThePodsNode() {
            List<PersistentVolumeClaim> claims =
                    client.persistentVolumeClaims().inNamespace(NS).list().getItems();
            assertThat(claims).as("claims of the release").isNotEmpty();
            Map<String, String> nodeOfClaim = new LinkedHashMap<>();
            for (Pod pod : stack.releasePods()) {
                if (pod.getSpec().getVolumes() == null) {
                    continue;
                }
                pod.getSpec().getVolumes().stream()
                        .filter(v -> v.getPersistentVolumeClaim() != null)
                        .forEach(v -> nodeOfClaim.put(
                                v.getPersistentVolumeClaim().getClaimName(),
                                pod.getSpec().getNodeName()));
            }
            for (PersistentVolumeClaim claim : claims) {
                String name = claim.getMetadata().getName();
                assertThat(claim.getStatus().getPhase()).as(name).isEqualTo("Bound");
                PersistentVolume volume = client.persistentVolumes()
                        .withName(claim.getSpec().getVolumeName())
                        .get();
                assertThat(volume.getMetadata().getLabels())
                        .as(name + " volume")
                        .containsEntry(ClusterTopology.HOSTNAME_LABEL, nodeOfClaim.get(name));
            }
        }
    }

    @Nested
    @DisplayName("Thanos Query, reached through the query frontend's in-cluster Service (Grafana's data source)")
    class Deduplication {

        @Test
        @DisplayName(
                "returns one series per target with deduplication and two without, from the sidecars it found by DNS-SRV")
        void oneSeriesPerTargetDeduplicated() {
            String query = "http://" + RealPodsProfile.RELEASE + "-thanos-query-frontend:10902";
            await("both Prometheus replicas' series through Thanos Query")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(5))
                    .ignoreExceptions()
                    .until(() -> seriesPerTarget(query, false).values().stream().allMatch(n -> n == 2)
                            && !seriesPerTarget(query, false).isEmpty());
            Map<String, Integer> raw = seriesPerTarget(query, false);
            Map<String, Integer> dedup = seriesPerTarget(query, true);
            assertThat(raw)
                    .isNotEmpty()
                    .allSatisfy((target, n) -> assertThat(n).as(target).isEqualTo(2));
            assertThat(dedup.keySet()).isEqualTo(raw.keySet());
            assertThat(dedup).allSatisfy((target, n) -> assertThat(n).as(target).isEqualTo(1));
            // Query's own view (asked on its loopback, inside its pod): what DNS-SRV discovery found.
            Pod queryPod = podsOf(RealPodsProfile.RELEASE + "-thanos-query").get(0);
            PodExec.Result stores = PodExec.run(
                    client,
                    NS,
                    queryPod.getMetadata().getName(),
                    List.of("curl", "-fsS", "http://127.0.0.1:10902/api/v1/stores"));
            JsonNode sidecars = json(stores.stdout()).path("data").path("sidecar");
            JsonNode gateways = json(stores.stdout()).path("data").path("store");
            assertThat(sidecars).as("sidecars found by DNS-SRV").hasSize(2);
            assertThat(gateways).as("store gateways found by DNS-SRV").hasSize(2);
            System.out.printf(
                    "[pods] dedup: %d targets, 2 series each raw, 1 deduplicated; Query found %d sidecars, %d store gateways%n",
                    raw.size(), sidecars.size(), gateways.size());
        }

        private Map<String, Integer> seriesPerTarget(String query, boolean dedup) {
            JsonNode result = get(query + "/api/v1/query?query=up%7Bjob%3D%22ha-monitoring%22%7D&dedup=" + dedup)
                    .path("data")
                    .path("result");
            Map<String, Integer> counts = new TreeMap<>();
            for (JsonNode series : result) {
                JsonNode metric = series.path("metric");
                counts.merge(
                        metric.path("instance").asText() + " "
                                + metric.path("pod").asText(),
                        1,
                        Integer::sum);
            }
            return counts;
        }
    }

    @Nested
    @DisplayName("Alertmanager")
    class Gossip {

        @Test
        @DisplayName("every replica reports all 3 peers: gossip on TCP and UDP 9094 passes the policies")
        void everyReplicaSeesAllPeers() {
            List<Pod> alertmanagers = podsOf(RealPodsProfile.RELEASE + "-alertmanager");
            assertThat(alertmanagers).hasSize(3);
            await("3 peers on every Alertmanager")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        for (Pod pod : alertmanagers) {
                            JsonNode cluster = get("http://" + pod.getStatus().getPodIP() + ":9093/api/v2/status")
                                    .path("cluster");
                            assertThat(cluster.path("status").asText()).isEqualTo("ready");
                            assertThat(cluster.path("peers")).hasSize(3);
                        }
                    });
        }
    }

    @Nested
    @DisplayName("helm test")
    class HelmTest {

        @Test
        @DisplayName("passes the deduplication and peer checks and fails at Grafana, which cannot run here")
        void runsForReal() {
            String message;
            try {
                HelmJava.call(() -> Helm.test(RealPodsProfile.RELEASE)
                        .withNamespace(NS)
                        .withKubeConfig(stack.cluster().kubeconfig())
                        .withTimeout(300)
                        .call());
                message = "passed";
            } catch (IllegalStateException e) {
                message = e.getMessage();
            }
            Pod testPod = client.pods().inNamespace(NS).list().getItems().stream()
                    .filter(p -> p.getMetadata().getAnnotations() != null
                            && "test".equals(p.getMetadata().getAnnotations().get("helm.sh/hook")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no helm test pod ran"));
            String log = client.pods()
                    .inNamespace(NS)
                    .withName(testPod.getMetadata().getName())
                    .getLog();
            System.out.printf("[pods] helm test: %s%n%s%n", message, log);
            assertThat(log)
                    .contains("ok: Thanos Query deduplicates")
                    .contains("ok: every Alertmanager sees 3 peers")
                    .contains("FAIL: Grafana does not answer /api/health");
            assertThat(testPod.getStatus().getPhase()).isEqualTo("Failed");
            assertThat(message).isNotEqualTo("passed");
        }
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @DisplayName("NetworkPolicies")
    class Policies {

        @Test
        @Order(1)
        @DisplayName("let a pod with Grafana's labels reach every service Grafana uses")
        void grafanaEdgesOpen() {
            Map<String, Boolean> results = new LinkedHashMap<>();
            // kube-router admits a new pod's address once it has synced it into its ipsets.
            await("every edge Grafana uses open to its labels")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> {
                        for (Map.Entry<String, Integer> target :
                                grafanaTargets().entrySet()) {
                            results.put(
                                    target.getKey() + ":" + target.getValue(),
                                    PodExec.connects(client, NS, GRAFANA_PROBE, target.getKey(), target.getValue()));
                        }
                        assertThat(results)
                                .isNotEmpty()
                                .allSatisfy((target, open) ->
                                        assertThat(open).as(target).isTrue());
                    });
            System.out.printf("[pods] Grafana-labelled probe: %s%n", results);
        }

        @Test
        @Order(2)
        @DisplayName(
                "keep Prometheus, Alertmanager, Thanos gRPC and Redis closed to unlabelled pods here and to pods of other namespaces")
        void closedToStrangers() {
            Map<String, Boolean> results = strangerProbes();
            System.out.printf("[pods] strangers' probes (true = connected): %s%n", results);
            assertThat(results)
                    .hasSizeGreaterThanOrEqualTo(2 * 4)
                    .allSatisfy((probe, open) -> assertThat(open).as(probe).isFalse());
        }

        @Test
        @Order(3)
        @DisplayName("are what closes them: without the chart's policies the same probes connect")
        void withoutPoliciesTheSameProbesConnect() {
            List<NetworkPolicy> saved =
                    client.network().v1().networkPolicies().inNamespace(NS).list().getItems().stream()
                            .filter(p -> p.getMetadata().getName().startsWith(RealPodsProfile.RELEASE + "-"))
                            .toList();
            assertThat(saved).isNotEmpty();
            saved.forEach(p -> client.network()
                    .v1()
                    .networkPolicies()
                    .inNamespace(NS)
                    .resource(p)
                    .delete());
            try {
                await("probes connect without the policies")
                        .atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofSeconds(2))
                        .until(() -> strangerProbes().values().stream().allMatch(open -> open));
            } finally {
                for (NetworkPolicy policy : saved) {
                    client.network()
                            .v1()
                            .networkPolicies()
                            .inNamespace(NS)
                            .resource(new NetworkPolicyBuilder(policy)
                                    .editMetadata()
                                    .withResourceVersion(null)
                                    .withUid(null)
                                    .withCreationTimestamp(null)
                                    .withManagedFields(List.of())
                                    .endMetadata()
                                    .build())
                            .create();
                }
            }
            await("probes closed again with the policies restored")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> strangerProbes().values().stream().noneMatch(open -> open));
        }

        private Map<String, Integer> grafanaTargets() {
            Map<String, Integer> targets = new LinkedHashMap<>();
            targets.put(RealPodsProfile.RELEASE + "-thanos-query-frontend", 10902);
            // The Redis entry Service selects the HAProxy pods.
            targets.put(RealPodsProfile.RELEASE + "-redis", 6379);
            for (Pod pod : podsOf(RealPodsProfile.RELEASE + "-alertmanager")) {
                targets.put(pod.getStatus().getPodIP(), 9093);
            }
            return targets;
        }

        /** Every probe from both strangers: {@code "probe → pod:port"} → connected. */
        private Map<String, Boolean> strangerProbes() {
            Map<String, Integer> targets = new LinkedHashMap<>();
            for (Pod pod : podsOf(RealPodsProfile.RELEASE + "-prometheus")) {
                targets.put(pod.getStatus().getPodIP() + " (prometheus)", 9090);
                targets.put(pod.getStatus().getPodIP() + " (sidecar gRPC)", 10901);
            }
            for (Pod pod : podsOf(RealPodsProfile.RELEASE + "-thanos-store")) {
                targets.put(pod.getStatus().getPodIP() + " (store gRPC)", 10901);
            }
            for (Pod pod : podsOf(RealPodsProfile.RELEASE + "-alertmanager")) {
                targets.put(pod.getStatus().getPodIP() + " (alertmanager)", 9093);
            }
            for (Pod pod : podsOf(RealPodsProfile.RELEASE + "-redis")) {
                targets.put(pod.getStatus().getPodIP() + " (redis)", 6379);
            }
            Map<String, Boolean> results = new LinkedHashMap<>();
            for (String[] probe :
                    List.of(new String[] {NS, UNLABELLED_PROBE}, new String[] {ELSEWHERE, FOREIGN_PROBE})) {
                targets.forEach((target, port) -> {
                    String ip = target.substring(0, target.indexOf(' '));
                    results.put(
                            probe[1] + " → " + target + ":" + port,
                            PodExec.connects(client, probe[0], probe[1], ip, port));
                });
            }
            return results;
        }
    }

    private List<Pod> podsOf(String workload) {
        return stack.releasePods().stream()
                .filter(p -> RealPods.owner(p).equals(workload))
                .sorted((a, b) ->
                        a.getMetadata().getName().compareTo(b.getMetadata().getName()))
                .toList();
    }

    private Set<String> multiReplicaWorkloads() {
        Set<String> names = new LinkedHashSet<>();
        for (HasMetadata object : stack.release().objects()) {
            Integer replicas = object instanceof Deployment d
                    ? d.getSpec().getReplicas()
                    : object instanceof StatefulSet s ? s.getSpec().getReplicas() : null;
            if (replicas != null
                    && replicas > 1
                    && PodTemplates.of(object).isPresent()
                    && !object.getMetadata().getName().equals(stack.grafanaDeployment())) {
                names.add(object.getMetadata().getName());
            }
        }
        return names;
    }

    /** An HTTP GET from the Grafana-labelled probe pod, parsed as JSON. */
    private JsonNode get(String url) {
        PodExec.Result r = PodExec.run(client, NS, GRAFANA_PROBE, List.of("curl", "-fsS", "-m", "10", url));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("GET " + url + " from " + GRAFANA_PROBE + ": " + r);
        }
        return json(r.stdout());
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
