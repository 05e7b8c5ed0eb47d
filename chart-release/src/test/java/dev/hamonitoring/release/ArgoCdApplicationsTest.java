package dev.hamonitoring.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Argo CD (ci/argocd)")
class ArgoCdApplicationsTest {

    /** The one thing Argo CD users must change: where they publish the chart repository. */
    static final String REPOSITORY_PLACEHOLDER = "https://charts.example.com/ha-monitoring";

    /** The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest the project tests. */
    static final List<String> KUBE_VERSIONS = List.of("v1.29.0", HelmRender.DEFAULT_KUBE_VERSION);

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Path directory() {
        return ProjectPaths.root().resolve("ci/argocd");
    }

    static List<ArgoCdApplication> applications() {
        return ArgoCdApplication.applications(directory());
    }

    static Stream<Arguments> applicationsAndKubeVersions() {
        return applications().stream().flatMap(app -> KUBE_VERSIONS.stream().map(kube -> Arguments.of(app, kube)));
    }

    private static final Map<String, RenderedRelease> RENDERS = new HashMap<>();

    static synchronized RenderedRelease argoRender(ArgoCdApplication application, String kubeVersion) {
        return RENDERS.computeIfAbsent(
                application.name() + "@" + kubeVersion,
                k -> application
                        .helmTemplate(ReleaseFixtures.currentPackageDir(), kubeVersion)
                        .render());
    }

    @Nested
    @DisplayName("the Applications")
    class Applications {

        @Test
        @DisplayName("are one per overlay shipped in the package")
        void onePerOverlay() {
            List<String> overlays = ReleaseFixtures.currentPackage().paths().stream()
                    .filter(p -> p.startsWith("ha-monitoring/environments/"))
                    .map(p -> p.substring("ha-monitoring/".length()))
                    .sorted()
                    .collect(Collectors.toList());
            assertThat(applications().stream()
                            .flatMap(a -> a.valueFiles().stream())
                            .sorted()
                            .collect(Collectors.toList()))
                    .isEqualTo(overlays);
            assertThat(applications())
                    .extracting(ArgoCdApplication::name)
                    .containsExactlyInAnyOrder("monitoring-dev", "monitoring-staging", "monitoring-prod");
        }

        @Test
        @DisplayName("take the chart of this build from the chart repository, at the project version")
        void source() {
            for (ArgoCdApplication application : applications()) {
                assertThat(application.repoURL()).as(application.origin()).isEqualTo(REPOSITORY_PLACEHOLDER);
                assertThat(application.chart())
                        .as(application.origin())
                        .isEqualTo(ReleaseFixtures.currentPackage().name());
                assertThat(application.targetRevision())
                        .as(
                                "%s: targetRevision must be the chart version %s",
                                application.origin(), ProjectVersion.version())
                        .isEqualTo(ProjectVersion.version());
                assertThat(application.source().has("path"))
                        .as("a Helm repository source has no path")
                        .isFalse();
            }
        }

        @Test
        @DisplayName("reference value files that exist inside the package")
        void valueFilesInPackage() {
            for (ArgoCdApplication application : applications()) {
                assertThat(application.valueFiles()).isNotEmpty();
                application
                        .valueFiles()
                        .forEach(file -> assertThat(
                                        ReleaseFixtures.currentPackage().contains(file))
                                .as("%s: %s in the package", application.origin(), file)
                                .isTrue());
            }
        }

        @Test
        @DisplayName(
                "install release monitoring into namespace monitoring, created by Argo CD, with server-side apply, skipping the helm test Pod")
        void releaseAndSync() {
            for (ArgoCdApplication application : applications()) {
                assertThat(application.releaseName()).isEqualTo("monitoring");
                assertThat(application.namespace()).isEqualTo("monitoring");
                assertThat(application.skipTests()).isTrue();
                assertThat(application.syncOptions()).contains("CreateNamespace=true", "ServerSideApply=true");
                assertThat(application
                                .document()
                                .path("metadata")
                                .path("namespace")
                                .asText())
                        .isEqualTo("argocd");
                assertThat(application.document().path("spec").has("ignoreDifferences"))
                        .as("no ignoreDifferences: the chart renders nothing that drifts")
                        .isFalse();
            }
        }

        @Test
        @DisplayName("fail to render when a value file is not in the chart, as Argo CD does")
        void missingValueFile() throws Exception {
            JsonNode document = applications().get(0).document().deepCopy();
            ((ArrayNode) document.path("spec").path("source").path("helm").path("valueFiles"))
                    .removeAll()
                    .add("environments/qa.yaml");
            ArgoCdApplication broken = new ArgoCdApplication("mutated", document);
            assertThatThrownBy(() ->
                            broken.helmTemplate(ReleaseFixtures.currentPackageDir(), HelmRender.DEFAULT_KUBE_VERSION))
                    .hasMessageContaining("environments/qa.yaml is not in the chart");
        }
    }

    @Nested
    @DisplayName("the ApplicationSet")
    class ApplicationSetTests {

