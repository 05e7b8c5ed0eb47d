package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamonitoring.analysis.checks.ResourceQuotaCheck;
import dev.hamonitoring.analysis.model.Quantities;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Guard rails")
class GuardRailsRenderTest {

    /** Replicated workloads of the prod overlay that the per-workload loops must reach. */
    private static final List<String> REPLICATED_IN_PROD = List.of(
            "monitoring-prometheus",
            "monitoring-thanos-query",
            "monitoring-thanos-query-frontend",
            "monitoring-thanos-store",
            "monitoring-alertmanager",
            "monitoring-grafana",
            "monitoring-redis",
            "monitoring-redis-haproxy");

    private final RenderedRelease prod = Releases.overlay("prod");

    private static Map<String, String> selectorOf(HasMetadata workload) {
        Map<String, String> labels = Releases.podLabels(workload);
        return Map.of(
                "app.kubernetes.io/name",
                labels.get("app.kubernetes.io/name"),
                "app.kubernetes.io/instance",
                labels.get("app.kubernetes.io/instance"));
    }

    @Nested
    @DisplayName("anti-affinity")
    class AntiAffinity {

        @Test
        @DisplayName(
                "keeps the replicas of every replicated workload on distinct nodes, selecting only its own release and component")
        void hardHostname() {
            List<String> checked = new ArrayList<>();
            for (HasMetadata workload : Releases.workloads(prod)) {
                // A DaemonSet places one pod per node by itself.
                if (workload instanceof DaemonSet || Releases.replicas(workload) < 2) {
                    continue;
                }
                checked.add(workload.getMetadata().getName());
                PodSpec spec = Releases.podSpec(workload);
                List<PodAffinityTerm> required =
                        spec.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
                assertThat(required)
                        .as(workload.getMetadata().getName())
                        .singleElement()
                        .satisfies(term -> {
                            assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                            assertThat(term.getLabelSelector().getMatchLabels()).isEqualTo(selectorOf(workload));
                        });
            }
            assertThat(checked).as("replicated workloads checked").containsAll(REPLICATED_IN_PROD);
        }

