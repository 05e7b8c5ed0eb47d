package dev.hamonitoring.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.Map;

/** Pods the tests add next to the release: admitted by Pod Security {@code restricted}, placed on any node. */
final class TestPods {

    private TestPods() {}

    /**
     * A pod spec around one container: non-root (65534), no privilege escalation, every capability
     * dropped, the runtime's seccomp profile, a read-only root; tolerates every taint (the prod pool's
     * included) and asks for little.
     */
    static PodSpec restrictedSpec(Container container) {
        Container hardened = new ContainerBuilder(container)
                .withImagePullPolicy("IfNotPresent")
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .withNewResources()
                .withRequests(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("16Mi")))
                .withLimits(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("256Mi")))
                .endResources()
                .build();
        return new PodSpecBuilder()
                .withContainers(hardened)
                .withTerminationGracePeriodSeconds(1L)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(65534L)
                .withRunAsGroup(65534L)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .withTolerations(new TolerationBuilder().withOperator("Exists").build())
                .build();
    }
}
