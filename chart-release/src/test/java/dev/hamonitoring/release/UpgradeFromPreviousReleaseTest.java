package dev.hamonitoring.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamonitoring.render.ChartArchive;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Upgrading from the previous release")
class UpgradeFromPreviousReleaseTest {

    @Nested
    @DisplayName("to this build, with the overlay shipped in each package")
    class ToCurrent {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"dev", "staging", "prod"})
        @DisplayName("changes no immutable field of any object both releases render")
        void noImmutableChange(String environment) {
            UpgradeReport report = UpgradeCompatibility.check(
                    ReleaseFixtures.previousRender(environment), ReleaseFixtures.currentRender(environment));
            assertThat(report.violations())
                    .as(
                            "helm upgrade %s -> %s with environments/%s.yaml would fail:%n%s",
                            ChartArchive.read(ReleaseFixtures.previousPackageFile())
                                    .version(),
                            ProjectVersion.version(),
                            environment,
                            report.describe())
                    .isEmpty();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"dev", "staging", "prod"})
        @DisplayName("keeps every StatefulSet that holds volumes, and the database, so no volume is left behind")
        void keepsStatefulObjects(String environment) {
            RenderedRelease previous = ReleaseFixtures.previousRender(environment);
            UpgradeReport report = UpgradeCompatibility.check(previous, ReleaseFixtures.currentRender(environment));
            // An ephemeral StatefulSet (no volume claim templates) may be replaced: it keeps no data.
            Set<String> persistent = new HashSet<>();
            for (StatefulSet statefulSet : previous.all(StatefulSet.class)) {
                if (statefulSet.getSpec().getVolumeClaimTemplates() != null
                        && !statefulSet.getSpec().getVolumeClaimTemplates().isEmpty()) {
                    persistent.add(
                            "apps/StatefulSet " + statefulSet.getMetadata().getNamespace() + "/"
                                    + statefulSet.getMetadata().getName());
                }
            }
            assertThat(report.removed())
                    .noneMatch(key -> persistent.contains(key)
                            || key.startsWith("postgresql.cnpg.io/Cluster ")
                            || key.startsWith("/PersistentVolumeClaim "));
            if (!environment.equals("dev")) {
                assertThat(persistent)
                        .as("a persistent overlay has StatefulSets with volumes to keep")
                        .isNotEmpty();
            }
        }

        @Test
        @DisplayName("compares real renders: the previous package renders its prod overlay")
        void previousRenders() {
            RenderedRelease previous = ReleaseFixtures.previousRender("prod");
            assertThat(previous.all(StatefulSet.class)).hasSizeGreaterThanOrEqualTo(4);
            assertThat(previous.ofKind("Cluster")).hasSize(1);
        }
    }

    @Nested
    @DisplayName("to a mutated render (negative twin)")
    class Mutated {

        @Test
        @DisplayName("reports a changed StatefulSet selector label and a changed volumeClaimTemplate storage class")
        void reported() {
            RenderedRelease mutated = ReleaseFixtures.freshCurrentRender("prod");
            StatefulSet prometheus = mutated.one(StatefulSet.class, "monitoring-prometheus");
            prometheus.getSpec().getSelector().getMatchLabels().put("app.kubernetes.io/name", "prometheus-server");
            StatefulSet alertmanager = mutated.one(StatefulSet.class, "monitoring-alertmanager");
            PersistentVolumeClaim claim =
                    alertmanager.getSpec().getVolumeClaimTemplates().get(0);
            String claimName = claim.getMetadata().getName();
            String storageClass = claim.getSpec().getStorageClassName();
            claim.getSpec().setStorageClassName("some-other-class");

            UpgradeReport report = UpgradeCompatibility.check(ReleaseFixtures.previousRender("prod"), mutated);

            assertThat(report.violations())
                    .extracting(UpgradeReport.Violation::toString)
                    .containsExactlyInAnyOrder(
                            "apps/StatefulSet monitoring/monitoring-prometheus: spec.selector.matchLabels.app.kubernetes.io/name"
                                    + " prometheus -> prometheus-server (" + reason() + ")",
                            "apps/StatefulSet monitoring/monitoring-alertmanager: spec.volumeClaimTemplates["
                                    + claimName + "].spec.storageClassName " + storageClass + " -> some-other-class ("
                                    + reason() + ")");
        }

        private String reason() {
            return "StatefulSet spec fields other than replicas, template, updateStrategy, minReadySeconds, ordinals,"
                    + " revisionHistoryLimit and persistentVolumeClaimRetentionPolicy are immutable";
        }

        @Test
        @DisplayName("reports a shrunk database volume")
        void databaseShrink() {
            RenderedRelease mutated = ReleaseFixtures.freshCurrentRender("prod");
            GenericKubernetesResource cluster =
                    (GenericKubernetesResource) mutated.ofKind("Cluster").get(0);
            Map<String, Object> storage = cluster.get("spec", "storage");
            storage.put("size", "1Gi");
            assertThat(UpgradeCompatibility.check(ReleaseFixtures.previousRender("prod"), mutated)
                            .violations())
                    .extracting(UpgradeReport.Violation::field)
                    .containsExactly("spec.storage.size");
        }
    }
}
