package dev.hamonitoring.analysis.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Scheduling semantics of the failure analysis")
class SchedulerTest {

    private static final Map<String, String> LABELS =
            Map.of("app.kubernetes.io/name", "demo", "app.kubernetes.io/instance", "monitoring");

    private static StackModel stack(int replicas, UnaryOperator<PodSpecBuilder> spec) {
        HasMetadata sts = new StatefulSetBuilder()
                .withNewMetadata()
                .withName("monitoring-demo")
                .withNamespace("monitoring")
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withServiceName("monitoring-demo")
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(LABELS)
                .endMetadata()
                .withSpec(spec.apply(new PodSpecBuilder()
                                .addNewContainer()
                                .withName("demo")
                                .withImage("example/demo:1")
                                .endContainer())
                        .build())
                .endTemplate()
                .endSpec()
                .build();
        return new StackModel(List.of(sts), "monitoring", "monitoring");
    }

    private static PodSpecBuilder hostnameAntiAffinity(PodSpecBuilder spec) {
        return spec.withNewAffinity()
                .withNewPodAntiAffinity()
                .addNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withTopologyKey(Topology.HOSTNAME_KEY)
                .withNewLabelSelector()
                .withMatchLabels(LABELS)
                .endLabelSelector()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .endAffinity();
    }

    private static TopologySpreadConstraintBuilder zoneSpread() {
        return new TopologySpreadConstraintBuilder()
                .withMaxSkew(1)
                .withTopologyKey(Topology.ZONE_KEY)
                .withWhenUnsatisfiable("DoNotSchedule")
                .withLabelSelector(
                        new LabelSelectorBuilder().withMatchLabels(LABELS).build());
    }

    private static FailureAnalysis.WorkloadSurvival only(StackModel stack, Topology topology) {
        return FailureAnalysis.run(stack, topology).results().get(0);
    }

    @Nested
    @DisplayName("required anti-affinity on the hostname")
    class HostnameAntiAffinity {

        @Test
        @DisplayName("leaves the replicas beyond the node count Pending, with the reason")
        void morePodsThanNodes() {
            FailureAnalysis.WorkloadSurvival r =
                    only(stack(4, SchedulerTest::hostnameAntiAffinity), Topology.preset("1x3", NodePool.none()));
            assertThat(r.pending()).isEqualTo(1);
            assertThat(r.pendingReason()).startsWith("required pod anti-affinity on kubernetes.io/hostname");
        }

