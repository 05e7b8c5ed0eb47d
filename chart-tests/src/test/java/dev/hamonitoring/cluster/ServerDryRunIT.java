package dev.hamonitoring.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every object each environment overlay renders, created with {@code dryRun=All} and strict field
 * validation against the real apiserver: its OpenAPI schema, its validation (ranges, formats,
 * immutable combinations) and its admission plugins (PodSecurity, LimitRanger, quota) judge them,
 * which a client-side render cannot. Nothing is persisted.
 *
 * <p>The one kind skipped is CloudNativePG's {@code Cluster} (postgresql.cnpg.io/v1): this control
 * plane has no CloudNativePG CRD, so the apiserver has no schema to check it against.
 */
@ExtendWith(ClusterExtension.class)
@DisplayName("Server-side dry-run of every rendered object")
class ServerDryRunIT {

    private static final String RELEASE = "dryrun";
    private static final String NAMESPACE = "monitoring-dryrun";
    private static final String CNPG_CLUSTER = "postgresql.cnpg.io/v1 Cluster";

    private static KubernetesClient client;

    @BeforeAll
    static void namespace() {
        client = ClusterExtension.controlPlane().client();
        ReleaseNamespace.delete(client, NAMESPACE);
        ReleaseNamespace.create(client, NAMESPACE);
    }

    @AfterAll
    static void cleanUp() {
        if (client != null) {
            ReleaseNamespace.delete(client, NAMESPACE);
        }
    }

    private static RenderedRelease render(String environment, Path... extraValues) {
        HelmRender render = HelmRender.chart(ProjectPaths.umbrellaChart())
                .releaseName(RELEASE)
                .namespace(NAMESPACE)
                .kubeVersion(ClusterExtension.controlPlane().kubeVersion())
                .valuesFile(ProjectPaths.environment(environment));
        for (Path values : extraValues) {
            render = render.valuesFile(values);
        }
        return render.render();
    }

    private static String kind(HasMetadata o) {
        return o.getApiVersion() + " " + o.getKind();
    }

    /** Dry-run create, in the object's own namespace (node-exporter has one), else the release namespace. */
    private static HasMetadata dryRunCreate(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return client.resource(object)
                .inNamespace(namespace == null ? NAMESPACE : namespace)
                .dryRun()
                .fieldValidation(FieldValidateable.Validation.STRICT)
                .create();
    }

