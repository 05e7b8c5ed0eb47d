package dev.hamonitoring.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import java.util.ArrayList;
import java.util.List;
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

    private static RenderedRelease render(String environment) {
        return HelmRender.chart(ProjectPaths.umbrellaChart()).releaseName(RELEASE).namespace(NAMESPACE)
                .kubeVersion(ClusterExtension.controlPlane().kubeVersion())
                .valuesFile(ProjectPaths.environment(environment)).render();
    }

    private static String kind(HasMetadata o) {
        return o.getApiVersion() + " " + o.getKind();
    }

    private static HasMetadata dryRunCreate(HasMetadata object) {
        return client.resource(object).inNamespace(NAMESPACE).dryRun()
                .fieldValidation(FieldValidateable.Validation.STRICT).create();
    }

    @ParameterizedTest(name = "the {0} overlay: the apiserver accepts every object (CloudNativePG Cluster skipped: no CRD here)")
    @ValueSource(strings = {"prod", "staging", "dev"})
    void everyObjectAccepted(String environment) {
        RenderedRelease rendered = render(environment);
        List<HasMetadata> skipped = rendered.objects().stream().filter(o -> CNPG_CLUSTER.equals(kind(o))).collect(Collectors.toList());
        boolean bundledPostgres = !"dev".equals(environment);
        assertThat(skipped).as("only " + CNPG_CLUSTER + " is skipped (no CloudNativePG CRD in this control plane), and only when the"
                + " overlay bundles PostgreSQL").extracting(o -> kind(o) + " " + o.getMetadata().getName())
                .containsExactlyElementsOf(bundledPostgres ? List.of(CNPG_CLUSTER + " " + RELEASE + "-postgresql") : List.of());

        List<String> refused = new ArrayList<>();
        int accepted = 0;
        for (HasMetadata object : rendered.objects()) {
            if (skipped.contains(object)) {
                continue;
            }
            try {
                HasMetadata answer = dryRunCreate(object);
                assertThat(answer.getMetadata().getUid()).as("dry-run answer for %s %s", object.getKind(), object.getMetadata().getName())
                        .isNotBlank();
                accepted++;
            } catch (KubernetesClientException e) {
                refused.add(kind(object) + " " + object.getMetadata().getName() + ": " + e.getCode() + " " + e.getMessage());
            }
        }
        assertThat(refused).as("objects of the %s overlay the apiserver refused", environment).isEmpty();
        assertThat(accepted).isEqualTo(rendered.objects().size() - skipped.size());
        assertThat(client.apps().statefulSets().inNamespace(NAMESPACE).list().getItems()).as("dry-run persists nothing").isEmpty();
        ClusterReport.number("dry-run " + environment, accepted + " objects accepted, skipped: "
                + (skipped.isEmpty() ? "none" : CNPG_CLUSTER + " (no CRD)"));
    }

    @Nested
    @DisplayName("the check itself")
    class Control {

        @Test
        @DisplayName("refuses what only the server can judge: a StatefulSet whose container port is out of range decodes fine client-side but gets 422")
        void refusesInvalidObject() {
            StatefulSet sts = render("prod").all(StatefulSet.class).get(0);
            sts.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0).setContainerPort(70000);
            assertThatThrownBy(() -> dryRunCreate(sts)).isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
                    .hasMessageContaining("containerPort");
        }
    }
}
