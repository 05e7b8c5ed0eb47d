package dev.hamonitoring.analysis.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("NetworkPolicy evaluation")
class PolicyEvaluatorTest {

    private static final Map<String, String> SERVER = Map.of("app", "server");
    private static final Map<String, String> CLIENT = Map.of("app", "client");

    private static final Workload SERVER_WORKLOAD = new StackModel(
                    List.of(new StatefulSetBuilder()
                            .withNewMetadata()
                            .withName("server")
                            .endMetadata()
                            .withNewSpec()
                            .withReplicas(1)
                            .withNewTemplate()
                            .withNewMetadata()
                            .withLabels(SERVER)
                            .endMetadata()
                            .withNewSpec()
                            .addNewContainer()
                            .withName("server")
                            .withImage("example/server:1")
                            .withPorts(new ContainerPortBuilder()
                                    .withName("http")
                                    .withContainerPort(8080)
                                    .build())
                            .endContainer()
                            .endSpec()
                            .endTemplate()
                            .endSpec()
                            .build()),
                    "r",
                    "ns")
            .workloads()
            .get(0);

    private static PolicyEvaluator.Peer server() {
        return new PolicyEvaluator.Peer("ns", SERVER, SERVER_WORKLOAD);
    }

    private static PolicyEvaluator.Peer client() {
        return new PolicyEvaluator.Peer("ns", CLIENT, null);
    }

    private static NetworkPolicyBuilder policy(Map<String, String> selects) {
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName("p")
                .withNamespace("ns")
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .withMatchLabels(selects)
                .endPodSelector()
                .endSpec();
    }

    @Nested
    @DisplayName("isolation")
    class Isolation {

        @Test
        @DisplayName("pods no policy selects are open in both directions")
        void unselectedPodsAreOpen() {
            PolicyEvaluator evaluator = new PolicyEvaluator(List.of(), "ns");
            assertThat(evaluator.connection(client(), server(), 8080, "TCP").allowed())
                    .isTrue();
        }

        @Test
        @DisplayName("without policyTypes, a policy with only ingress rules isolates ingress only")
        void defaultPolicyTypes() {
            NetworkPolicy ingressOnly = policy(CLIENT)
                    .editSpec()
                    .addNewIngress()
                    .endIngress()
                    .endSpec()
                    .build();
            PolicyEvaluator evaluator = new PolicyEvaluator(List.of(ingressOnly), "ns");
            assertThat(PolicyEvaluator.types(ingressOnly)).containsExactly("Ingress");
            assertThat(evaluator.connection(client(), server(), 8080, "TCP").egressAllowed())
                    .isTrue();
        }

        @Test
        @DisplayName("an isolated server needs an ingress rule even when the client's egress allows it")
        void bothEnds() {
            NetworkPolicy deny = policy(SERVER)
                    .editSpec()
                    .withPolicyTypes("Ingress")
                    .endSpec()
                    .build();
            PolicyEvaluator.Verdict v =
                    new PolicyEvaluator(List.of(deny), "ns").connection(client(), server(), 8080, "TCP");
            assertThat(v.allowed()).isFalse();
            assertThat(v.egressAllowed()).isTrue();
            assertThat(v.ingressPolicies()).containsExactly("p");
        }
    }

    @Nested
    @DisplayName("rules")
    class Rules {

        @Test
        @DisplayName("a named port matches the destination's container port of that name")
        void namedPort() {
            NetworkPolicy named = policy(SERVER)
                    .editSpec()
                    .withPolicyTypes("Ingress")
                    .addNewIngress()
                    .addNewFrom()
                    .withNewPodSelector()
                    .withMatchLabels(CLIENT)
                    .endPodSelector()
                    .endFrom()
                    .addNewPort()
                    .withNewPort("http")
                    .endPort()
                    .endIngress()
                    .endSpec()
                    .build();
            PolicyEvaluator evaluator = new PolicyEvaluator(List.of(named), "ns");
            assertThat(evaluator.connection(client(), server(), 8080, "TCP").allowed())
                    .isTrue();
            assertThat(evaluator.connection(client(), server(), 9090, "TCP").allowed())
                    .isFalse();
            assertThat(evaluator.connection(client(), server(), 8080, "UDP").allowed())
                    .isFalse();
        }

        @Test
        @DisplayName("namespaceSelector and podSelector in one peer must both match")
        void peerSelectorsAnd() {
            NetworkPolicy both = policy(SERVER)
                    .editSpec()
                    .withPolicyTypes("Ingress")
                    .addNewIngress()
                    .addNewFrom()
                    .withNewNamespaceSelector()
                    .withMatchLabels(Map.of("kubernetes.io/metadata.name", "other"))
                    .endNamespaceSelector()
                    .withNewPodSelector()
                    .withMatchLabels(CLIENT)
                    .endPodSelector()
                    .endFrom()
                    .endIngress()
                    .endSpec()
                    .build();
            PolicyEvaluator evaluator = new PolicyEvaluator(List.of(both), "ns");
            assertThat(evaluator.connection(client(), server(), 8080, "TCP").allowed())
                    .isFalse();
            assertThat(evaluator
                            .connection(new PolicyEvaluator.Peer("other", CLIENT, null), server(), 8080, "TCP")
                            .allowed())
                    .isTrue();
            assertThat(evaluator
                            .connection(
                                    new PolicyEvaluator.Peer("other", Map.of("app", "x"), null), server(), 8080, "TCP")
                            .allowed())
                    .isFalse();
        }

        @Test
        @DisplayName("an ipBlock matches addresses outside the cluster's pods, not pods")
        void ipBlock() {
            NetworkPolicy ip = policy(CLIENT)
                    .editSpec()
                    .withPolicyTypes("Egress")
                    .addNewEgress()
                    .addNewTo()
                    .withNewIpBlock()
                    .withCidr("0.0.0.0/0")
                    .endIpBlock()
                    .endTo()
                    .endEgress()
                    .endSpec()
                    .build();
            PolicyEvaluator evaluator = new PolicyEvaluator(List.of(ip), "ns");
            assertThat(evaluator.connection(client(), server(), 8080, "TCP").allowed())
                    .isFalse();
            assertThat(evaluator
                            .connection(client(), PolicyEvaluator.Peer.ofAddress(), 443, "TCP")
                            .allowed())
                    .isTrue();
        }
    }
}
