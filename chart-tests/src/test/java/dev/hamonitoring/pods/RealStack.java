package dev.hamonitoring.pods;

import static org.awaitility.Awaitility.await;

import dev.hamonitoring.cluster.HelmRelease;
import dev.hamonitoring.cluster.ReleaseNamespace;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The profile's release installed into a {@link RealCluster} the way a user would: the namespace
 * (Pod Security {@code restricted}) with the Secrets the overlay names, then {@code helm install}
 * with the prod overlay and the profile. Before it, the test-only S3 bucket ({@link
 * PodImages#OBJECT_STORE}) that the {@code thanos-objstore} Secret points at; after it, Grafana
 * scaled to 0 (no image: see {@link RealPodsProfile}).
 */
final class RealStack {

    static final String OBJECT_STORE = "test-objstore";
    static final String BUCKET = "thanos";

    private final RealCluster cluster;
    private final RenderedRelease release;
    private final HelmRelease helm;
    private final double installSeconds;

    private RealStack(RealCluster cluster, RenderedRelease release, HelmRelease helm, double installSeconds) {
        this.cluster = cluster;
        this.release = release;
        this.helm = helm;
        this.installSeconds = installSeconds;
    }

    /** Installs the profile's release and returns once it is installed (not yet Ready: see {@link #awaitReady}). */
    static RealStack install(RealCluster cluster) {
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
        HelmRelease helm =
                new HelmRelease(cluster.kubeconfig(), ProjectPaths.umbrellaChart(), RealPodsProfile.RELEASE, ns);
        helm.install(RealPodsProfile.valuesFiles());
        RealStack stack = new RealStack(cluster, RealPodsProfile.render(), helm, (System.nanoTime() - t0) / 1e9);
        client.apps()
                .deployments()
                .inNamespace(ns)
                .withName(stack.grafanaDeployment())
                .scale(0);
        return stack;
    }

    static String objstoreConfig(String namespace) {
        return "type: S3\nconfig:\n  bucket: " + BUCKET + "\n  endpoint: " + OBJECT_STORE + "." + namespace
                + ".svc.cluster.local:9000\n  insecure: true\n  access_key: test\n  secret_key: test-secret\n";
    }

    /**
     * The bucket: one gofakes3 pod (in memory), its Service, and a NetworkPolicy admitting the
     * release's pods on its port: the chart's default deny covers every pod in the namespace.
     */
    private static void createObjectStore(KubernetesClient client, String ns) {
        Map<String, String> labels = Map.of("app.kubernetes.io/name", OBJECT_STORE);
        client.apps()
                .deployments()
                .inNamespace(ns)
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName(OBJECT_STORE)
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(1)
                        .withNewSelector()
                        .withMatchLabels(labels)
                        .endSelector()
                        .withNewTemplate()
                        .withNewMetadata()
                        .withLabels(labels)
                        .endMetadata()
                        .withSpec(TestPods.restrictedSpec(new ContainerBuilder()
                                .withName("s3")
                                .withImage(PodImages.OBJECT_STORE)
                                .withArgs("-backend", "memory", "-initialbucket", BUCKET, "-host", ":9000", "-quiet")
                                .build()))
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();
        client.services()
                .inNamespace(ns)
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withName(OBJECT_STORE)
                        .endMetadata()
                        .withNewSpec()
                        .withSelector(labels)
                        .addNewPort()
                        .withPort(9000)
                        .withTargetPort(new IntOrString(9000))
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        client.network()
                .v1()
                .networkPolicies()
                .inNamespace(ns)
                .resource(new NetworkPolicyBuilder()
                        .withNewMetadata()
                        .withName(OBJECT_STORE)
                        .endMetadata()
                        .withNewSpec()
                        .withNewPodSelector()
                        .withMatchLabels(labels)
                        .endPodSelector()
                        .addNewIngress()
                        .addNewFrom()
                        .withNewPodSelector()
                        .endPodSelector()
                        .endFrom()
                        .addNewPort()
                        .withPort(new IntOrString(9000))
                        .endPort()
                        .endIngress()
                        .withPolicyTypes("Ingress")
                        .endSpec()
                        .build())
                .create();
    }

    /** Waits until every pod of the release (Grafana's excepted) and the bucket are Running and Ready by their own probes. */
    double awaitReady(Duration atMost) {
        long t0 = System.nanoTime();
        int expected = expectedPods();
        await("all " + expected + " pods of the release Ready")
                .atMost(atMost)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> releasePods().stream().filter(RealStack::ready).count() == expected);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Pods the release runs in this profile: every workload's replicas, Grafana's excepted. */
    int expectedPods() {
        return release.objects().stream()
                .filter(o -> !o.getMetadata().getName().equals(grafanaDeployment()))
                .mapToInt(o -> o instanceof Deployment d
                        ? d.getSpec().getReplicas()
                        : o instanceof StatefulSet s ? s.getSpec().getReplicas() : 0)
                .sum();
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

    RealCluster cluster() {
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
