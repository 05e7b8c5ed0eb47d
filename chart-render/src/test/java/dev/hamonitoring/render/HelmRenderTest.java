package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("HelmRender")
class HelmRenderTest {

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("rendering a local umbrella chart with a file:// subchart and no dependency build")
    class Defaults {

        private RenderedRelease release;

        @BeforeAll
        void render() {
            release = TinyChart.render().render();
        }

        @Test
        @DisplayName("renders the umbrella's templates and the subchart's")
        void rendersUmbrellaAndSubchart() {
            assertThat(release.bySource())
                    .containsOnlyKeys(
                            "tiny/templates/services.yaml",
                            "tiny/charts/tinysub/templates/deployment.yaml",
                            "tiny/templates/statefulset.yaml",
                            "tiny/templates/database.yaml");
            assertThat(release.bySource().get("tiny/templates/services.yaml")).hasSize(2);
        }

        @Test
        @DisplayName("decodes every document into a typed fabric8 object")
        void decodesTypedObjects() {
            assertThat(release.objects())
                    .extracting(HasMetadata::getKind)
                    .containsExactly("Service", "Service", "Deployment", "StatefulSet", "Cluster");
            StatefulSet prometheus = release.one(StatefulSet.class, "monitoring-prometheus");
            assertThat(prometheus.getSpec().getReplicas()).isEqualTo(2);
            assertThat(prometheus
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage())
                    .isEqualTo("quay.io/prometheus/prometheus:v3.9.1");
            assertThat(release.all(Service.class))
                    .extracting(s -> s.getSpec().getClusterIP())
                    .containsExactly(null, "None");
            assertThat(release.one(Deployment.class, "monitoring-tinysub")
                            .getSpec()
                            .getReplicas())
                    .isEqualTo(1);
        }

        @Test
        @DisplayName("decodes a kind fabric8 has no model for as a GenericKubernetesResource")
        void decodesUnknownKindsGenerically() {
            GenericKubernetesResource cluster = release.one(GenericKubernetesResource.class, "monitoring-postgresql");
            assertThat(cluster.getApiVersion()).isEqualTo("postgresql.cnpg.io/v1");
            assertThat(cluster.getKind()).isEqualTo("Cluster");
            assertThat(cluster.<Integer>get("spec", "instances")).isEqualTo(3);
            assertThat(release.oneOfKind("Cluster", "monitoring-postgresql")).isSameAs(cluster);
        }

        @Test
        @DisplayName("passes release name and namespace through to the objects")
        void releaseNameAndNamespace() {
            assertThat(release.objects())
                    .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("monitoring"));
            assertThat(release.objects())
                    .allSatisfy(o -> assertThat(o.getMetadata().getName()).startsWith("monitoring-"));
        }

        @Test
        @DisplayName(
                "renders against the Kubernetes version ci/binaries/versions.properties pins, not helm-java's v1.20 default")
        void defaultKubeVersion() throws IOException {
            Properties pinned = new Properties();
            try (Reader in = Files.newBufferedReader(ProjectPaths.root().resolve("ci/binaries/versions.properties"))) {
                pinned.load(in);
            }
            assertThat(HelmRender.DEFAULT_KUBE_VERSION)
                    .isEqualTo(pinned.getProperty("kubernetes"))
                    .startsWith("v1.");
            assertThat(release.one(StatefulSet.class, "monitoring-prometheus")
                            .getMetadata()
                            .getLabels())
                    .containsEntry("kube-version", HelmRender.DEFAULT_KUBE_VERSION)
                    .doesNotContainEntry("kube-version", "v1.20.0");
        }

