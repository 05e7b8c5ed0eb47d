package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Mounted files and pod templates")
class MountedFilesTest {

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static final ConfigMap CONFIG = new ConfigMapBuilder()
            .withNewMetadata()
            .withName("config")
            .endMetadata()
            .withData(Map.of("prometheus.yml", "global: {}\n"))
            .withBinaryData(Map.of("rules.bin", base64("groups: []\n")))
            .build();
    private static final Secret SECRET = new SecretBuilder()
            .withNewMetadata()
            .withName("objstore")
            .endMetadata()
            .withData(Map.of("objstore.yml", base64("type: FILESYSTEM\n")))
            .withStringData(Map.of("extra.yml", "x: 1\n"))
            .build();
    private static final List<HasMetadata> OBJECTS = List.of(CONFIG, SECRET);

    @Nested
    @DisplayName("of a volume")
    class Volumes {

        @Test
        @DisplayName("a ConfigMap volume shows data and decoded binaryData")
        void configMap() {
            Volume volume = new VolumeBuilder()
                    .withName("config")
                    .withNewConfigMap()
                    .withName("config")
                    .endConfigMap()
                    .build();

            assertThat(MountedFiles.of(volume, OBJECTS, MountedFiles.Missing.FAIL))
                    .hasValue(Map.of("prometheus.yml", "global: {}\n", "rules.bin", "groups: []\n"));
        }

        @Test
        @DisplayName("a projected volume merges its ConfigMap and Secret sources, with items renaming keys")
        void projected() {
            Volume volume = new VolumeBuilder()
                    .withName("all")
                    .withNewProjected()
                    .addNewSource()
                    .withNewConfigMap()
                    .withName("config")
                    .addNewItem()
                    .withKey("prometheus.yml")
                    .withPath("conf/p.yml")
                    .endItem()
                    .endConfigMap()
                    .endSource()
                    .addNewSource()
                    .withNewSecret()
                    .withName("objstore")
                    .endSecret()
                    .endSource()
                    .endProjected()
                    .build();

            assertThat(MountedFiles.of(volume, OBJECTS, MountedFiles.Missing.FAIL))
                    .hasValue(Map.of(
                            "conf/p.yml", "global: {}\n", "objstore.yml", "type: FILESYSTEM\n", "extra.yml", "x: 1\n"));
        }

        @Test
        @DisplayName("an object outside the release is skipped, or named when every file is required")
        void missingObject() {
            Volume volume = new VolumeBuilder()
                    .withName("auth")
                    .withNewSecret()
                    .withSecretName("redis-auth")
                    .endSecret()
                    .build();

            assertThat(MountedFiles.of(volume, OBJECTS, MountedFiles.Missing.SKIP))
                    .hasValue(Map.of());
            assertThatThrownBy(() -> MountedFiles.of(volume, OBJECTS, MountedFiles.Missing.FAIL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Secret redis-auth");
        }

        @Test
        @DisplayName("an item naming a key the object lacks is named when required")
        void missingKey() {
            Volume volume = new VolumeBuilder()
                    .withName("config")
                    .withNewConfigMap()
                    .withName("config")
                    .addNewItem()
                    .withKey("absent.yml")
                    .withPath("a.yml")
                    .endItem()
                    .endConfigMap()
                    .build();

            assertThat(MountedFiles.of(volume, OBJECTS, MountedFiles.Missing.SKIP))
                    .hasValue(Map.of());
            assertThatThrownBy(() -> MountedFiles.of(volume, OBJECTS, MountedFiles.Missing.FAIL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("absent.yml");
        }

        @Test
        @DisplayName("other volume types have no files to read")
        void otherTypes() {
            Volume volume = new VolumeBuilder()
                    .withName("data")
                    .withNewEmptyDir()
                    .endEmptyDir()
                    .build();

            assertThat(MountedFiles.of(volume, OBJECTS, MountedFiles.Missing.FAIL))
                    .isEmpty();
        }
    }

    @Nested
    @DisplayName("pod templates")
    class Templates {

        @Test
        @DisplayName("are found in DaemonSets and CronJobs too, and not in a Service")
        void everyWorkloadKind() {
            var template = new PodTemplateSpecBuilder()
                    .withNewMetadata()
                    .addToLabels("app", "x")
                    .endMetadata()
                    .build();
            HasMetadata daemonSet = new DaemonSetBuilder()
                    .withNewMetadata()
                    .withName("d")
                    .endMetadata()
                    .withNewSpec()
                    .withTemplate(template)
                    .endSpec()
                    .build();
            HasMetadata cronJob = new CronJobBuilder()
                    .withNewMetadata()
                    .withName("c")
                    .endMetadata()
                    .withNewSpec()
                    .withNewJobTemplate()
                    .withNewSpec()
                    .withTemplate(template)
                    .endSpec()
                    .endJobTemplate()
                    .endSpec()
                    .build();

            assertThat(PodTemplates.of(daemonSet)).hasValue(template);
            assertThat(PodTemplates.of(cronJob)).hasValue(template);
            assertThat(PodTemplates.of(new Service())).isEmpty();
            assertThat(PodTemplates.all(List.of(daemonSet, new Service(), cronJob)))
                    .containsOnlyKeys(daemonSet, cronJob);
        }
    }
}