        @Test
        @DisplayName("generates exactly the three Applications")
        void sameAsApplications() {
            List<Map.Entry<String, JsonNode>> sets = ArgoCdApplication.documents(directory()).stream()
                    .filter(d -> d.getValue().path("kind").asText().equals("ApplicationSet"))
                    .collect(Collectors.toList());
            assertThat(sets).hasSize(1);
            List<ArgoCdApplication> generated =
                    ArgoCdApplication.expand(sets.get(0).getValue(), sets.get(0).getKey());
            Map<String, JsonNode> expected =
                    applications().stream().collect(Collectors.toMap(ArgoCdApplication::name, a -> a.document()));
            assertThat(generated)
                    .extracting(ArgoCdApplication::name)
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (ArgoCdApplication application : generated) {
                JsonNode standalone = expected.get(application.name());
                assertThat(application.document().path("spec"))
                        .as(application.name())
                        .isEqualTo(standalone.path("spec"));
                assertThat(application.document().path("metadata"))
                        .as(application.name())
                        .isEqualTo(standalone.path("metadata"));
            }
        }

        @Test
        @DisplayName("expansion refuses template syntax it does not understand")
        void unsupportedSyntax() throws Exception {
            JsonNode set = YAML.readTree(
                    "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: x, namespace: argocd}\n"
                            + "spec:\n  goTemplate: true\n  generators: [{list: {elements: [{env: dev}]}}]\n"
                            + "  template: {metadata: {name: '{{ .env | upper }}'}, spec: {}}\n");
            assertThatThrownBy(() -> ArgoCdApplication.expand(set, "inline"))
                    .hasMessageContaining("unsupported template syntax");
        }
    }

    @Nested
    @DisplayName("rendered as Argo CD renders them (helm template in the unpacked package)")
    class Rendered {

        @ParameterizedTest(name = "{0} on Kubernetes {1}")
        @MethodSource("dev.hamonitoring.release.ArgoCdApplicationsTest#applicationsAndKubeVersions")
        @DisplayName("give the same bytes twice")
        void deterministic(ArgoCdApplication application, String kubeVersion) {
            String first = argoRender(application, kubeVersion).manifest();
            String second = application
                    .helmTemplate(ReleaseFixtures.currentPackageDir(), kubeVersion)
                    .manifest();
            assertThat(second).isEqualTo(first);
            assertThat(argoRender(application, kubeVersion).objects()).hasSizeGreaterThan(20);
        }

        @ParameterizedTest(name = "{0} on Kubernetes {1}")
        @MethodSource("dev.hamonitoring.release.ArgoCdApplicationsTest#applicationsAndKubeVersions")
        @DisplayName("order prerequisites in earlier sync waves than what needs them")
        void syncWaves(ArgoCdApplication application, String kubeVersion) {
            assertThat(SyncWaves.violations(argoRender(application, kubeVersion).objects()))
                    .isEmpty();
        }

        @Test
        @DisplayName(
                "put PriorityClasses and StorageClasses in wave -20, quota and limits in -10, the database in -5, workloads in 0")
        void waveNumbers() {
            ArgoCdApplication prod = applications().stream()
                    .filter(a -> a.name().equals("monitoring-prod"))
                    .findFirst()
                    .orElseThrow();
            RenderedRelease render = argoRender(prod, HelmRender.DEFAULT_KUBE_VERSION);
            Map<String, List<Integer>> waves = render.objects().stream()
                    .collect(Collectors.groupingBy(
                            HasMetadata::getKind, Collectors.mapping(SyncWaves::wave, Collectors.toList())));
            assertThat(waves.get("PriorityClass")).isNotEmpty().containsOnly(-20);
            assertThat(waves.get("StorageClass")).isNotEmpty().containsOnly(-20);
            assertThat(waves.get("ResourceQuota")).isNotEmpty().containsOnly(-10);
            assertThat(waves.get("LimitRange")).isNotEmpty().containsOnly(-10);
            assertThat(waves.get("Cluster")).containsExactly(-5);
            assertThat(waves.get("Deployment")).isNotEmpty().containsOnly(0);
            assertThat(waves.get("StatefulSet")).isNotEmpty().containsOnly(0);
        }

        @Test
        @DisplayName("use no Argo CD hooks and no Helm hook but the helm test Pod, which Argo CD skips")
        void hooks() {
            for (String environment : ProjectPaths.environments()) {
                TemplatesWithHooks all = ReleaseFixtures.withHooks(environment);
                assertThat(all.hooks())
                        .as(environment)
                        .extracting(d -> d.object().getKind() + "/"
                                + d.object().getMetadata().getName())
                        .containsExactly("Pod/monitoring-ha-check");
                assertThat(all.hooks().get(0).object().getMetadata().getAnnotations())
                        .containsEntry("helm.sh/hook", "test");
                assertThat(all.allObjects())
                        .as(environment)
                        .noneMatch(o -> o.getMetadata().getAnnotations() != null
                                && o.getMetadata().getAnnotations().containsKey("argocd.argoproj.io/hook"));
            }
        }
    }
}
