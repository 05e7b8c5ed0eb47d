package dev.hamonitoring.pods;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The real-pod profile")
class RealPodsProfileTest {

    private List<String> differences;

    @BeforeAll
    void render() {
        differences = RealPodsProfile.differences(RealPodsProfile.renderProd(), RealPodsProfile.render());
    }

    @Nested
    @DisplayName("compared with prod")
    class ComparedWithProd {

        @Test
        @DisplayName("differs only in the listed ways")
        void onlyListedDifferences() {
            assertThat(differences).isNotEmpty();
            assertThat(RealPodsProfile.unexplained(differences)).isEmpty();
        }

        @Test
        @DisplayName("differs in every listed way: the list has no stale entry")
        void everyListedDifferenceHappens() {
            for (Map.Entry<String, Pattern> rule : RealPodsProfile.DIFFERENCES.entrySet()) {
                assertThat(differences)
                        .as(rule.getKey())
                        .anyMatch(d -> rule.getValue().matcher(d).matches());
            }
        }

        @Test
        @DisplayName("keeps prod's replicas, images, probes, spreading, budgets, priorities and security contexts")
        void keepsWhatTheLayerProves() {
            assertThat(differences)
                    .noneMatch(d -> d.matches(".*\\.(replicas|image|livenessProbe|readinessProbe|startupProbe"
                            + "|affinity|topologySpreadConstraints|priorityClassName|securityContext|minAvailable"
                            + "|maxUnavailable)(\\.|\\[|$).*"));
        }
    }

    @Test
    @DisplayName("reports a difference it does not list (a changed replica count) as unexplained")
    void unlistedDifferenceReported() {
        HelmRender render = HelmRender.chart(ProjectPaths.umbrellaChart())
                .releaseName(RealPodsProfile.RELEASE)
                .namespace(RealPodsProfile.NAMESPACE);
        for (Path file : RealPodsProfile.valuesFiles()) {
            render = render.valuesFile(file);
        }
        RenderedRelease changed = render.set("alertmanager.replicas", "4").render();
        List<String> unexplained =
                RealPodsProfile.unexplained(RealPodsProfile.differences(RealPodsProfile.renderProd(), changed));
        assertThat(unexplained).contains("StatefulSet/" + RealPodsProfile.RELEASE + "-alertmanager .spec.replicas");
    }
}
