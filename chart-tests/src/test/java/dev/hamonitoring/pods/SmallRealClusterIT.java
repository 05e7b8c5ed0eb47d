package dev.hamonitoring.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamonitoring.cluster.ClusterTopology;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The negative twin of {@link RealPodsIT}'s placement: the same release on one zone of two nodes.
 * Prod's required anti-affinity puts at most one replica per node, so every workload of three
 * replicas keeps its third Pending, refused by the real scheduler, while the rest of the stack runs.
 */
@ExtendWith(RealClusterExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The prod overlay on real pods, one zone of two nodes")
class SmallRealClusterIT {

    private PodCluster cluster;
    private RealStack stack;

    @BeforeAll
    void install() {
        cluster = RealClusterExtension.startCluster(
                ClusterTopology.zones(1).nodesPerZone(2).monitoringPool());
        stack = RealStack.install(cluster);
    }

    @AfterAll
    void close() {
        RealClusterExtension.closeOwn(cluster);
    }

    @Test
    @DisplayName("keeps the third replica of every three-replica workload Pending as Unschedulable, and runs two")
    void thirdReplicaPending() {
        Map<String, Integer> replicas = stack.workloadReplicas();
        assertThat(replicas).containsValue(3);
        await("two replicas Running per workload, the rest Unschedulable")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> replicas.forEach((workload, count) -> {
                    List<Pod> pods = stack.releasePods().stream()
                            .filter(p -> p.getMetadata().getName().startsWith(workload + "-"))
                            .filter(p -> RealPods.owner(p).equals(workload))
                            .toList();
                    long ready = pods.stream().filter(RealStack::ready).count();
                    long unschedulable = pods.stream()
                            .filter(SmallRealClusterIT::unschedulable)
                            .count();
                    assertThat(ready).as(workload + " Ready").isEqualTo(Math.min(count, 2));
                    assertThat(unschedulable).as(workload + " Unschedulable").isEqualTo(Math.max(0, count - 2));
                }));
        System.out.printf("[pods] one zone x 2 nodes: replicas %s, third replicas Pending (Unschedulable)%n", replicas);
    }

    private static boolean unschedulable(Pod pod) {
        List<PodCondition> conditions = pod.getStatus().getConditions();
        return "Pending".equals(pod.getStatus().getPhase())
                && conditions != null
                && conditions.stream()
                        .anyMatch(c -> "PodScheduled".equals(c.getType()) && "Unschedulable".equals(c.getReason()));
    }
}
