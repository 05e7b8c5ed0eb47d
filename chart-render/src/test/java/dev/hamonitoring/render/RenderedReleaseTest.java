package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("RenderedRelease")
class RenderedReleaseTest {

    // Shaped like Helm's output: "---" separators, "# Source:" lines, a template that rendered only a comment.
    private static final String MANIFEST = """
            ---
            # Source: tiny/templates/services.yaml
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            ---
            # Source: tiny/templates/services.yaml
            apiVersion: v1
            kind: Service
            metadata:
              name: web-headless
            spec:
              clusterIP: None
            ---
            # Source: tiny/templates/empty.yaml
            # nothing enabled here
            ---
            # Source: tiny/templates/list.yaml
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: one
              - apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: two
            ---
            # Source: tiny/templates/monitor.yaml
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata:
              name: web
            spec:
              endpoints:
                - port: http
            """;

    private static final RenderedRelease RELEASE = RenderedRelease.decode(MANIFEST, "the test manifest");

    @Nested
    @DisplayName("decoding")
    class Decoding {

        @Test
        @DisplayName("skips comment-only documents and flattens kind: List")
        void objects() {
            assertThat(RELEASE.objects())
                    .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                    .containsExactly(
                            "Service/web",
                            "Service/web-headless",
                            "ConfigMap/one",
                            "ConfigMap/two",
                            "ServiceMonitor/web");
        }

        @Test
        @DisplayName("groups documents by their # Source line, without the empty template")
        void bySource() {
            assertThat(RELEASE.bySource())
                    .containsOnlyKeys(
                            "tiny/templates/services.yaml", "tiny/templates/list.yaml", "tiny/templates/monitor.yaml");
            assertThat(RELEASE.bySource().get("tiny/templates/services.yaml"))
                    .hasSize(2)
                    .first()
                    .asString()
                    .startsWith("# Source: tiny/templates/services.yaml\napiVersion: v1");
        }

        @Test
        @DisplayName("keeps the manifest unchanged")
        void manifest() {
            assertThat(RELEASE.manifest()).isSameAs(MANIFEST);
        }

        @Test
        @DisplayName("refuses a document that is not a Kubernetes object, naming its source")
        void notAnObject() {
            assertThatThrownBy(() ->
                            RenderedRelease.decode("---\n# Source: x/templates/bad.yaml\nfoo: bar\n", "a bad render"))
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining(
                            "Not a Kubernetes object (needs apiVersion, kind and metadata.name) in x/templates/bad.yaml rendered by a bad render")
                    .hasMessageContaining("foo: bar");
        }

        @Test
        @DisplayName("explains a float in an integer field, Helm's classic 1e+06")
        void floatInIntegerField() {
            assertThatThrownBy(() -> RenderedRelease.decode("""
                    ---
                    # Source: x/templates/priorityclass.yaml
                    apiVersion: scheduling.k8s.io/v1
                    kind: PriorityClass
                    metadata:
                      name: critical
                    value: 1e+06
                    """, "a float render"))
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining(
                            "Cannot decode the document from x/templates/priorityclass.yaml rendered by a float render")
                    .hasMessageContaining("Hint: numbers from values are float64 in templates")
                    .hasMessageContaining("value: 1e+06");
        }

        @Test
        @DisplayName("refuses YAML that does not parse, naming its source")
        void invalidYaml() {
            assertThatThrownBy(() ->
                            RenderedRelease.decode("---\n# Source: x/templates/bad.yaml\nkind: [\n", "a bad render"))
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining(
                            "Cannot decode the document from x/templates/bad.yaml rendered by a bad render");
        }
    }

    @Nested
    @DisplayName("lookups")
    class Lookups {

        @Test
        @DisplayName("all() filters by model class")
        void allByClass() {
            assertThat(RELEASE.all(Service.class))
                    .extracting(s -> s.getMetadata().getName())
                    .containsExactly("web", "web-headless");
            assertThat(RELEASE.all(StatefulSet.class)).isEmpty();
        }

        @Test
        @DisplayName("one() returns the object with that name")
        void oneFound() {
            assertThat(RELEASE.one(Service.class, "web-headless").getSpec().getClusterIP())
                    .isEqualTo("None");
        }

        @Test
        @DisplayName("one() fails listing the names of that kind that were rendered")
        void oneMissing() {
            assertThatThrownBy(() -> RELEASE.one(Service.class, "api"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage(
                            "No Service named 'api' rendered by the test manifest; Service names rendered: web, web-headless");
        }

        @Test
        @DisplayName("one() says so when nothing of that kind was rendered")
        void oneNoneOfKind() {
            assertThatThrownBy(() -> RELEASE.one(StatefulSet.class, "prometheus"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage(
                            "No StatefulSet named 'prometheus' rendered by the test manifest; no StatefulSet was rendered");
        }

        @Test
        @DisplayName("find() returns an Optional")
        void find() {
            assertThat(RELEASE.find(ConfigMap.class, "two")).isPresent();
            assertThat(RELEASE.find(ConfigMap.class, "three")).isEmpty();
        }

        @Test
        @DisplayName("ofKind() and oneOfKind() reach kinds without a model class")
        void byKind() {
            HasMetadata monitor = RELEASE.oneOfKind("ServiceMonitor", "web");
            assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
            assertThat(RELEASE.ofKind("ServiceMonitor")).containsExactly(monitor);
            assertThatThrownBy(() -> RELEASE.oneOfKind("ServiceMonitor", "db"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageEndingWith("ServiceMonitor names rendered: web");
        }

        @Test
        @DisplayName("find() refuses two objects of one class with the same name")
        void duplicateNames() {
            RenderedRelease twice = RenderedRelease.decode("""
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: web, namespace: a}
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: web, namespace: b}
                    """, "a duplicate render");

            assertThatThrownBy(() -> twice.one(Service.class, "web"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("2 Service objects named 'web' rendered by a duplicate render");
        }
    }
}