        @Test
        @DisplayName("loses one replica per node, at worst")
        void oneReplicaPerNode() {
            FailureAnalysis.WorkloadSurvival r =
                    only(stack(3, SchedulerTest::hostnameAntiAffinity), Topology.preset("1x3", NodePool.none()));
            assertThat(r.nodeLoss().remaining()).isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("what is left after a loss")
    class Survivors {

        @Test
        @DisplayName("places every replica again on the nodes left after losing one of four")
        void oneNodeLost() {
            Topology left = Topology.preset("1x4", NodePool.none()).without(List.of("zone-a-4"));
            FailureAnalysis.WorkloadSurvival r = only(stack(3, SchedulerTest::hostnameAntiAffinity), left);
            assertThat(left.nodes()).extracting(Node::name).containsExactly("zone-a-1", "zone-a-2", "zone-a-3");
            assertThat(r.pending()).isZero();
        }

        @Test
        @DisplayName(
                "leaves a replica Pending when the survivors are fewer than the replicas that must not share a node")
        void tooFewSurvivors() {
            Topology left =
                    Topology.preset("3x2", NodePool.none()).without(List.of("zone-a-1", "zone-a-2", "zone-b-1"));
            FailureAnalysis.WorkloadSurvival r = only(stack(4, SchedulerTest::hostnameAntiAffinity), left);
            assertThat(left.zones()).containsExactly("zone-b", "zone-c");
            assertThat(r.pending()).isEqualTo(1);
        }

        @Test
        @DisplayName("refuses a loss that names no node of the topology")
        void unknownNode() {
            Topology topology = Topology.preset("1x2", NodePool.none());
            assertThatThrownBy(() -> topology.without(List.of("zone-z-9")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("zone-z-9");
        }
    }

    @Nested
    @DisplayName("topology spread constraints (DoNotSchedule)")
    class Spread {

        @Test
        @DisplayName("with maxSkew 1 over three zones, at most two of four replicas share a zone")
        void maxSkewBoundsTheWorstZone() {
            FailureAnalysis.WorkloadSurvival r = only(
                    stack(4, s -> s.withTopologySpreadConstraints(zoneSpread().build())),
                    Topology.preset("3x2", NodePool.none()));
            assertThat(r.zoneLoss().remaining()).isEqualTo(2);
            assertThat(r.pending()).isZero();
        }

        @Test
        @DisplayName("count a tainted zone as a domain by default (nodeTaintsPolicy Ignore), leaving a pod Pending")
        void taintedZoneCountsByDefault(@TempDir Path dir) throws Exception {
            Topology topology = taintedThirdZone(dir);
            FailureAnalysis.WorkloadSurvival r = only(
                    stack(3, s -> s.withTopologySpreadConstraints(zoneSpread().build())), topology);
            assertThat(r.pending()).isEqualTo(1);
            assertThat(r.pendingReason())
                    .contains(
                            "topology spread on topology.kubernetes.io/zone (maxSkew 1, DoNotSchedule) would reach skew 2");
        }

        @Test
        @DisplayName("ignore a zone whose taints the pod does not tolerate with nodeTaintsPolicy Honor")
        void honorTaintsExcludesTheZone(@TempDir Path dir) throws Exception {
            Topology topology = taintedThirdZone(dir);
            FailureAnalysis.WorkloadSurvival r = only(
                    stack(
                            3,
                            s -> s.withTopologySpreadConstraints(
                                    zoneSpread().withNodeTaintsPolicy("Honor").build())),
                    topology);
            assertThat(r.pending()).isZero();
            assertThat(r.eligibleZones()).containsExactly("zone-a", "zone-b");
        }

        @Test
        @DisplayName("treat the global minimum as 0 while fewer domains than minDomains exist")
        void minDomains() {
            FailureAnalysis.WorkloadSurvival r = only(
                    stack(
                            3,
                            s -> s.withTopologySpreadConstraints(
                                    zoneSpread().withMinDomains(3).build())),
                    Topology.preset("2x2", NodePool.none()));
            assertThat(r.pending()).isEqualTo(1);
        }

        private Topology taintedThirdZone(Path dir) throws Exception {
            Path file = dir.resolve("nodes.yaml");
            Files.writeString(file, """
                    nodes:
                      - {name: a1, zone: zone-a}
                      - {name: a2, zone: zone-a}
                      - {name: b1, zone: zone-b}
                      - {name: b2, zone: zone-b}
                      - {name: c1, zone: zone-c, taints: ["gpu=true:NoSchedule"]}
                    """);
            return Topology.load(file);
        }
    }

    @Nested
    @DisplayName("soft rules")
    class SoftRules {

        @Test
        @DisplayName("are assumed against us: preferred zone anti-affinity still lets every replica land in one zone")
        void preferredIsNotEnforced() {
            FailureAnalysis.WorkloadSurvival r = only(
                    stack(
                            2,
                            s -> hostnameAntiAffinity(s)
                                    .editAffinity()
                                    .editPodAntiAffinity()
                                    .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                                    .withWeight(50)
                                    .withNewPodAffinityTerm()
                                    .withTopologyKey(Topology.ZONE_KEY)
                                    .withNewLabelSelector()
                                    .withMatchLabels(LABELS)
                                    .endLabelSelector()
                                    .endPodAffinityTerm()
                                    .endPreferredDuringSchedulingIgnoredDuringExecution()
                                    .endPodAntiAffinity()
                                    .endAffinity()),
                    Topology.preset("3x2", NodePool.none()));
            assertThat(r.nodeLoss().survives()).isTrue();
            assertThat(r.zoneLoss().survives()).isFalse();
            assertThat(r.zoneLoss().reason())
                    .contains("zone spreading is not enforced", "2 of 2 replicas in zone zone-a");
        }
    }

    @Nested
    @DisplayName("the node pool")
    class Pool {

        @Test
        @DisplayName("comes from the overlay's nodeSelector and tolerations, and a pool-less node is not eligible")
        void poolLabelsAndTaints() {
            Workload w = stack(
                            1,
                            s -> s.withNodeSelector(Map.of("workload-pool", "monitoring"))
                                    .addNewToleration()
                                    .withKey("dedicated")
                                    .withOperator("Equal")
                                    .withValue("monitoring")
                                    .withEffect("NoSchedule")
                                    .endToleration())
                    .workloads()
                    .get(0);
            NodePool pool = NodePool.parse("workload-pool=monitoring;dedicated=monitoring:NoSchedule");
            Node pooled = Topology.preset("1x1", pool).nodes().get(0);
            Node bare = Topology.preset("1x1", NodePool.none()).nodes().get(0);
            Node taintedOnly = Topology.preset("1x1", NodePool.parse("workload-pool=monitoring;other=x:NoSchedule"))
                    .nodes()
                    .get(0);
            assertThat(Scheduler.staticUnfit(w.podSpec(), pooled)).isNull();
            assertThat(Scheduler.staticUnfit(w.podSpec(), bare))
                    .isEqualTo("node lacks label workload-pool=monitoring (nodeSelector)");
            assertThat(Scheduler.staticUnfit(w.podSpec(), taintedOnly))
                    .isEqualTo("node has taint other=x:NoSchedule that the pod does not tolerate");
        }
    }
}
