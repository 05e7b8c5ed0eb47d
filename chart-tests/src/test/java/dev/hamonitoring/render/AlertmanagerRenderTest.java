package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Alertmanager")
class AlertmanagerRenderTest {

    private static List<String> args(RenderedRelease release, String statefulSet) {
        return release.one(StatefulSet.class, statefulSet)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs();
    }

    @Nested
    @DisplayName("in the prod overlay")
    class Prod {

        private final RenderedRelease prod = Releases.overlay("prod");
        private final StatefulSet alertmanager = prod.one(StatefulSet.class, "monitoring-alertmanager");

        @Test
        @DisplayName("runs three replicas whose peer list names every StatefulSet ordinal")
        void peersPerOrdinal() {
            assertThat(alertmanager.getSpec().getReplicas()).isEqualTo(3);
            assertThat(args(prod, "monitoring-alertmanager"))
                    .filteredOn(a -> a.startsWith("--cluster.peer="))
                    .containsExactly(
                            "--cluster.peer=monitoring-alertmanager-0.monitoring-alertmanager-headless.monitoring.svc.cluster.local:9094",
                            "--cluster.peer=monitoring-alertmanager-1.monitoring-alertmanager-headless.monitoring.svc.cluster.local:9094",
                            "--cluster.peer=monitoring-alertmanager-2.monitoring-alertmanager-headless.monitoring.svc.cluster.local:9094");
        }

        @Test
        @DisplayName("gossips over a headless Service on 9094 TCP and UDP that lists pods before they are ready")
        void gossipService() {
            Service headless = prod.one(Service.class, "monitoring-alertmanager-headless");
            assertThat(alertmanager.getSpec().getServiceName()).isEqualTo("monitoring-alertmanager-headless");
            assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
            assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
            assertThat(headless.getSpec().getPorts())
                    .filteredOn(p -> p.getPort() == 9094)
                    .extracting(ServicePort::getProtocol)
                    .containsExactlyInAnyOrder("TCP", "UDP");
        }

        @Test
        @DisplayName("keeps silences and the notification log on a volume")
        void persistentState() {
            assertThat(alertmanager.getSpec().getVolumeClaimTemplates()).hasSize(1);
            assertThat(args(prod, "monitoring-alertmanager")).contains("--storage.path=/alertmanager");
        }

        @Test
        @DisplayName("keeps two of three replicas through voluntary disruptions")
        void budget() {
            assertThat(prod.one(PodDisruptionBudget.class, "monitoring-alertmanager")
                            .getSpec()
                            .getMinAvailable()
                            .getIntVal())
                    .isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("in the dev overlay")
    class Dev {

        private final RenderedRelease dev = Releases.overlay("dev");

        @Test
        @DisplayName("runs alone: one peer (itself) and no PodDisruptionBudget")
        void single() {
            assertThat(args(dev, "monitoring-alertmanager-ephemeral"))
                    .filteredOn(a -> a.startsWith("--cluster.peer="))
                    .containsExactly(
                            "--cluster.peer=monitoring-alertmanager-ephemeral-0.monitoring-alertmanager-headless.monitoring.svc.cluster.local:9094");
            assertThat(dev.find(PodDisruptionBudget.class, "monitoring-alertmanager"))
                    .isEmpty();
        }
    }
}
