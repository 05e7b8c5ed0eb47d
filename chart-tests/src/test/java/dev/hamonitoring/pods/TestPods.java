package dev.hamonitoring.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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

    /**
     * A test-only service next to the release, named {@code name} throughout: a Deployment of one
     * restricted pod running {@code container} (labelled {@code app.kubernetes.io/name: name}), a
     * Service on {@code port}, and a NetworkPolicy admitting pods labelled {@code from} (every pod of
     * the namespace when empty) to that port only.
     */
    static void createService(
            KubernetesClient client, String ns, String name, Container container, int port, Map<String, String> from) {
        Map<String, String> labels = Map.of("app.kubernetes.io/name", name);
        client.apps()
                .deployments()
                .inNamespace(ns)
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(1)
                        .withNewSelector()
                        .withMatchLabels(labels)
                        .endSelector()
                        .withNewTemplate()
                        .withNewMetadata()
                        .withLabels(labels)
                        .endMetadata()
                        .withSpec(restrictedSpec(container))
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();
        client.services()
                .inNamespace(ns)
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .withNewSpec()
                        .withSelector(labels)
                        .addNewPort()
                        .withPort(port)
                        .withTargetPort(new IntOrString(port))
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        client.network()
                .v1()
                .networkPolicies()
                .inNamespace(ns)
                .resource(new NetworkPolicyBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .withNewSpec()
                        .withNewPodSelector()
                        .withMatchLabels(labels)
                        .endPodSelector()
                        .addNewIngress()
                        .addNewFrom()
                        .withNewPodSelector()
                        .withMatchLabels(from)
                        .endPodSelector()
                        .endFrom()
                        .addNewPort()
                        .withPort(new IntOrString(port))
                        .endPort()
                        .endIngress()
                        .withPolicyTypes("Ingress")
                        .endSpec()
                        .build())
                .create();
    }
}