    /**
     * Dry-run create of every object; what the apiserver refused. Namespaces the chart creates
     * (node-exporter's) go first, as Helm orders them: once accepted they are created for real,
     * or the dry-run of the objects inside them could only answer "not found"; they are deleted
     * (and awaited gone) at the end.
     */
    private static List<String> dryRunAll(List<HasMetadata> rendered) {
        List<HasMetadata> objects = new ArrayList<>(rendered);
        objects.sort(Comparator.comparing(o -> !o.getKind().equals("Namespace")));
        List<String> refused = new ArrayList<>();
        List<HasMetadata> created = new ArrayList<>();
        try {
            for (HasMetadata object : objects) {
                try {
                    HasMetadata answer = dryRunCreate(object);
                    assertThat(answer.getMetadata().getUid())
                            .as(
                                    "dry-run answer for %s %s",
                                    object.getKind(), object.getMetadata().getName())
                            .isNotBlank();
                    if (object.getKind().equals("Namespace")) {
                        created.add(client.resource(object).create());
                    }
                } catch (KubernetesClientException e) {
                    refused.add(kind(object) + " " + object.getMetadata().getName() + ": " + e.getCode() + " "
                            + e.getMessage());
                }
            }
        } finally {
            for (HasMetadata namespace : created) {
                client.resource(namespace).delete();
                await(namespace.getMetadata().getName() + " deleted")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> client.namespaces()
                                        .withName(namespace.getMetadata().getName())
                                        .get()
                                == null);
            }
        }
        return refused;
    }

    @ParameterizedTest(
            name = "the {0} overlay: the apiserver accepts every object (CloudNativePG Cluster skipped: no CRD here)")
    @ValueSource(strings = {"prod", "staging", "dev"})
    void everyObjectAccepted(String environment) {
        RenderedRelease rendered = render(environment);
        List<HasMetadata> skipped = rendered.objects().stream()
                .filter(o -> CNPG_CLUSTER.equals(kind(o)))
                .collect(Collectors.toList());
        boolean bundledPostgres = !"dev".equals(environment);
        assertThat(skipped)
                .as("only " + CNPG_CLUSTER
                        + " is skipped (no CloudNativePG CRD in this control plane), and only when the"
                        + " overlay bundles PostgreSQL")
                .extracting(o -> kind(o) + " " + o.getMetadata().getName())
                .containsExactlyElementsOf(
                        bundledPostgres ? List.of(CNPG_CLUSTER + " " + RELEASE + "-postgresql") : List.of());

        List<HasMetadata> objects = new ArrayList<>(rendered.objects());
        objects.removeAll(skipped);
        List<String> refused = dryRunAll(objects);
        int accepted = objects.size() - refused.size();
        assertThat(refused)
                .as("objects of the %s overlay the apiserver refused", environment)
                .isEmpty();
        assertThat(accepted).isEqualTo(rendered.objects().size() - skipped.size());
        assertThat(client.apps().statefulSets().inNamespace(NAMESPACE).list().getItems())
                .as("dry-run persists nothing")
                .isEmpty();
        ClusterReport.number(
                "dry-run " + environment,
                accepted + " objects accepted, skipped: " + (skipped.isEmpty() ? "none" : CNPG_CLUSTER + " (no CRD)"));
    }

    @Test
    @DisplayName(
            "the prod overlay's Grafana Ingress is accepted as rendered: class, host, TLS Secret, backend port name")
    void prodIngress() {
        Ingress ingress = render("prod").one(Ingress.class, RELEASE + "-grafana");
        HasMetadata answer = dryRunCreate(ingress);
        assertThat(answer).isInstanceOf(Ingress.class);
        assertThat(((Ingress) answer).getSpec().getRules())
                .extracting(r -> r.getHost())
                .containsExactly("grafana.example.com");
    }

    /**
     * The HTTPRoute against the Gateway API's own CRD (v1.4.0 standard channel, vendored under
     * src/test/resources/cluster/gateway-api/): the apiserver validates it with the CRD's OpenAPI
     * schema and CEL rules. The CRD is removed again afterwards.
     */
    @Nested
    @DisplayName("Grafana behind a Gateway: the HTTPRoute against the Gateway API CRD")
    class GatewayApi {

        private static final String CRD = "httproutes.gateway.networking.k8s.io";

        private RenderedRelease withRoute() {
            return render("prod", StackUnderTest.resource("/values/gateway-api.yaml"));
        }

        private void installCrd() throws IOException {
            try (InputStream in =
                    Files.newInputStream(StackUnderTest.resource("/cluster/gateway-api/httproutes.yaml"))) {
                CustomResourceDefinition crd = client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .load(in)
                        .item();
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .resource(crd)
                        .serverSideApply();
            }
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName(CRD)
                    .waitUntilCondition(
                            c -> c != null
                                    && c.getStatus() != null
                                    && c.getStatus().getConditions() != null
                                    && c.getStatus().getConditions().stream()
                                            .anyMatch(cond -> "Established".equals(cond.getType())
                                                    && "True".equals(cond.getStatus())),
                            60,
                            TimeUnit.SECONDS);
        }

        @Test
        @DisplayName(
                "every object of prod with the HTTPRoute on is accepted, the route by the CRD's schema; a route breaking the schema is refused")
        void httpRouteAccepted() throws IOException {
            installCrd();
            try {
                RenderedRelease rendered = withRoute();
                assertThat(dryRunAll(rendered.objects().stream()
                                .filter(o -> !CNPG_CLUSTER.equals(kind(o)))
                                .toList()))
                        .isEmpty();
                HTTPRoute route = rendered.one(HTTPRoute.class, RELEASE + "-grafana");
                assertThat(dryRunCreate(route).getMetadata().getUid()).isNotBlank();

                // The negative twin: a path match that does not start with "/" breaks the CRD's schema.
                route.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue("grafana");
                assertThatThrownBy(() -> dryRunCreate(route))
                        .isInstanceOf(KubernetesClientException.class)
                        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode())
                                .isEqualTo(422))
                        .hasMessageContaining("path");
            } finally {
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName(CRD)
                        .delete();
            }
        }

        @Test
        @DisplayName("without the CRD the apiserver knows no HTTPRoute (why the prod overlay keeps it off)")
        void unknownWithoutCrd() {
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName(CRD)
                    .delete();
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName(CRD)
                    .waitUntilCondition(c -> c == null, 60, TimeUnit.SECONDS);
            HTTPRoute route = withRoute().one(HTTPRoute.class, RELEASE + "-grafana");
            assertThatThrownBy(() -> dryRunCreate(route)).isInstanceOf(KubernetesClientException.class);
        }
    }

    @Nested
    @DisplayName("the check itself")
    class Control {

        @Test
        @DisplayName(
                "refuses what only the server can judge: a StatefulSet whose container port is out of range decodes fine client-side but gets 422")
        void refusesInvalidObject() {
            StatefulSet sts = render("prod").all(StatefulSet.class).get(0);
            sts.getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getPorts()
                    .get(0)
                    .setContainerPort(70000);
            assertThatThrownBy(() -> dryRunCreate(sts))
                    .isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode())
                            .isEqualTo(422))
                    .hasMessageContaining("containerPort");
        }
    }
}
