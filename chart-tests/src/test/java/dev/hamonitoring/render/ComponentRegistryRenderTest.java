package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hamonitoring.analysis.ValuesKeys;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The component registry (common.components): every workload carries its values key, the key and
 * the component name follow one naming rule, and the NetworkPolicies cover the same components.
 */
@DisplayName("The component registry")
class ComponentRegistryRenderTest {

    /** prod with Loki on: every component of the registry that runs pods outside helm test. */
    private final RenderedRelease release = Releases.overlay("prod", "loki-on");

    /** The component name a values key gives: "." as "-", camelCase as kebab-case. */
    static String componentName(String valuesKey) {
        return valuesKey
                .replace('.', '-')
                .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                .toLowerCase();
    }

    private List<HasMetadata> podOwners() {
        List<HasMetadata> owners = new ArrayList<>(Releases.workloads(release));
        owners.addAll(release.ofKind("Cluster"));
        return owners;
    }

    @Test
    @DisplayName("annotates every workload with a values key whose name rule gives its component label")
    void everyWorkloadNamesItsKey() throws IOException {
        JsonNode values = new ObjectMapper(new YAMLFactory())
                .readTree(ProjectPaths.umbrellaChart().resolve("values.yaml").toFile());
        List<String> keys = new ArrayList<>();
        for (HasMetadata owner : podOwners()) {
            String name = owner.getMetadata().getName();
            Map<String, String> annotations = owner.getMetadata().getAnnotations();
            assertThat(annotations).as(name).containsKey(ValuesKeys.ANNOTATION);
            String key = annotations.get(ValuesKeys.ANNOTATION);
            assertThat(componentName(key))
                    .as(name)
                    .isEqualTo(owner.getMetadata().getLabels().get("app.kubernetes.io/name"));
            JsonNode block = values.at("/" + key.replace('.', '/'));
            // A DaemonSet has no replica count: its block is recognised by its image and resources.
            assertThat(block.has("replicas")
                            || block.has("instances")
                            || (owner.getKind().equals("DaemonSet") && block.has("image") && block.has("resources")))
                    .as(key + " is a component block of values.yaml")
                    .isTrue();
            keys.add(key);
        }
        assertThat(keys)
                .contains(
                        "prometheus",
                        "thanos.query",
                        "thanos.queryFrontend",
                        "thanos.store",
                        "thanos.compactor",
                        "alertmanager",
                        "grafana",
                        "postgresql",
                        "redis",
                        "redis.haproxy",
                        "loki.write",
                        "loki.read",
                        "loki.backend",
                        "kubeStateMetrics",
                        "nodeExporter");
    }

    @Test
    @DisplayName("tells a values key whose name does not give its component (negative twin of the name rule)")
    void nameRuleCatchesMismatch() {
        assertThat(componentName("thanos.queryFrontend")).isEqualTo("thanos-query-frontend");
        assertThat(componentName("redis.haproxy")).isEqualTo("redis-haproxy");
        assertThat(componentName("kubeStateMetrics")).isEqualTo("kube-state-metrics");
        assertThat(componentName("thanos.storeGateway")).isNotEqualTo("thanos-store");
    }

    @Test
    @DisplayName("gives every workload's component a NetworkPolicy, and the helm test Pod one too")
    void policiesForTheSameComponents() {
        List<String> policies = release.all(NetworkPolicy.class).stream()
                .map(p -> p.getMetadata().getName())
                .toList();
        for (HasMetadata owner : podOwners()) {
            assertThat(policies)
                    .contains("monitoring-" + owner.getMetadata().getLabels().get("app.kubernetes.io/name") + "-net");
        }
        assertThat(policies).contains("monitoring-tests-net");
        assertThat(Releases.overlay("prod").all(NetworkPolicy.class))
                .extracting(p -> p.getMetadata().getName())
                .as("Loki off: no Loki policies")
                .noneMatch(n -> n.startsWith("monitoring-loki-"));
    }
}
