package dev.hamonitoring.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ClusterExtension.class)
@DisplayName("The offline control plane harness")
class ControlPlaneIT {

    @Test
    @DisplayName(
            "starts a second, independent control plane (warm), schedules a pod on a fake node, enforces PodSecurity, and leaves no process or directory behind on close")
    void warmStartAndCleanShutdown() {
        ControlPlane shared = ClusterExtension.controlPlane();
        List<Long> pids;
        Path kubeconfig;
        try (ControlPlane plane = ControlPlane.start()) {
            ClusterReport.number(
                    "control plane, warm start (second in JVM)", String.format("%.1f s", plane.startSeconds()));
            assertThat(plane.coldStart()).isFalse();
            assertThat(plane.name()).isNotEqualTo(shared.name());
            assertThat(plane.client().getKubernetesVersion().getGitVersion()).isEqualTo(plane.kubeVersion());
            pids = plane.pids();
            kubeconfig = plane.kubeconfig();
            assertThat(pids)
                    .as("etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok-controller")
                    .hasSize(5);

            List<Node> nodes = plane.topology(ClusterTopology.zones(1));
            assertThat(nodes).extracting(n -> n.getMetadata().getName()).containsExactly("zone-a-1");

            ReleaseNamespace.create(plane.client(), "smoke");
            Pod pod = plane.client()
                    .pods()
                    .inNamespace("smoke")
                    .resource(new PodBuilder()
                            .withNewMetadata()
                            .withName("web")
                            .endMetadata()
                            .withNewSpec()
                            .addNewContainer()
                            .withName("web")
                            .withImage("registry.invalid/web:1")
                            .withNewSecurityContext()
                            .withAllowPrivilegeEscalation(false)
                            .withRunAsNonRoot(true)
                            .withRunAsUser(1000L)
                            .withNewCapabilities()
                            .withDrop("ALL")
                            .endCapabilities()
                            .withNewSeccompProfile()
                            .withType("RuntimeDefault")
                            .endSeccompProfile()
                            .endSecurityContext()
                            .endContainer()
                            .endSpec()
                            .build())
                    .create();
            await("pod bound and Ready")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> ReleaseWorkloads.isReady(plane.client()
                            .pods()
                            .inNamespace("smoke")
                            .withName(pod.getMetadata().getName())
                            .get()));
            assertThat(plane.client()
                            .pods()
                            .inNamespace("smoke")
                            .withName("web")
                            .get()
                            .getSpec()
                            .getNodeName())
                    .isEqualTo("zone-a-1");

            Pod privileged = new PodBuilder()
                    .withNewMetadata()
                    .withName("priv")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("priv")
                    .withImage("registry.invalid/priv:1")
                    .withNewSecurityContext()
                    .withPrivileged(true)
                    .endSecurityContext()
                    .endContainer()
                    .endSpec()
                    .build();
            KubernetesClientException refused = Assertions.assertThrows(
                    KubernetesClientException.class,
                    () -> plane.client()
                            .pods()
                            .inNamespace("smoke")
                            .resource(privileged)
                            .create());
            assertThat(refused.getCode()).isEqualTo(403);
            assertThat(refused.getMessage()).contains("violates PodSecurity \"restricted:latest\"");
        }
        assertThat(pids)
                .allSatisfy(pid -> assertThat(ControlPlane.running(pid))
                        .as("process %s still alive after close", pid)
                        .isFalse());
        assertThat(Files.exists(kubeconfig)).as("work directory removed").isFalse();
        assertThat(shared.client().getKubernetesVersion().getGitVersion())
                .as("the shared control plane is untouched")
                .isEqualTo(shared.kubeVersion());
    }
}
