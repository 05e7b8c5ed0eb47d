package dev.hamonitoring.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The real-pod backend chosen by -Dpods.backend")
class PodClusterBackendTest {

    @Nested
    @DisplayName("by name")
    class ByName {

        @Test
        @DisplayName("is the project's own containers when nothing is set")
        void defaultsToContainers() {
            assertThat(PodClusterBackend.of(null)).isEqualTo(PodClusterBackend.CONTAINERS);
            assertThat(PodClusterBackend.of("")).isEqualTo(PodClusterBackend.CONTAINERS);
        }

        @Test
        @DisplayName("is k3s when asked for")
        void k3s() {
            assertThat(PodClusterBackend.of("k3s")).isEqualTo(PodClusterBackend.K3S);
        }

        @Test
        @DisplayName("refuses any other name, naming it and the choices")
        void unknown() {
            assertThatThrownBy(() -> PodClusterBackend.of("kind"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Dpods.backend=kind")
                    .hasMessageContaining("containers")
                    .hasMessageContaining("k3s");
        }
    }

    @Nested
    @DisplayName("availability")
    class Availability {

        @Test
        @DisplayName("k3s skips with a one-line reason naming the image when the engine does not have it")
        void k3sWithoutItsImage() {
            assertThat(PodClusterBackend.K3S.unavailable(image -> false))
                    .hasValueSatisfying(reason -> assertThat(reason)
                            .contains(PodClusterBackend.DEFAULT_K3S_IMAGE)
                            .doesNotContain("\n"));
        }

        @Test
        @DisplayName("k3s runs when the engine has its image")
        void k3sWithItsImage() {
            assertThat(PodClusterBackend.K3S.unavailable(image -> image.equals(PodClusterBackend.DEFAULT_K3S_IMAGE)))
                    .isEmpty();
        }

        @Test
        @DisplayName("the project's own containers need no registry image")
        void containersAlwaysRun() {
            assertThat(PodClusterBackend.CONTAINERS.unavailable(image -> false)).isEmpty();
        }
    }
}
