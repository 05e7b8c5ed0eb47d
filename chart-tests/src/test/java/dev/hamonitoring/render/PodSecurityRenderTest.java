package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Pod Security Standard "restricted", checked field by field on every pod template. */
@DisplayName("Pod security")
class PodSecurityRenderTest {

    /** Violations of the restricted profile in one pod spec; empty when it complies. */
    static List<String> restrictedViolations(String owner, PodSpec spec) {
        List<String> problems = new ArrayList<>();
        PodSecurityContext pod = spec.getSecurityContext();
        if (Boolean.TRUE.equals(spec.getHostNetwork())
                || Boolean.TRUE.equals(spec.getHostPID())
                || Boolean.TRUE.equals(spec.getHostIPC())) {
            problems.add(owner + ": shares a host namespace");
        }
        for (Volume volume : spec.getVolumes() == null ? List.<Volume>of() : spec.getVolumes()) {
            if (volume.getHostPath() != null) {
                problems.add(owner + ": hostPath volume " + volume.getName());
            }
        }
        boolean podNonRoot = pod != null && Boolean.TRUE.equals(pod.getRunAsNonRoot());
        boolean podSeccomp = pod != null
                && pod.getSeccompProfile() != null
                && List.of("RuntimeDefault", "Localhost")
                        .contains(pod.getSeccompProfile().getType());
        if (pod != null && pod.getRunAsUser() != null && pod.getRunAsUser() == 0) {
            problems.add(owner + ": pod runs as UID 0");
        }
        List<Container> containers = new ArrayList<>(spec.getContainers());
        if (spec.getInitContainers() != null) {
            containers.addAll(spec.getInitContainers());
        }
        for (Container container : containers) {
            String where = owner + "/" + container.getName();
            SecurityContext sc = container.getSecurityContext();
            if (sc == null) {
                problems.add(where + ": no securityContext");
                continue;
            }
            if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                problems.add(where + ": allowPrivilegeEscalation is not false");
            }
            if (Boolean.TRUE.equals(sc.getPrivileged())) {
                problems.add(where + ": privileged");
            }
            if (sc.getCapabilities() == null
                    || sc.getCapabilities().getDrop() == null
                    || !sc.getCapabilities().getDrop().contains("ALL")) {
                problems.add(where + ": does not drop ALL capabilities");
            }
            if (sc.getCapabilities() != null
                    && sc.getCapabilities().getAdd() != null
                    && !List.of("NET_BIND_SERVICE")
                            .containsAll(sc.getCapabilities().getAdd())) {
                problems.add(
                        where + ": adds capabilities " + sc.getCapabilities().getAdd());
            }
            if (!podNonRoot && !Boolean.TRUE.equals(sc.getRunAsNonRoot())) {
                problems.add(where + ": runAsNonRoot is not true");
            }
            if (sc.getRunAsUser() != null && sc.getRunAsUser() == 0) {
                problems.add(where + ": runs as UID 0");
            }
            boolean containerSeccomp = sc.getSeccompProfile() != null
                    && List.of("RuntimeDefault", "Localhost")
                            .contains(sc.getSeccompProfile().getType());
            if (!podSeccomp && !containerSeccomp) {
                problems.add(where + ": no RuntimeDefault seccomp profile");
            }
            for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
                if (port.getHostPort() != null && port.getHostPort() != 0) {
                    problems.add(where + ": hostPort " + port.getHostPort());
                }
            }
        }
        return problems;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "staging", "prod"})
    @DisplayName("every pod template in the release namespace meets the restricted Pod Security Standard")
    void restricted(String environment) {
        RenderedRelease release = Releases.overlay(environment);
        List<String> problems = new ArrayList<>();
        for (HasMetadata workload : Releases.workloads(release)) {
            if (!workload.getMetadata().getNamespace().equals("monitoring")) {
                continue;
            }
            problems.addAll(restrictedViolations(workload.getMetadata().getName(), Releases.podSpec(workload)));
        }
        assertThat(problems).isEmpty();
        assertThat(Releases.workloads(release)).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"staging", "prod"})
    @DisplayName(
            "node-exporter breaks restricted only by its host namespaces and read-only host paths, in a namespace of its own labelled privileged")
    void nodeExporterOwnNamespace(String environment) {
        RenderedRelease release = Releases.overlay(environment);
        DaemonSet nodeExporter = release.one(DaemonSet.class, "monitoring-node-exporter");
        assertThat(nodeExporter.getMetadata().getNamespace()).isEqualTo("monitoring-node-exporter");
        assertThat(restrictedViolations("node-exporter", Releases.podSpec(nodeExporter)))
                .containsExactlyInAnyOrder(
                        "node-exporter: shares a host namespace",
                        "node-exporter: hostPath volume proc",
                        "node-exporter: hostPath volume sys",
                        "node-exporter: hostPath volume root");
        assertThat(Releases.podSpec(nodeExporter).getContainers().get(0).getVolumeMounts())
                .allSatisfy(m -> assertThat(m.getReadOnly()).as(m.getName()).isTrue());
        Namespace namespace = release.one(Namespace.class, "monitoring-node-exporter");
        assertThat(namespace.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
        assertThat(release.all(Namespace.class))
                .as("the release namespace is not the chart's to create")
                .hasSize(1);
    }

    @Test
    @DisplayName(
            "negative twin: node-exporter in the release namespace, or without cluster-wide discovery, is refused naming the key")
    void nodeExporterMisplaced() {
        assertThatThrownBy(() -> Releases.render("prod")
                        .set("nodeExporter.namespace", "monitoring")
                        .render())
                .isInstanceOf(ChartRenderException.class)
                .hasMessageContaining("nodeExporter.namespace=monitoring is the release namespace");
        assertThatThrownBy(() -> Releases.render("prod")
                        .set("prometheus.scrapeCluster", "false")
                        .render())
                .isInstanceOf(ChartRenderException.class)
                .hasMessageContaining("nodeExporter.enabled=true but prometheus.scrapeCluster=false");
        assertThat(Releases.overlay("dev").all(DaemonSet.class))
                .as("off in dev")
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("only Prometheus and kube-state-metrics, which read the API, mount a service-account token")
    void tokensOnlyWhereNeeded(String environment) {
        for (HasMetadata workload : Releases.workloads(Releases.overlay(environment))) {
            boolean expected = List.of("prometheus", "kube-state-metrics")
                    .contains(Releases.podLabels(workload).get("app.kubernetes.io/name"));
            assertThat(Releases.podSpec(workload).getAutomountServiceAccountToken())
                    .as(workload.getMetadata().getName())
                    .isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("the restricted check itself rejects a privileged root container")
    void checkCanFail() {
        PodSpec bad = new PodSpecBuilder()
                .addNewContainer()
                .withName("bad")
                .withNewSecurityContext()
                .withPrivileged(true)
                .withRunAsUser(0L)
                .endSecurityContext()
                .endContainer()
                .build();
        assertThat(restrictedViolations("bad-pod", bad))
                .contains(
                        "bad-pod/bad: privileged",
                        "bad-pod/bad: runs as UID 0",
                        "bad-pod/bad: does not drop ALL capabilities");
    }
}
