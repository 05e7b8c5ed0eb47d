package dev.hamonitoring.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Sync waves")
class SyncWavesTest {

    @Nested
    @DisplayName("of an object")
    class Wave {

        @Test
        @DisplayName("come from the Argo CD annotation, else the Helm hook weight, else 0")
        void sources() {
            assertThat(SyncWaves.wave(priorityClass(Map.of(SyncWaves.ANNOTATION, "-20", "helm.sh/hook-weight", "5"))))
                    .isEqualTo(-20);
            assertThat(SyncWaves.wave(priorityClass(Map.of("helm.sh/hook-weight", "5"))))
                    .isEqualTo(5);
            assertThat(SyncWaves.wave(priorityClass(Map.of()))).isZero();
            assertThat(SyncWaves.wave(priorityClass(Map.of(SyncWaves.ANNOTATION, "soon"))))
                    .isZero();
        }
    }

    @Nested
    @DisplayName("are reported out of order")
    class Violations {

        @Test
        @DisplayName("when a PriorityClass is in the same wave as a Deployment")
        void sameWave() {
            List<HasMetadata> objects = List.of(priorityClass(Map.of()), deployment("web", 0));
            assertThat(SyncWaves.violations(objects))
                    .singleElement()
                    .asString()
                    .contains("PriorityClass critical (wave 0) must sync before Deployment web (wave 0)");
        }

        @Test
        @DisplayName("when the real prod render loses the CloudNativePG Cluster's wave (negative twin)")
        void clusterWithoutWave() {
            RenderedRelease prod = ReleaseFixtures.freshCurrentRender("prod");
            assertThat(SyncWaves.violations(prod.objects())).isEmpty();
            HasMetadata cluster = prod.ofKind("Cluster").get(0);
            cluster.getMetadata().getAnnotations().remove(SyncWaves.ANNOTATION);
            assertThat(SyncWaves.violations(prod.objects()))
                    .singleElement()
                    .asString()
                    .contains(
                            "Cluster monitoring-postgresql (wave 0) must sync before Deployment monitoring-grafana (wave 0)");
        }

        @Test
        @DisplayName("when the real prod render loses the StorageClasses' wave (negative twin)")
        void storageClassWithoutWave() {
            RenderedRelease prod = ReleaseFixtures.freshCurrentRender("prod");
            prod.ofKind("StorageClass")
                    .forEach(sc -> sc.getMetadata().getAnnotations().remove(SyncWaves.ANNOTATION));
            assertThat(SyncWaves.violations(prod.objects()))
                    .isNotEmpty()
                    .allSatisfy(v -> assertThat(v)
                            .startsWith("StorageClass ")
                            .contains("claims of a missing class stay Pending"));
        }
    }

    private static HasMetadata priorityClass(Map<String, String> annotations) {
        return new PriorityClassBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName("critical")
                        .withAnnotations(annotations)
                        .build())
                .withValue(1000)
                .build();
    }

    private static HasMetadata deployment(String name, int wave) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withAnnotations(Map.of(SyncWaves.ANNOTATION, String.valueOf(wave)))
                .endMetadata()
                .build();
    }
}
