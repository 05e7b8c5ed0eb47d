package dev.hamonitoring.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The prod overlay on a cluster too small for it: one zone of two nodes. The hard hostname
 * anti-affinity must leave the third replica of every three-replica component Pending instead of
 * stacking two replicas on one node.
 */
@ExtendWith(ClusterExtension.class)
@DisplayName("The prod overlay on 1 zone x 2 nodes")
class SmallClusterIT {

    private static final String RELEASE = "small";
    private static final String NAMESPACE = "monitoring-small";

    private static StackUnderTest stack;

    @BeforeAll
    static void install() {
        ControlPlane plane = ClusterExtension.controlPlane();
        stack = StackUnderTest.of(plane, RELEASE, NAMESPACE);
        List<Path> values = List.of(StackUnderTest.overlay("prod"), StackUnderTest.testProfile());
        plane.topology(ClusterTopology.zones(1)
                .nodesPerZone(2)
                .monitoringPool()
                .volumes(LocalVolumes.forRelease(stack.render(values))));
        stack.prepare();
        stack.install(values);
    }

    @AfterAll
    static void uninstall() {
        if (stack != null) {
            stack.remove();
        }
    }

    @Test
    @DisplayName(
            "the hard anti-affinity leaves the third Alertmanager (and every other third replica) Pending, saying so in PodScheduled=False and a FailedScheduling event")
    void thirdReplicaPending() {
        // Every component: two replicas Ready (one per node), the rest Pending.
        await("two replicas of each component Ready, the rest unschedulable")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    for (ReleaseWorkloads.Component c : stack.workloads.components()) {
                        List<Pod> pods = stack.workloads.livePods(c);
                        assertThat(pods).as("pods of %s", c.name()).hasSize(c.replicas());
                        assertThat(stack.workloads.ready(c))
                                .as("Ready pods of %s", c.name())
                                .isEqualTo(Math.min(2, c.replicas()));
                        assertThat(pods.stream()
                                        .filter(p -> ReleaseWorkloads.scheduledMessage(p)
                                                .isPresent())
                                        .count())
                                .as("unschedulable pods of %s", c.name())
                                .isEqualTo(Math.max(0, c.replicas() - 2));
                    }
                });

        ReleaseWorkloads.Component alertmanager = stack.workloads.component("alertmanager");
        assertThat(alertmanager.replicas()).isEqualTo(3);
        List<Pod> pending = stack.workloads.livePods(alertmanager).stream()
                .filter(p -> p.getSpec().getNodeName() == null)
                .collect(Collectors.toList());
        assertThat(pending).as("Pending Alertmanager pods").hasSize(1);
        Pod third = pending.get(0);
        assertThat(ReleaseWorkloads.scheduledMessage(third))
                .as("PodScheduled condition of %s", third.getMetadata().getName())
                .hasValueSatisfying(m -> assertThat(m)
                        .startsWith("Unschedulable: ")
                        .contains("0/2 nodes are available")
                        .contains("didn't match pod anti-affinity rules"));
        await("FailedScheduling event of " + third.getMetadata().getName())
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> stack.eventsFor("Pod", third.getMetadata().getName()).stream()
                        .anyMatch(e -> "FailedScheduling".equals(e.getReason())));
        List<Event> events = stack.eventsFor("Pod", third.getMetadata().getName());
        assertThat(events)
                .filteredOn(e -> "FailedScheduling".equals(e.getReason()))
                .extracting(Event::getMessage)
                .anySatisfy(m -> assertThat(m).contains("didn't match pod anti-affinity rules"));

        List<String> summary = new ArrayList<>();
        Map<String, List<Pod>> pods = stack.workloads.podsByComponent(stack.workloads.components());
        pods.forEach((c, list) -> {
            long waiting =
                    list.stream().filter(p -> p.getSpec().getNodeName() == null).count();
            if (waiting > 0) {
                summary.add(c + " " + waiting);
            }
        });
        ClusterReport.number(
                "prod 1x2: Pending pods (anti-affinity)",
                String.join(", ", summary) + "; alertmanager says: "
                        + ReleaseWorkloads.scheduledMessage(third).orElse(""));
    }
}
