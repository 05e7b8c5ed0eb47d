package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** How users reach Grafana: an Ingress or a Gateway API HTTPRoute, and only through their controller. */
@DisplayName("Grafana access")
class GrafanaAccessRenderTest {

    /** The peers admitted to Grafana from outside the release's own pods (those carry a namespaceSelector). */
    static List<NetworkPolicyPeer> outsidePeers(RenderedRelease release) {
        return release.all(NetworkPolicy.class).stream()
                .filter(p -> "grafana"
                        .equals(p.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/name")))
                .flatMap(p -> p.getSpec().getIngress() == null ? Stream.empty() : p.getSpec().getIngress().stream())
                .map(NetworkPolicyIngressRule::getFrom)
                .flatMap(List::stream)
                .filter(peer -> peer.getNamespaceSelector() != null)
                .toList();
    }

    @Nested
    @DisplayName("by default (staging) and in dev")
    class Off {

        @Test
        @DisplayName("neither an Ingress nor an HTTPRoute, no root_url, and nobody outside the release admitted")
        void closed() {
            for (String environment : List.of("staging", "dev")) {
                RenderedRelease release = Releases.overlay(environment);
                assertThat(release.all(Ingress.class)).as(environment).isEmpty();
                assertThat(release.ofKind("HTTPRoute")).as(environment).isEmpty();
                assertThat(GrafanaRenderTest.ini(release)).as(environment).doesNotContain("root_url");
                assertThat(outsidePeers(release)).as(environment).isEmpty();
            }
        }
    }

    @Nested
    @DisplayName("in the prod overlay (Ingress)")
    class ProdIngress {

        private final RenderedRelease prod = Releases.overlay("prod");

        @Test
        @DisplayName(
                "an Ingress of class nginx for the placeholder host, TLS from its Secret, to the Grafana Service's http port")
        void ingress() {
            Ingress ingress = prod.one(Ingress.class, "monitoring-grafana");
            assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
            assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> {
                assertThat(tls.getSecretName()).isEqualTo("grafana-tls");
                assertThat(tls.getHosts()).containsExactly("grafana.example.com");
            });
            IngressRule rule = ingress.getSpec().getRules().get(0);
            assertThat(ingress.getSpec().getRules()).hasSize(1);
            assertThat(rule.getHost()).isEqualTo("grafana.example.com");
            assertThat(rule.getHttp().getPaths()).singleElement().satisfies(path -> {
                assertThat(path.getPath()).isEqualTo("/");
                assertThat(path.getPathType()).isEqualTo("Prefix");
                assertThat(path.getBackend().getService().getName()).isEqualTo("monitoring-grafana");
                assertThat(path.getBackend().getService().getPort().getName()).isEqualTo("http");
            });
            assertThat(prod.ofKind("HTTPRoute"))
                    .as("the HTTPRoute stays off in prod")
                    .isEmpty();
        }

        @Test
        @DisplayName(
                "the overlay's disabled httpRoute block, switched on, renders a route for the same placeholder host")
        void httpRouteBlockReady() {
            RenderedRelease both = Releases.render("prod")
                    .set("grafana.httpRoute.enabled", "true")
                    .render();
            HTTPRoute route = both.one(HTTPRoute.class, "monitoring-grafana");
            assertThat(route.getSpec().getHostnames()).containsExactly("grafana.example.com");
            assertThat(route.getSpec().getParentRefs())
                    .extracting(p -> p.getName())
                    .containsExactly("public-gateway");
            assertThat(GrafanaRenderTest.ini(both))
                    .as("the Ingress host still decides")
                    .contains("root_url = https://grafana.example.com/");
        }

        @Test
        @DisplayName("server.root_url follows the host, https with a TLS Secret")
        void rootUrl() {
            assertThat(GrafanaRenderTest.ini(prod)).contains("root_url = https://grafana.example.com/");
        }

        @Test
        @DisplayName("without a TLS Secret: no tls section, root_url on http, annotations passed through")
        void plainHttp() {
            RenderedRelease plain = Releases.overlay("prod", "ingress-plain-http");
            Ingress ingress = plain.one(Ingress.class, "monitoring-grafana");
            assertThat(ingress.getSpec().getTls()).isNullOrEmpty();
            assertThat(ingress.getMetadata().getAnnotations())
                    .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "16m");
            assertThat(GrafanaRenderTest.ini(plain))
                    .contains("root_url = http://grafana.example.com/")
                    .doesNotContain("https://");
        }

        @Test
        @DisplayName(
                "the NetworkPolicy admits the ingress-nginx controller pods by namespace AND pod labels, nothing wider")
        void onlyTheController() {
            List<NetworkPolicyPeer> peers = outsidePeers(prod);
            assertThat(peers).singleElement().satisfies(peer -> {
                assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .isEqualTo(Map.of("kubernetes.io/metadata.name", "ingress-nginx"));
                assertThat(peer.getPodSelector())
                        .as("a namespace-wide peer would admit every pod there")
                        .isNotNull();
                assertThat(peer.getPodSelector().getMatchLabels())
                        .isEqualTo(Map.of(
                                "app.kubernetes.io/name",
                                "ingress-nginx",
                                "app.kubernetes.io/component",
                                "controller"));
                assertThat(peer.getIpBlock()).isNull();
            });
        }
    }

    @Nested
    @DisplayName("behind a Gateway (HTTPRoute)")
    class Gateway {

        private final RenderedRelease gateway = Releases.overlay("prod", "gateway-api");

        @Test
        @DisplayName("an HTTPRoute with the configured parentRefs and hostnames, to the Grafana Service port")
        void httpRoute() {
            HTTPRoute route = gateway.one(HTTPRoute.class, "monitoring-grafana");
            assertThat(route.getMetadata().getAnnotations()).containsEntry("example.com/team", "observability");
            assertThat(route.getSpec().getParentRefs()).singleElement().satisfies(parent -> {
                assertThat(parent.getName()).isEqualTo("public-gateway");
                assertThat(parent.getNamespace()).isEqualTo("gateway-system");
                assertThat(parent.getSectionName()).isEqualTo("https");
            });
            assertThat(route.getSpec().getHostnames()).containsExactly("grafana.example.com", "metrics.example.com");
            assertThat(route.getSpec().getRules()).singleElement().satisfies(rule -> {
                assertThat(rule.getMatches()).singleElement().satisfies(match -> {
                    assertThat(match.getPath().getType()).isEqualTo("PathPrefix");
                    assertThat(match.getPath().getValue()).isEqualTo("/");
                });
                assertThat(rule.getBackendRefs()).singleElement().satisfies(backend -> {
                    assertThat(backend.getName()).isEqualTo("monitoring-grafana");
                    assertThat(backend.getPort()).isEqualTo(80);
                });
            });
            assertThat(gateway.all(Ingress.class)).isEmpty();
        }

        @Test
        @DisplayName("server.root_url follows the first hostname; the Gateway's proxy pods are the admitted peer")
        void rootUrlAndPolicy() {
            assertThat(GrafanaRenderTest.ini(gateway)).contains("root_url = https://grafana.example.com/");
            assertThat(outsidePeers(gateway)).singleElement().satisfies(peer -> {
                assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .containsEntry("kubernetes.io/metadata.name", "gateway-system");
                assertThat(peer.getPodSelector().getMatchLabels())
                        .isEqualTo(Map.of(
                                "app.kubernetes.io/name",
                                "envoy",
                                "app.kubernetes.io/component",
                                "proxy",
                                "gateway.envoyproxy.io/owning-gateway-name",
                                "public-gateway"));
            });
        }
    }
}
