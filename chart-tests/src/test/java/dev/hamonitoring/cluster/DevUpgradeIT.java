package dev.hamonitoring.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Release;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.ApiVisitor;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dev overlay on one node, then {@code helm upgrade} to the prod values, then
 * {@code helm uninstall}: the life of a release that grows up. The node carries the monitoring
 * pool's label but not its taint, so both dev pods (no toleration) and prod pods (pool
 * nodeSelector) can use it.
 */
@ExtendWith(ClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("A dev release on one node, upgraded to prod and uninstalled")
class DevUpgradeIT {

    private static final String RELEASE = "grow";
    private static final String NAMESPACE = "monitoring-grow";

    private static StackUnderTest stack;
    private static List<Path> prodValues;
    private static Set<String> claimsBeforeUninstall;

    @BeforeAll
    static void setUp() {
        ControlPlane plane = ClusterExtension.controlPlane();
        stack = StackUnderTest.of(plane, RELEASE, NAMESPACE);
        prodValues = List.of(StackUnderTest.overlay("prod"), StackUnderTest.testProfile());
        plane.topology(ClusterTopology.zones(1)
                .monitoringPoolLabelOnly()
                .volumes(LocalVolumes.forRelease(stack.render(prodValues))));
        stack.prepare();
    }

    @AfterAll
    static void tearDown() {
        if (stack != null) {
            stack.remove();
        }
    }

    @Test
    @Order(1)
    @DisplayName("the dev overlay installs on a single node and every pod becomes Ready")
    void devInstalls() {
        long t0 = System.nanoTime();
        stack.install(List.of(StackUnderTest.overlay("dev")));
        stack.workloads.awaitAllReady(Duration.ofMinutes(2));
        assertThat(stack.workloads.components())
                .as("dev runs one replica of each component")
                .allSatisfy(c -> assertThat(c.replicas()).as(c.name()).isEqualTo(1));
        assertThat(stack.refusals()).as("pods refused (quota, PodSecurity)").isEmpty();
        ClusterReport.number("dev 1 node: install until Ready", StackUnderTest.seconds((System.nanoTime() - t0) / 1e9));
    }

    @Test
    @Order(2)
    @DisplayName(
            "helm upgrade from the dev to the prod values succeeds (no immutable-field errors): every prod workload exists at its prod size and keeps at least one Ready pod")
    void upgradeToProd() {
        RenderedRelease prod = stack.render(prodValues);
        long t0 = System.nanoTime();
        Release release = stack.helm.upgrade(prodValues);
        double helmSeconds = (System.nanoTime() - t0) / 1e9;
        assertThat(release.getStatus()).isEqualTo("deployed");
        assertThat(release.getRevision()).isEqualTo("2");
        Map<String, Integer> expected = new TreeMap<>();
        prod.all(Deployment.class)
                .forEach(d -> expected.put(
                        "Deployment " + d.getMetadata().getName(), d.getSpec().getReplicas()));
        prod.all(StatefulSet.class)
                .forEach(s -> expected.put(
                        "StatefulSet " + s.getMetadata().getName(), s.getSpec().getReplicas()));
        // On one node the hard anti-affinity admits one new pod per component; the others wait.
        // A Deployment whose new pods cannot all be placed keeps its old (dev) ReplicaSet serving,
        // scaled to the new replica count: the rollout stalls, the service does not stop.
        await("prod workloads in place, each with a Ready pod")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    List<ReleaseWorkloads.Component> components = stack.workloads.components();
                    Map<String, Integer> actual = new TreeMap<>();
                    components.forEach(c -> actual.put(c.kind() + " " + c.workload(), c.replicas()));
                    assertThat(actual)
                            .as("workloads and replicas after the upgrade")
                            .isEqualTo(expected);
                    for (ReleaseWorkloads.Component c : components) {
                        assertThat(stack.workloads.ready(c))
                                .as("Ready pods of %s", c.name())
                                .isGreaterThanOrEqualTo(1);
                    }
                });
        assertThat(stack.refusals())
                .as("pods refused after the upgrade (quota, PodSecurity)")
                .isEmpty();
        ClusterReport.number(
                "dev->prod: helm upgrade / until every prod workload has a Ready pod",
                StackUnderTest.seconds(helmSeconds) + " / " + StackUnderTest.seconds((System.nanoTime() - t0) / 1e9));
    }

    @Test
    @Order(3)
    @DisplayName("helm uninstall removes everything but the StatefulSets' retained volume claims")
    void uninstallKeepsOnlyClaims() {
        // The claims the StatefulSets own: <template>-<statefulset>-<ordinal> for every ordinal
        // (podManagementPolicy Parallel, or a single replica, creates every pod and claim at once).
        claimsBeforeUninstall = new TreeSet<>();
        for (StatefulSet sts :
                stack.client.apps().statefulSets().inNamespace(NAMESPACE).list().getItems()) {
            assertThat(sts.getSpec().getReplicas() == 1
                            || "Parallel".equals(sts.getSpec().getPodManagementPolicy()))
                    .as(
                            "%s creates every pod (and claim) at once",
                            sts.getMetadata().getName())
                    .isTrue();
            List<PersistentVolumeClaim> templates = sts.getSpec().getVolumeClaimTemplates();
            for (PersistentVolumeClaim template : templates == null ? List.<PersistentVolumeClaim>of() : templates) {
                for (int i = 0; i < sts.getSpec().getReplicas(); i++) {
                    claimsBeforeUninstall.add(template.getMetadata().getName() + "-"
                            + sts.getMetadata().getName() + "-" + i);
                }
            }
        }
        assertThat(claimsBeforeUninstall).as("claims of the prod StatefulSets").isNotEmpty();
        await("every claim of the StatefulSets created")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> stack.client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems().stream()
                        .map(c -> c.getMetadata().getName())
                        .collect(Collectors.toSet())
                        .containsAll(claimsBeforeUninstall));

        stack.helm.uninstall();

        Set<String> expected = new TreeSet<>();
        claimsBeforeUninstall.forEach(n -> expected.add("PersistentVolumeClaim " + n));
        ReleaseNamespace.secretNames().forEach(n -> expected.add("Secret " + n));
        expected.add("ServiceAccount default");
        expected.add("ConfigMap kube-root-ca.crt");
        await("only the retained claims and the namespace's own objects left")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(namespacedObjects()).isEqualTo(expected));

        for (PersistentVolumeClaim claim : stack.client
                .persistentVolumeClaims()
                .inNamespace(NAMESPACE)
                .list()
                .getItems()) {
            assertThat(claim.getMetadata().getDeletionTimestamp())
                    .as("%s kept", claim.getMetadata().getName())
                    .isNull();
        }
        List<String> clusterScoped = new ArrayList<>();
        for (String plural : List.of("storageclasses", "priorityclasses", "clusterroles", "clusterrolebindings")) {
            clusterScoped.addAll(clusterObjectsOfRelease(plural));
        }
        assertThat(clusterScoped)
                .as("cluster-scoped objects of the release left after uninstall")
                .isEmpty();
        ClusterReport.number(
                "dev->prod: left after uninstall", claimsBeforeUninstall.size() + " PVCs " + claimsBeforeUninstall);
    }

    /** Every object in the namespace, as "Kind name", over every listable namespaced API resource (events excluded). */
    private static Set<String> namespacedObjects() {
        Set<String> objects = new TreeSet<>();
        stack.client.visitResources(new ApiVisitor() {
            @Override
            public ApiVisitResult visitResource(
                    String group,
                    String version,
                    APIResource resource,
                    MixedOperation<
                                    GenericKubernetesResource,
                                    GenericKubernetesResourceList,
                                    Resource<GenericKubernetesResource>>
                            operation) {
                if (Boolean.TRUE.equals(resource.getNamespaced())
                        && resource.getVerbs().contains("list")
                        && !"events".equals(resource.getName())
                        && !resource.getName().contains("/")) {
                    for (GenericKubernetesResource r :
                            operation.inNamespace(NAMESPACE).list().getItems()) {
                        objects.add(resource.getKind() + " " + r.getMetadata().getName());
                    }
                }
                return ApiVisitResult.CONTINUE;
            }
        });
        return objects;
    }

    private static List<String> clusterObjectsOfRelease(String plural) {
        String group = plural.startsWith("storage")
                ? "storage.k8s.io"
                : plural.startsWith("priority") ? "scheduling.k8s.io" : "rbac.authorization.k8s.io";
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion("v1")
                .withPlural(plural)
                .withNamespaced(false)
                .build();
        return stack
                .client
                .genericKubernetesResources(context)
                .withLabel(ReleaseWorkloads.INSTANCE_LABEL, RELEASE)
                .list()
                .getItems()
                .stream()
                .map(r -> plural + "/" + r.getMetadata().getName())
                .collect(Collectors.toList());
    }
}