        @Test
        @DisplayName("keeps the manifest exactly as Helm printed it")
        void rawManifest() {
            assertThat(release.manifest())
                    .startsWith("---\n# Source: tiny/templates/services.yaml\n")
                    .contains("# A kind fabric8 has no model class for: must decode as GenericKubernetesResource.")
                    .endsWith("  instances: 3\n");
        }
    }

    @Nested
    @DisplayName("with values")
    class Values {

        @Test
        @DisplayName("applies values files in the order given, later files winning")
        void valuesFilesInOrder(@TempDir Path temp) throws IOException {
            Path five = Files.writeString(temp.resolve("five.yaml"), "replicas: 5\n");

            assertThat(replicas(TinyChart.render()
                            .valuesFile(TinyChart.environment("prod"))
                            .valuesFile(five)))
                    .isEqualTo(5);
            assertThat(replicas(TinyChart.render().valuesFile(five).valuesFile(TinyChart.environment("prod"))))
                    .isEqualTo(3);
        }

        @Test
        @DisplayName("lets an overlay switch a file:// subchart off through its condition")
        void overlayDisablesSubchart() {
            RenderedRelease dev =
                    TinyChart.render().valuesFile(TinyChart.environment("dev")).render();

            assertThat(dev.all(Deployment.class)).isEmpty();
            assertThat(dev.ofKind("Cluster")).isEmpty();
            assertThat(dev.one(StatefulSet.class, "monitoring-prometheus")
                            .getSpec()
                            .getReplicas())
                    .isEqualTo(1);
        }

        @Test
        @DisplayName("applies set() after values files, typed like --set")
        void setWinsAndIsTyped() {
            RenderedRelease release = TinyChart.render()
                    .valuesFile(TinyChart.environment("prod"))
                    .set("replicas", "4")
                    .set("podAnnotations.owner", "team-a,team-b")
                    .render();

            StatefulSet prometheus = release.one(StatefulSet.class, "monitoring-prometheus");
            assertThat(prometheus.getSpec().getReplicas()).isEqualTo(4);
            assertThat(prometheus.getSpec().getTemplate().getMetadata().getAnnotations())
                    .containsExactlyInAnyOrderEntriesOf(Map.of("environment", "prod", "owner", "team-a,team-b"));
        }

        @Test
        @DisplayName("never changes the instance it was derived from")
        void immutable() {
            HelmRender base = TinyChart.render();
            HelmRender derived = base.set("replicas", "7")
                    .valuesFile(TinyChart.environment("prod"))
                    .kubeVersion("v1.30.0");

            assertThat(base.describe())
                    .doesNotContain("replicas")
                    .doesNotContain("prod.yaml")
                    .contains("v1.34.4");
            assertThat(derived.describe())
                    .contains("set {replicas=7}")
                    .contains("prod.yaml")
                    .contains("kube v1.30.0");
        }

        private int replicas(HelmRender render) {
            return render.render()
                    .one(StatefulSet.class, "monitoring-prometheus")
                    .getSpec()
                    .getReplicas();
        }
    }

    @Nested
    @DisplayName("with another Kubernetes version")
    class KubeVersion {

        @Test
        @DisplayName("exposes it to templates as .Capabilities.KubeVersion, with or without the v")
        void customKubeVersion() {
            assertThat(TinyChart.render()
                            .kubeVersion("1.30.2")
                            .render()
                            .one(StatefulSet.class, "monitoring-prometheus")
                            .getMetadata()
                            .getLabels())
                    .containsEntry("kube-version", "v1.30.2");
        }

        @Test
        @DisplayName("fails when the chart's kubeVersion constraint excludes it")
        void constraintRefusesOldKubernetes() {
            assertThatThrownBy(() -> TinyChart.render().kubeVersion("v1.20.0").render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining(
                            "chart requires kubeVersion: >=1.25.0-0 which is incompatible with Kubernetes v1.20.0");
        }
    }

    @Nested
    @DisplayName("when Helm refuses")
    class Failures {

        @Test
        @DisplayName("a values.schema.json violation carries Helm's message naming the key")
        void schemaViolation() {
            assertThatThrownBy(() -> TinyChart.render().set("replicas", "0").render())
                    .isInstanceOfSatisfying(ChartRenderException.class, e -> {
                        assertThat(e.helmError())
                                .contains("values don't meet the specifications of the schema(s)")
                                .contains("- at '/replicas': minimum: got 0, want 1");
                        assertThat(e.getMessage())
                                .startsWith("helm template failed for " + TinyChart.dir())
                                .contains("set {replicas=0}")
                                .endsWith(e.helmError());
                    });
        }

        @Test
        @DisplayName("a misspelt key in a values file is rejected by additionalProperties: false")
        void unknownKey(@TempDir Path temp) throws IOException {
            Path typo = Files.writeString(temp.resolve("typo.yaml"), "image:\n  tga: v1\n");

            assertThatThrownBy(() -> TinyChart.render().valuesFile(typo).render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining("- at '/image': additional properties 'tga' not allowed");
        }

        @Test
        @DisplayName("a template error (required) carries the template's message")
        void templateError() {
            assertThatThrownBy(() -> TinyChart.render().set("image.tag", "").render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining("image.tag is required");
        }

        @Test
        @DisplayName("a missing values file or chart is reported before calling Helm")
        void missingInputs(@TempDir Path temp) {
            assertThatThrownBy(() -> TinyChart.render()
                            .valuesFile(temp.resolve("nope.yaml"))
                            .render())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Values file not found: " + temp.resolve("nope.yaml"));
            assertThatThrownBy(() -> HelmRender.chart(temp).render())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Not a chart directory (no Chart.yaml) nor a chart package (.tgz): " + temp);
        }

        @Test
        @DisplayName("a values file path with a comma is refused (helm-java joins paths with commas)")
        void commaInPath(@TempDir Path temp) throws IOException {
            Path odd = Files.writeString(temp.resolve("a,b.yaml"), "replicas: 2\n");

            assertThatThrownBy(() -> TinyChart.render().valuesFile(odd).render())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("helm-java cannot pass a values file whose path contains a comma");
        }
    }

    @Nested
    @DisplayName("rendering twice")
    class Determinism {

        @Test
        @DisplayName("gives byte-identical manifests and equal objects")
        void identicalRenders() {
            HelmRender render = TinyChart.render().valuesFile(TinyChart.environment("prod"));
            RenderedRelease first = render.render();
            RenderedRelease second = render.render();

            assertThat(second.manifest()).isEqualTo(first.manifest());
            assertThat(second.objects()).isEqualTo(first.objects());
        }
    }

    @Nested
    @DisplayName("of a chart package or a repository reference")
    class Sources {

        @Test
        @DisplayName("renders a packaged .tgz exactly like its chart directory")
        void packagedChart(@TempDir Path temp) throws IOException {
            Path out = temp.resolve("out");
            Path copy = FileTrees.copy(TinyChart.dir(), temp.resolve("tiny"));
            HelmJava.call(() -> new Helm(copy).packageIt().withDestination(out).call());
            Path tgz = packageOf(out);
            HelmRender fromPackage = HelmRender.chart(tgz).valuesFile(TinyChart.environment("prod"));

            assertThat(fromPackage.manifest())
                    .isEqualTo(TinyChart.render()
                            .valuesFile(TinyChart.environment("prod"))
                            .manifest());
            assertThat(fromPackage.describe()).contains(tgz.getFileName().toString());
        }

        @Test
        @DisplayName("refuses a file that is neither a chart directory nor a .tgz")
        void notAPackage(@TempDir Path temp) throws IOException {
            Path text = Files.writeString(temp.resolve("chart.txt"), "not a chart\n");

            assertThatThrownBy(() -> HelmRender.chart(text).manifest())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(text.toString());
        }

        @Test
        @DisplayName("takes repo/chart@version apart and names it in messages")
        void repositoryReference() {
            HelmRender render = HelmRender.fromRepository("served/ha-monitoring@1.2.3");

            assertThat(render.describe()).startsWith("served/ha-monitoring 1.2.3 (release monitoring");
            assertThat(HelmRender.fromRepository("served/ha-monitoring").describe())
                    .startsWith("served/ha-monitoring (release");
        }

        @Test
        @DisplayName("refuses references that are not repo/chart[@version], naming them")
        void badReferences() {
            for (String bad : List.of("ha-monitoring", "/ha-monitoring", "served/", "a/b/c", "served/ha-monitoring@")) {
                assertThatThrownBy(() -> HelmRender.fromRepository(bad))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("'" + bad + "'")
                        .hasMessageContaining("repo/chart@version");
            }
        }

        @Test
        @DisplayName("refuses repository settings on a local chart")
        void repositorySettingsNeedAReference() {
            assertThatThrownBy(() -> TinyChart.render().version("1.0.0"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("version applies to a repository chart");
        }

        private Path packageOf(Path dir) {
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(f -> f.toString().endsWith(".tgz"))
                        .findFirst()
                        .orElseThrow();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
