package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("PostgreSQL for Grafana")
class PostgresqlRenderTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    @Nested
    @DisplayName("in the prod overlay")
    class Prod {

        private final RenderedRelease prod = Releases.overlay("prod");
        private final Map<String, Object> spec =
                ((GenericKubernetesResource) prod.oneOfKind("Cluster", "monitoring-postgresql")).get("spec");

        @Test
        @DisplayName("is a CloudNativePG cluster of three instances with the guide's database settings")
        void cluster() {
            assertThat(spec.get("instances")).isEqualTo(3);
            assertThat(map(map(spec, "postgresql"), "parameters"))
                    .containsEntry("max_connections", "200")
                    .containsEntry("shared_buffers", "256MB");
            assertThat(map(spec, "storage"))
                    .containsEntry("size", "50Gi")
                    .containsEntry("storageClass", "monitoring-fast-ssd");
            assertThat(map(map(spec, "bootstrap"), "initdb"))
                    .containsEntry("database", "grafana")
                    .containsEntry("owner", "grafana");
        }

        @Test
        @DisplayName("keeps instances on distinct nodes and spreads them over zones")
        void spread() {
            assertThat(map(spec, "affinity"))
                    .containsEntry("enablePodAntiAffinity", true)
                    .containsEntry("podAntiAffinityType", "required")
                    .containsEntry("topologyKey", "kubernetes.io/hostname");
            assertThat(spec.get("topologySpreadConstraints"))
                    .asList()
                    .singleElement()
                    .asString()
                    .contains("topology.kubernetes.io/zone", "DoNotSchedule", "cnpg.io/cluster=monitoring-postgresql");
        }

        @Test
        @DisplayName("labels its pods as the stack's postgresql component, for NetworkPolicies")
        void inheritedLabels() {
            assertThat(map(map(spec, "inheritedMetadata"), "labels"))
                    .containsEntry("app.kubernetes.io/name", "postgresql")
                    .containsEntry("app.kubernetes.io/instance", "monitoring");
        }
    }

    @Nested
    @DisplayName("with an external database")
    class External {

        private final RenderedRelease release = Releases.overlay("prod", "external-database");

        @Test
        @DisplayName("renders no cluster and points Grafana at the given host and Secret")
        void external() {
            assertThat(release.ofKind("Cluster")).isEmpty();
            assertThat(release.one(ConfigMap.class, "monitoring-grafana")
                            .getData()
                            .get("grafana.ini"))
                    .contains("host = pg.example.com:5432");
            assertThat(Releases.podSpec(release.one(Deployment.class, "monitoring-grafana"))
                            .getContainers()
                            .get(0)
                            .getEnv())
                    .anySatisfy(e -> {
                        assertThat(e.getName()).isEqualTo("GF_DATABASE_PASSWORD");
                        assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("grafana-db");
                    });
        }

        @Test
        @DisplayName("is refused without the Secret holding its password")
        void needsSecret() {
            assertThatThrownBy(() -> Releases.render("prod", "external-database")
                            .set("grafana.database.existingSecret", "")
                            .render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining(
                            "grafana.database.existingSecret is empty but grafana.database.host=pg.example.com");
        }
    }
}
