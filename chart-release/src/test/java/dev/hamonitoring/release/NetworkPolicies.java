package dev.hamonitoring.release;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes NetworkPolicy semantics for pods of one namespace: a connection is allowed when the
 * sender's egress and the receiver's ingress both allow it; a direction is open for a pod no
 * policy of that direction selects. Ports are container ports (numbers); named ports in policies
 * are not resolved (the chart uses numbers).
 */
final class NetworkPolicies {

    private NetworkPolicies() {}

    /** Whether a pod labelled {@code from} may open {@code protocol/port} to a pod labelled {@code to} in the same namespace. */
    static boolean allows(
            List<NetworkPolicy> policies, Map<String, String> from, Map<String, String> to, int port, String protocol) {
        return egressAllows(policies, from, to, port, protocol) && ingressAllows(policies, from, to, port, protocol);
    }

    static boolean egressAllows(
            List<NetworkPolicy> policies, Map<String, String> from, Map<String, String> to, int port, String protocol) {
        List<NetworkPolicy> selecting = policies.stream()
                .filter(p -> matches(p.getSpec().getPodSelector(), from) && types(p).contains("Egress"))
                .toList();
        return selecting.isEmpty()
                || selecting.stream()
                        .flatMap(p -> p.getSpec().getEgress().stream())
                        .anyMatch(rule -> peers(rule.getTo(), to) && ports(rule.getPorts(), port, protocol));
    }

    static boolean ingressAllows(
            List<NetworkPolicy> policies, Map<String, String> from, Map<String, String> to, int port, String protocol) {
        List<NetworkPolicy> selecting = policies.stream()
                .filter(p -> matches(p.getSpec().getPodSelector(), to) && types(p).contains("Ingress"))
                .toList();
        return selecting.isEmpty()
                || selecting.stream()
                        .flatMap(p -> p.getSpec().getIngress().stream())
                        .anyMatch(rule -> peers(rule.getFrom(), from) && ports(rule.getPorts(), port, protocol));
    }

    private static List<String> types(NetworkPolicy policy) {
        List<String> types = policy.getSpec().getPolicyTypes();
        return types == null || types.isEmpty() ? List.of("Ingress") : types;
    }

    private static boolean peers(List<NetworkPolicyPeer> peers, Map<String, String> labels) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        return peers.stream()
                .anyMatch(peer -> peer.getIpBlock() == null
                        && peer.getNamespaceSelector() == null
                        && peer.getPodSelector() != null
                        && matches(peer.getPodSelector(), labels));
    }

    private static boolean ports(List<NetworkPolicyPort> ports, int port, String protocol) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        return ports.stream()
                .anyMatch(p -> protocol.equals(p.getProtocol() == null ? "TCP" : p.getProtocol())
                        && (p.getPort() == null
                                || (p.getPort().getIntVal() != null
                                        && (p.getEndPort() == null
                                                ? p.getPort().getIntVal() == port
                                                : p.getPort().getIntVal() <= port && port <= p.getEndPort()))));
    }

    /** Label selector semantics (matchLabels and matchExpressions). */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String value = labels.get(r.getKey());
                boolean ok = switch (r.getOperator()) {
                    case "In" -> value != null && r.getValues().contains(value);
                    case "NotIn" -> value == null || !r.getValues().contains(value);
                    case "Exists" -> value != null;
                    case "DoesNotExist" -> value == null;
                    default -> throw new IllegalArgumentException("Unknown selector operator " + r.getOperator());
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