        @Test
        @DisplayName("spreads every replicated workload over zones with a max skew of 1 in prod")
        void zoneSpread() {
            List<String> checked = new ArrayList<>();
            for (HasMetadata workload : Releases.workloads(prod)) {
                // A DaemonSet places one pod per node by itself.
                if (workload instanceof DaemonSet || Releases.replicas(workload) < 2) {
                    continue;
                }
                checked.add(workload.getMetadata().getName());
                List<TopologySpreadConstraint> spread =
                        Releases.podSpec(workload).getTopologySpreadConstraints();
                assertThat(spread)
                        .as(workload.getMetadata().getName())
                        .singleElement()
                        .satisfies(c -> {
                            assertThat(c.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
                            assertThat(c.getMaxSkew()).isEqualTo(1);
                            assertThat(c.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
                            assertThat(c.getLabelSelector().getMatchLabels()).isEqualTo(selectorOf(workload));
                        });
            }
            assertThat(checked).as("replicated workloads checked").containsAll(REPLICATED_IN_PROD);
        }

        @Test
        @DisplayName("only prefers other nodes and zones in staging-like soft mode, and only nodes in dev")
        void softInDev() {
            RenderedRelease dev = Releases.overlay("dev");
            for (HasMetadata workload : Releases.workloads(dev)) {
                PodSpec spec = Releases.podSpec(workload);
                assertThat(spec.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                        .as(workload.getMetadata().getName())
                        .isNullOrEmpty();
                assertThat(spec.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                        .extracting(w -> w.getPodAffinityTerm().getTopologyKey())
                        .containsExactly("kubernetes.io/hostname");
                assertThat(spec.getTopologySpreadConstraints()).isNullOrEmpty();
            }
        }
    }

    @Nested
    @DisplayName("PodDisruptionBudgets")
    class Budgets {

        @Test
        @DisplayName("exist exactly for the replicated workloads, below their replica count, selecting only them")
        void onlyReplicated() {
            List<PodDisruptionBudget> budgets = prod.all(PodDisruptionBudget.class);
            for (HasMetadata workload : Releases.workloads(prod)) {
                String name = workload.getMetadata().getName();
                if (workload instanceof DaemonSet) {
                    // Its pods are tied to their nodes: a drain removes the node's pod, a budget could only block it.
                    assertThat(budgets)
                            .extracting(b -> b.getMetadata().getName())
                            .doesNotContain(name);
                    continue;
                }
                var budget = budgets.stream()
                        .filter(b -> b.getMetadata().getName().equals(name))
                        .findFirst();
                if (Releases.replicas(workload) > 1) {
                    assertThat(budget).as(name).hasValueSatisfying(b -> {
                        assertThat(b.getSpec().getMinAvailable().getIntVal()).isLessThan(Releases.replicas(workload));
                        assertThat(b.getSpec().getSelector().getMatchLabels()).isEqualTo(selectorOf(workload));
                    });
                } else {
                    assertThat(budget).as(name).isEmpty();
                }
            }
        }

        @ParameterizedTest(name = "{0}.podDisruptionBudget.minAvailable={1} with {2} replicas is refused")
        @CsvSource({"alertmanager,3,3", "grafana,4,3", "prometheus,2,2"})
        @DisplayName("refuse a budget that would block every drain")
        void refuseBlockingBudget(String component, String minAvailable, String replicas) {
            assertThatThrownBy(() -> Releases.render("prod")
                            .set(component + ".podDisruptionBudget.minAvailable", minAvailable)
                            .set(component + ".replicas", replicas)
                            .render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContainingAll(
                            component + ".podDisruptionBudget.minAvailable=" + minAvailable,
                            "set it to " + (Integer.parseInt(replicas) - 1) + " or less");
        }
    }

    @Nested
    @DisplayName("PriorityClasses")
    class Priorities {

        @Test
        @DisplayName("are created per release as monitoring-critical and monitoring-standard")
        void created() {
            assertThat(prod.all(PriorityClass.class))
                    .extracting(p -> p.getMetadata().getName())
                    .containsExactlyInAnyOrder("monitoring-critical", "monitoring-standard");
        }

        @Test
        @DisplayName(
                "put Prometheus, Alertmanager and PostgreSQL on critical, the rest (Thanos Query and Grafana included, as the guide has it) on standard")
        void assigned() {
            Map<String, String> expected = Map.of(
                    "monitoring-prometheus", "monitoring-critical",
                    "monitoring-alertmanager", "monitoring-critical",
                    "monitoring-thanos-query", "monitoring-standard",
                    "monitoring-grafana", "monitoring-standard",
                    "monitoring-thanos-store", "monitoring-standard",
                    "monitoring-thanos-compactor", "monitoring-standard");
            expected.forEach((workload, priority) -> assertThat(Releases.workloads(prod))
                    .filteredOn(w -> w.getMetadata().getName().equals(workload))
                    .singleElement()
                    .satisfies(w -> assertThat(Releases.podSpec(w).getPriorityClassName())
                            .as(workload)
                            .isEqualTo(priority)));
        }

        @Test
        @DisplayName(
                "take a literal class name as it is, also one called standard, and the tier only when no name is given")
        void literalNameApartFromTier() {
            RenderedRelease release = Releases.render("prod")
                    .set("grafana.priorityClassName", "standard")
                    .set("prometheus.priorityClassName", "critical")
                    .set("alertmanager.priorityTier", "")
                    .render();
            assertThat(Releases.podSpec(release.one(Deployment.class, "monitoring-grafana"))
                            .getPriorityClassName())
                    .isEqualTo("standard");
            assertThat(Releases.podSpec(release.one(StatefulSet.class, "monitoring-prometheus"))
                            .getPriorityClassName())
                    .isEqualTo("critical");
            assertThat(Releases.podSpec(release.one(StatefulSet.class, "monitoring-alertmanager"))
                            .getPriorityClassName())
                    .isNull();
            assertThat(Releases.podSpec(prod.one(Deployment.class, "monitoring-grafana"))
                            .getPriorityClassName())
                    .isEqualTo("monitoring-standard");
        }

        @Test
        @DisplayName("refuse a tier the release has no class for, naming the key")
        void unknownTier() {
            assertThatThrownBy(() -> Releases.render("prod")
                            .set("grafana.priorityTier", "medium")
                            .render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining("at '/grafana/priorityTier'");
        }

        @Test
        @DisplayName("are not created when switched off, while pods still reference them by name")
        void switchable() {
            RenderedRelease release = Releases.render("prod")
                    .set("global.priorityClasses.create", "false")
                    .render();
            assertThat(release.all(PriorityClass.class)).isEmpty();
            assertThat(Releases.podSpec(release.one(StatefulSet.class, "monitoring-prometheus"))
                            .getPriorityClassName())
                    .isEqualTo("monitoring-critical");
        }
    }

    @Nested
    @DisplayName("dedicated node pool")
    class NodePool {

        @Test
        @DisplayName("applies its nodeSelector and toleration to every pod of the prod overlay")
        void everyPod() {
            for (HasMetadata workload : Releases.workloads(prod)) {
                PodSpec spec = Releases.podSpec(workload);
                if (workload instanceof DaemonSet) {
                    // node-exporter belongs on every node, not only the pool: it tolerates every taint instead.
                    assertThat(spec.getNodeSelector())
                            .as(workload.getMetadata().getName())
                            .isNullOrEmpty();
                    assertThat(spec.getTolerations())
                            .as(workload.getMetadata().getName())
                            .anySatisfy(t -> assertThat(t.getOperator() + " " + t.getKey())
                                    .isEqualTo("Exists null"));
                    continue;
                }
                assertThat(spec.getNodeSelector())
                        .as(workload.getMetadata().getName())
                        .containsEntry("workload-pool", "monitoring");
                assertThat(spec.getTolerations())
                        .as(workload.getMetadata().getName())
                        .anySatisfy(t -> assertThat(t.getKey() + "=" + t.getValue() + ":" + t.getEffect())
                                .isEqualTo("dedicated=monitoring:NoSchedule"));
            }
        }

        @Test
        @DisplayName("is absent in dev, where pods run anywhere")
        void absentInDev() {
            for (HasMetadata workload : Releases.workloads(Releases.overlay("dev"))) {
                assertThat(Releases.podSpec(workload).getNodeSelector())
                        .as(workload.getMetadata().getName())
                        .isNullOrEmpty();
            }
        }
    }

    @Nested
    @DisplayName("StorageClasses")
    class StorageClasses {

        @ParameterizedTest(name = "provider {0} uses {1}")
        @CsvSource({
            "gce,pd.csi.storage.gke.io",
            "aws,ebs.csi.aws.com",
            "azure,disk.csi.azure.com",
            "local,kubernetes.io/no-provisioner"
        })
        @DisplayName("follow the provider switch and bind where the scheduler places the pod")
        void provider(String provider, String provisioner) {
            RenderedRelease release = Releases.render("prod")
                    .set("global.storageClasses.provider", provider)
                    .render();
            assertThat(release.all(StorageClass.class)).hasSize(2).allSatisfy(sc -> {
                assertThat(sc.getProvisioner()).isEqualTo(provisioner);
                assertThat(sc.getVolumeBindingMode()).isEqualTo("WaitForFirstConsumer");
            });
            assertThat(release.all(StorageClass.class))
                    .extracting(sc -> sc.getMetadata().getName())
                    .containsExactlyInAnyOrder("monitoring-fast-ssd", "monitoring-standard-ssd");
        }

        @Test
        @DisplayName(
                "are chosen by storageTier, while a literal storageClass, also one called standard, is used as it is")
        void literalNameApartFromTier() {
            RenderedRelease release = Releases.render("prod")
                    .set("alertmanager.persistence.storageClass", "standard")
                    .set("postgresql.persistence.storageClass", "fast")
                    .set("thanos.compactor.persistence.storageTier", "")
                    .render();
            assertThat(claimClass(release, "monitoring-alertmanager")).isEqualTo("standard");
            assertThat(claimClass(release, "monitoring-thanos-compactor")).isNull();
            assertThat(((GenericKubernetesResource) release.oneOfKind("Cluster", "monitoring-postgresql"))
                            .<String>get("spec", "storage", "storageClass"))
                    .isEqualTo("fast");
            assertThat(claimClass(prod, "monitoring-alertmanager")).isEqualTo("monitoring-standard-ssd");
            assertThat(claimClass(prod, "monitoring-thanos-compactor")).isEqualTo("monitoring-standard-ssd");
        }

        private static String claimClass(RenderedRelease release, String statefulSet) {
            return release.one(StatefulSet.class, statefulSet)
                    .getSpec()
                    .getVolumeClaimTemplates()
                    .get(0)
                    .getSpec()
                    .getStorageClassName();
        }

        @Test
        @DisplayName("are not created in dev")
        void notInDev() {
            assertThat(Releases.overlay("dev").all(StorageClass.class)).isEmpty();
        }
    }

    @Nested
    @DisplayName("ResourceQuota and LimitRange")
    class Quota {

        /** The resources the computed quota must hold. */
        private static final List<String> QUOTA_RESOURCES = List.of(
                "requests.cpu",
                "requests.memory",
                "limits.cpu",
                "limits.memory",
                "requests.storage",
                "persistentvolumeclaims",
                "pods");

        /**
         * Quota resources whose hard limit is below what the release's pod templates need during a
         * rollout, as the HA analysis reads them from the rendered objects (strategies, replicas,
         * containers, claims) rather than from the chart's own arithmetic. Fails on a hard limit
         * nothing was compared with.
         */
        private static List<String> shortResources(Map<String, Quantity> hard, StackModel stack) {
            Map<String, ResourceQuotaCheck.Need> needs = ResourceQuotaCheck.needs(stack);
            List<String> isShort = new ArrayList<>();
            hard.forEach((resource, limit) -> {
                assertThat(needs).as("a need for quota resource " + resource).containsKey(resource);
                if (needs.get(resource).amount().compareTo(Quantities.amount(limit)) > 0) {
                    isShort.add(resource);
                }
            });
            return isShort;
        }

        @Test
        @DisplayName(
                "size the quota so every pod template × (replicas + rollout surge) and every volume fit, on every resource")
        void quotaFitsRelease() {
            ResourceQuota quota = prod.one(ResourceQuota.class, "monitoring-quota");
            StackModel stack = new StackModel(prod.objects(), "monitoring", "monitoring");
            List<String> podTemplates = new ArrayList<>();
            // The quota binds the release namespace; node-exporter runs in its own.
            Releases.workloads(prod).stream()
                    .filter(w -> w.getMetadata().getNamespace().equals("monitoring"))
                    .forEach(w ->
                            podTemplates.add(w.getKind() + "/" + w.getMetadata().getName()));
            prod.objects().stream()
                    .filter(o -> o.getKind().equals("Cluster"))
                    .forEach(o -> podTemplates.add("Cluster/" + o.getMetadata().getName()));
            assertThat(podTemplates)
                    .as("pod templates of prod")
                    .hasSizeGreaterThanOrEqualTo(REPLICATED_IN_PROD.size() + 2);
            assertThat(stack.workloads()).extracting(Workload::ref).containsAll(podTemplates);
            assertThat(quota.getSpec().getHard()).containsOnlyKeys(QUOTA_RESOURCES);
            assertThat(shortResources(quota.getSpec().getHard(), stack)).isEmpty();
        }

        @Test
        @DisplayName("tell a quota one unit short on any resource (negative twin of the fit check)")
        void quotaShortOfEachResource() {
            StackModel stack = new StackModel(prod.objects(), "monitoring", "monitoring");
            Map<String, Quantity> justShort = new LinkedHashMap<>();
            ResourceQuotaCheck.needs(stack).forEach((resource, need) -> {
                if (QUOTA_RESOURCES.contains(resource)) {
                    justShort.put(
                            resource,
                            new Quantity(need.amount().subtract(BigDecimal.ONE).toPlainString()));
                }
            });
            assertThat(shortResources(justShort, stack)).containsExactlyInAnyOrderElementsOf(QUOTA_RESOURCES);
        }

        @Test
        @DisplayName("refuse an explicit quota below what the release needs, naming the key")
        void refuseSmallQuota() {
            assertThatThrownBy(() -> Releases.render("prod")
                            .set("resourceQuota.hard.requests\\.cpu", "4")
                            .render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContainingAll("resourceQuota.hard.requests.cpu=4", "leave resourceQuota.hard empty");
        }

        @Test
        @DisplayName("set container defaults and a maximum that the stack's own containers respect")
        void limitRange() {
            LimitRange range = prod.one(LimitRange.class, "monitoring-limits");
            assertThat(range.getSpec().getLimits().get(0).getMax()).containsEntry("memory", new Quantity("16Gi"));
            assertThatThrownBy(() -> Releases.render("prod")
                            .set("limitRange.max.memory", "8Gi")
                            .render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContainingAll("limitRange.max.memory=8Gi", "Raise limitRange.max.memory");
        }
    }

    @Nested
    @DisplayName("cross-component guards")
    class CrossComponentGuards {

        @Test
        @DisplayName("report every broken rule of one render in one failure, each naming its key and the fix")
        void everyBrokenRuleAtOnce() {
            assertThatThrownBy(() -> Releases.render("prod")
                            .set("global.thanos.objectStorage.existingSecret", "")
                            .set("grafana.datasources.loki.enabled", "true")
                            .set("global.priorityClasses.critical.value", "1000")
                            .render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining("3 value(s) to change")
                    .hasMessageContainingAll(
                            "global.thanos.objectStorage", "global.thanos.objectStorage.existingSecret")
                    .hasMessageContainingAll("grafana.datasources.loki.url", "loki.enabled")
                    .hasMessageContainingAll(
                            "global.priorityClasses.critical.value=1000",
                            "global.priorityClasses.standard.value=100000");
        }

        @Test
        @DisplayName("report a single broken rule alone")
        void oneBrokenRule() {
            assertThatThrownBy(() -> Releases.render("prod")
                            .set("grafana.datasources.loki.enabled", "true")
                            .render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining("1 value(s) to change")
                    .hasMessageContaining("grafana.datasources.loki.url")
                    .hasMessageNotContainingAny("global.thanos.objectStorage", "global.priorityClasses");
        }
    }

    @Nested
    @DisplayName("NetworkPolicies")
    class NetworkPolicies {

        private NetworkPolicy policy(String name) {
            return prod.one(NetworkPolicy.class, name);
        }

        @Test
        @DisplayName("deny ingress and egress by default for the release's pods only")
        void defaultDeny() {
            NetworkPolicy deny = policy("monitoring-default-deny");
            assertThat(deny.getSpec().getPodSelector().getMatchLabels())
                    .containsExactly(Map.entry("app.kubernetes.io/instance", "monitoring"));
            assertThat(deny.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
            assertThat(deny.getSpec().getIngress()).isNullOrEmpty();
        }

        @ParameterizedTest(name = "{0} may reach {1} on {2}")
        @CsvSource({
            "thanos-query,prometheus,10901",
            "thanos-query,thanos-store,10901",
            "thanos-query-frontend,thanos-query,10902",
            "grafana,thanos-query-frontend,10902",
            "grafana,alertmanager,9093",
            "grafana,postgresql,5432",
            "grafana,redis-haproxy,6379",
            "prometheus,alertmanager,9093",
            "alertmanager,alertmanager,9094",
            "grafana,grafana,9094"
        })
        @DisplayName("allow each real edge of the stack on the receiving and the sending side")
        void edgesAllowed(String from, String to, int port) {
            assertThat(policy("monitoring-" + to + "-net").getSpec().getIngress())
                    .as("ingress of " + to)
                    .anySatisfy(rule -> {
                        assertThat(rule.getFrom())
                                .anySatisfy(
                                        peer -> assertThat(peer.getPodSelector().getMatchLabels())
                                                .containsEntry("app.kubernetes.io/name", from));
                        assertThat(rule.getPorts())
                                .anySatisfy(
                                        p -> assertThat(p.getPort().getIntVal()).isEqualTo(port));
                    });
            assertThat(policy("monitoring-" + from + "-net").getSpec().getEgress())
                    .as("egress of " + from)
                    .anySatisfy(rule -> {
                        assertThat(rule.getTo())
                                .anySatisfy(
                                        peer -> assertThat(peer.getPodSelector().getMatchLabels())
                                                .containsEntry("app.kubernetes.io/name", to));
                        assertThat(rule.getPorts())
                                .anySatisfy(
                                        p -> assertThat(p.getPort().getIntVal()).isEqualTo(port));
                    });
        }

        @Test
        @DisplayName("allow DNS from every component")
        void dns() {
            for (NetworkPolicy policy : prod.all(NetworkPolicy.class)) {
                if (policy.getMetadata().getName().equals("monitoring-default-deny")) {
                    continue;
                }
                assertThat(policy.getSpec().getEgress())
                        .as(policy.getMetadata().getName())
                        .anySatisfy(rule -> assertThat(rule.getPorts())
                                .anySatisfy(
                                        p -> assertThat(p.getPort().getIntVal()).isEqualTo(53)));
            }
        }

        @Test
        @DisplayName("do not let Grafana reach Prometheus directly, nor Query reach Alertmanager")
        void noExtraEdges() {
            assertThat(policy("monitoring-prometheus-net").getSpec().getIngress())
                    .noneSatisfy(rule -> assertThat(rule.getFrom())
                            .anySatisfy(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                                    .containsEntry("app.kubernetes.io/name", "grafana")));
            assertThat(policy("monitoring-alertmanager-net").getSpec().getIngress())
                    .noneSatisfy(rule -> assertThat(rule.getFrom())
                            .anySatisfy(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                                    .containsEntry("app.kubernetes.io/name", "thanos-query")));
        }
    }
}
