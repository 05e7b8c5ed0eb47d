package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Loki")
class LokiRenderTest {

    @Test
    @DisplayName("is off by default: nothing of it is rendered")
    void offByDefault() {
        assertThat(Releases.overlay("prod").objects())
                .noneMatch(o -> o.getMetadata().getName().contains("loki"));
    }

    @Nested
    @DisplayName("when enabled")
    class Enabled {

        private final RenderedRelease release = Releases.overlay("prod", "loki-on");

        @Test
        @DisplayName("runs the simple-scalable read, write and backend targets, three of each")
        void simpleScalable() {
            List<HasMetadata> targets = List.of(
                    release.one(StatefulSet.class, "monitoring-loki-write"),
                    release.one(Deployment.class, "monitoring-loki-read"),
                    release.one(StatefulSet.class, "monitoring-loki-backend"));
            for (HasMetadata target : targets) {
                String role = target.getMetadata().getName().substring("monitoring-loki-".length());
                assertThat(Releases.replicas(target)).as(role).isEqualTo(3);
                assertThat(Releases.podSpec(target).getContainers().get(0).getArgs())
                        .as(role)
                        .contains("-target=" + role);
                assertThat(release.find(
                                PodDisruptionBudget.class, target.getMetadata().getName()))
                        .as(role)
                        .isPresent();
            }
        }

        @Test
        @DisplayName("joins one memberlist ring per release and writes with replication factor 3 to object storage")
        void ringAndStorage() {
            Service memberlist = release.one(Service.class, "monitoring-loki-memberlist");
            assertThat(memberlist.getSpec().getSelector()).containsEntry("app.kubernetes.io/instance", "monitoring");
            String config =
                    release.one(ConfigMap.class, "monitoring-loki").getData().get("config.yaml");
            assertThat(config).contains("replication_factor: 3", "monitoring-loki-memberlist", "s3:");
            assertThat(config).contains("secret_access_key: ${AWS_SECRET_ACCESS_KEY}");
        }

        @Test
        @DisplayName("refuses fewer writers than the replication factor")
        void writersCoverReplication() {
            assertThatThrownBy(() -> Releases.render("prod", "loki-on")
                            .set("loki.write.replicas", "2")
                            .render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining("loki.write.replicas=2 is below the replication factor 3");
        }
    }
}
