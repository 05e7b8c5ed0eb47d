package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Under disk pressure the kubelet evicts pods without ephemeral-storage requests first, and a pod
 * whose emptyDirs and logs outgrow its containers' limits: every container declares both, from its
 * own component's values.
 */
@DisplayName("Ephemeral storage")
class EphemeralStorageRenderTest {

    private static final String EPHEMERAL = "ephemeral-storage";

    /** Containers (workload/container) whose resources lack an ephemeral-storage request or limit. */
    static List<String> undeclared(Map<String, Container> containers) {
        List<String> missing = new ArrayList<>();
        containers.forEach((name, c) -> {
            ResourceRequirements r = c.getResources();
            if (r == null || r.getRequests() == null || !r.getRequests().containsKey(EPHEMERAL)) {
                missing.add(name + " requests");
            }
            if (r == null || r.getLimits() == null || !r.getLimits().containsKey(EPHEMERAL)) {
                missing.add(name + " limits");
            }
        });
        return missing;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prod", "staging", "dev"})
    @DisplayName("every container of every overlay declares an ephemeral-storage request and limit")
    void everyContainer(String environment) {
        assertThat(undeclared(ProbesRenderTest.containers(Releases.overlay(environment))))
                .isEmpty();
        assertThat(undeclared(ProbesRenderTest.containers(Releases.overlay("prod", "loki-on"))))
                .isEmpty();
    }

    @Test
    @DisplayName("the check catches a container without them")
    void checkFails() {
        Container grafana = new ContainerBuilder(
                        ProbesRenderTest.containers(Releases.overlay("prod")).get("monitoring-grafana/grafana"))
                .build();
        grafana.getResources().getLimits().remove(EPHEMERAL);
        assertThat(undeclared(Map.of("g/grafana", grafana))).containsExactly("g/grafana limits");
    }

    @ParameterizedTest(name = "{0}: request {1}, limit {2}")
    @CsvSource({
        "monitoring-prometheus/prometheus, 256Mi, 1Gi",
        "monitoring-prometheus/thanos-sidecar, 128Mi, 512Mi",
        "monitoring-thanos-query/thanos-query, 128Mi, 1Gi",
        "monitoring-thanos-store/thanos-store, 256Mi, 1Gi",
        "monitoring-alertmanager/alertmanager, 64Mi, 256Mi",
        "monitoring-grafana/grafana, 512Mi, 2Gi",
        "monitoring-redis/redis, 64Mi, 256Mi",
        "monitoring-redis/sentinel, 32Mi, 128Mi",
        "monitoring-redis-haproxy/haproxy, 32Mi, 128Mi",
        "monitoring-loki-read/loki, 512Mi, 2Gi",
    })
    @DisplayName("values per component (prod)")
    void perComponent(String container, String request, String limit) {
        ResourceRequirements r = ProbesRenderTest.containers(Releases.overlay("prod", "loki-on"))
                .get(container)
                .getResources();
        assertThat(r.getRequests()).containsEntry(EPHEMERAL, new Quantity(request));
        assertThat(r.getLimits()).containsEntry(EPHEMERAL, new Quantity(limit));
    }

    @Test
    @DisplayName("PostgreSQL's instances get theirs through the CloudNativePG Cluster's resources")
    void postgresql() {
        GenericKubernetesResource cluster =
                (GenericKubernetesResource) Releases.overlay("prod").oneOfKind("Cluster", "monitoring-postgresql");
        Map<String, Map<String, Object>> resources = cluster.get("spec", "resources");
        assertThat(resources.get("requests")).containsEntry(EPHEMERAL, "512Mi");
        assertThat(resources.get("limits")).containsEntry(EPHEMERAL, "2Gi");
    }

    @Test
    @DisplayName("dev keeps data in emptyDirs: each pod's limit holds its data volume's sizeLimit")
    void devLimitsHoldEmptyDirs() {
        RenderedRelease dev = Releases.overlay("dev");
        int checked = 0;
        for (HasMetadata workload : Releases.workloads(dev)) {
            for (Volume volume : Releases.podSpec(workload).getVolumes()) {
                if (volume.getEmptyDir() == null
                        || volume.getEmptyDir().getSizeLimit() == null
                        || !"data".equals(volume.getName())) {
                    continue;
                }
                long limits = Releases.podSpec(workload).getContainers().stream()
                        .mapToLong(c -> Quantity.getAmountInBytes(
                                        c.getResources().getLimits().get(EPHEMERAL))
                                .longValue())
                        .sum();
                assertThat(limits)
                        .as(workload.getMetadata().getName())
                        .isGreaterThan(
                                Quantity.getAmountInBytes(volume.getEmptyDir().getSizeLimit())
                                        .longValue());
                checked++;
            }
        }
        assertThat(checked)
                .as("dev's ephemeral data volumes: Prometheus, store gateway, compactor, Alertmanager")
                .isEqualTo(4);
    }
}
