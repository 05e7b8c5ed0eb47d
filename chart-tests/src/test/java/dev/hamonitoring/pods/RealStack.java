package dev.hamonitoring.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamonitoring.cluster.HelmRelease;
import dev.hamonitoring.cluster.ReleaseNamespace;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The profile's release installed into a {@link PodCluster} the way a user would: the namespace
 * (Pod Security {@code restricted}) with the Secrets the overlay names, then {@code helm install}
 * with the prod overlay and the profile. Before it, the test-only S3 bucket ({@link
 * PodImages#OBJECT_STORE}) that the {@code thanos-objstore} Secret points at; after it, Grafana
 * scaled to 0 (no image: see {@link RealPodsProfile}).
 */
final class RealStack {

    static final String OBJECT_STORE = "test-objstore";
    static final String BUCKET = "thanos";

    private final PodCluster cluster;
    private final RenderedRelease release;
    private final HelmRelease helm;
    private final double installSeconds;

    private RealStack(PodCluster cluster, RenderedRelease release, HelmRelease helm, double installSeconds) {
        this.cluster = cluster;
        this.release = release;
        this.helm = helm;
        this.installSeconds = installSeconds;
    }

    /** Installs the profile's release and returns once it is installed (not yet Ready: see {@link #awaitReady}). */
    static RealStack install(PodCluster cluster) {
        return install(cluster, List.of());
    }

    /** {@link #install(PodCluster)} with a scenario's own values files after the profile. */
    static RealStack install(PodCluster cluster, List<Path> scenarioValues) {
        return install(
                cluster,
                new HelmRelease(
                        cluster.kubeconfig(),
                        ProjectPaths.umbrellaChart(),
                        RealPodsProfile.RELEASE,
                        RealPodsProfile.NAMESPACE),
                RealPodsProfile.valuesFiles(scenarioValues),
                RealPodsProfile.render(scenarioValues));
    }

    /**
     * The same namespace, Secrets and bucket, then {@code helm install} of another chart or version
     * (a release from a chart repository: the previous version) with its values files; {@code
     * release} is what those files render, whose workloads {@link #awaitReady} counts.
     */
    static RealStack install(PodCluster cluster, HelmRelease helm, List<Path> valuesFiles, RenderedRelease release) {
        KubernetesClient client = cluster.client();
        String ns = RealPodsProfile.NAMESPACE;
        ReleaseNamespace.create(client, ns);
        client.secrets().inNamespace(ns).withName("thanos-objstore").delete();
        client.secrets()
                .inNamespace(ns)
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("thanos-objstore")
                        .endMetadata()
                        .withStringData(Map.of("objstore.yml", objstoreConfig(ns)))
                        .build())
                .create();
        createObjectStore(client, ns);
        long t0 = System.nanoTime();
        helm.install(valuesFiles);
        RealStack stack = new RealStack(cluster, release, helm, (System.nanoTime() - t0) / 1e9);
        stack.scaleGrafanaToZero();
        return stack;
    }

    /**
     * {@code helm upgrade} of this release to {@code helm}'s chart and version with these values
     * files, which render {@code release}; returns once Helm has applied it (rollouts still running)
     * with the stack as it now is. Helm's three-way merge sets Grafana's replicas back to the chart's:
     * scaled to 0 again at once.
     */
    RealStack upgrade(HelmRelease to, List<Path> valuesFiles, RenderedRelease upgraded) {
        to.upgrade(valuesFiles);
        RealStack stack = new RealStack(cluster, upgraded, to, installSeconds);
        stack.scaleGrafanaToZero();
        return stack;
    }

    private void scaleGrafanaToZero() {
        cluster.client()
                .apps()
                .deployments()
                .inNamespace(RealPodsProfile.NAMESPACE)
                .withName(grafanaDeployment())
                .scale(0);
    }

    static String objstoreConfig(String namespace) {
        return "type: S3\nconfig:\n  bucket: " + BUCKET + "\n  endpoint: " + OBJECT_STORE + "." + namespace
                + ".svc.cluster.local:9000\n  insecure: true\n  access_key: test\n  secret_key: test-secret\n";
    }

    /**
     * The bucket: one gofakes3 pod (in memory), its Service, and a NetworkPolicy admitting the
     * namespace's pods on its port: the chart's default deny covers every pod in the namespace.
     */
    private static void createObjectStore(KubernetesClient client, String ns) {
        TestPods.createService(
                client,
                ns,
                OBJECT_STORE,
                new ContainerBuilder()
                        .withName("s3")
                        .withImage(PodImages.OBJECT_STORE)
                        .withArgs("-backend", "memory", "-initialbucket", BUCKET, "-host", ":9000", "-quiet")
                        .build(),
                9000,
                Map.of());
    }

    /** Uninstalls the release, deletes its namespace and recycles the volumes it released, for the next class. */
    void uninstall() {
        helm.uninstallIfPresent();
        ReleaseNamespace.delete(cluster.client(), RealPodsProfile.NAMESPACE);
        cluster.recycleReleasedVolumes();
    }

    /** Waits until every pod of the release (Grafana's excepted) and the bucket are Running and Ready by their own probes. */
    double awaitReady(Duration atMost) {
        long t0 = System.nanoTime();
        int expected = expectedPods();
        await("all " + expected + " pods of the release Ready")
                .atMost(atMost)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    List<Pod> pods = releasePods();
                    assertThat(pods.stream().filter(RealStack::ready).count())
                            .as("Ready pods of the release; not Ready: %s", notReady(pods))
                            .isEqualTo(expected);
                });
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Pods the release runs in this profile: every workload's replicas, Grafana's excepted. */
    int expectedPods() {
        return workloadReplicas().values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Each Deployment and StatefulSet of the release, Grafana's excepted, to its desired replicas. */
    Map<String, Integer> workloadReplicas() {
        Map<String, Integer> replicas = new TreeMap<>();
        for (HasMetadata o : release.objects()) {
            if (o.getMetadata().getName().equals(grafanaDeployment())) {
                continue;
            }
            if (o instanceof Deployment d) {
                replicas.put(d.getMetadata().getName(), d.getSpec().getReplicas());
            } else if (o instanceof StatefulSet s) {
                replicas.put(s.getMetadata().getName(), s.getSpec().getReplicas());
            }
        }
        return replicas;
    }

    /** The release's running pods (its workloads' pods; not the bucket, not test pods). */
    List<Pod> releasePods() {
        return cluster
                .client()
                .pods()
                .inNamespace(RealPodsProfile.NAMESPACE)
                .withLabel("app.kubernetes.io/instance", RealPodsProfile.RELEASE)
                .list()
                .getItems()
                .stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                // Owned by a workload: not a test's probe pod wearing the release's labels.
                .filter(p -> !p.getMetadata().getOwnerReferences().isEmpty())
                .filter(p -> !"Succeeded".equals(p.getStatus().getPhase())
                        && !"Failed".equals(p.getStatus().getPhase()))
                .collect(Collectors.toList());
    }

    /** Each pod that is not Ready, with its phase and every container's readiness, restarts and waiting reason. */
    private static String notReady(List<Pod> pods) {
        return pods.stream()
                .filter(p -> !ready(p))
                .map(p -> p.getMetadata().getName() + " on " + p.getSpec().getNodeName() + " ("
                        + p.getStatus().getPhase() + ": "
                        + (p.getStatus().getContainerStatuses() == null
                                ? "no container status"
                                : p.getStatus().getContainerStatuses().stream()
                                        .map(c -> c.getName() + " ready=" + c.getReady() + " restarts="
                                                + c.getRestartCount()
                                                + (c.getState().getWaiting() == null
                                                        ? ""
                                                        : " waiting "
                                                                + c.getState()
                                                                        .getWaiting()
                                                                        .getReason()))
                                        .collect(Collectors.joining(", ")))
                        + ")")
                .collect(Collectors.joining("; ", "[", "]"));
    }

    static boolean ready(Pod pod) {
        List<PodCondition> conditions =
                pod.getStatus() == null ? null : pod.getStatus().getConditions();
        return "Running".equals(pod.getStatus().getPhase())
                && conditions != null
                && conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    String grafanaDeployment() {
        return RealPodsProfile.RELEASE + "-grafana";
    }

    RenderedRelease release() {
        return release;
    }

    HelmRelease helm() {
        return helm;
    }

    PodCluster cluster() {
        return cluster;
    }

    double installSeconds() {
        return installSeconds;
    }

    static Pod probePod(String name, Map<String, String> labels) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .withSpec(TestPods.restrictedSpec(new ContainerBuilder()
                        .withName("probe")
                        .withImage(RealPodsProfile.testImage())
                        .withCommand("sleep", "infinity")
                        .build()))
                .build();
    }
}
