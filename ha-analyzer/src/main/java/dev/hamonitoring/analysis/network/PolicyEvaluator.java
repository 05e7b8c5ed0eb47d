package dev.hamonitoring.analysis.network;

import dev.hamonitoring.analysis.model.Labels;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * NetworkPolicy semantics (networking.k8s.io/v1): a pod is isolated in a direction when a policy
 * of its namespace selects it with that policy type (policyTypes defaulting to Ingress, plus
 * Egress when egress rules are present); traffic is then allowed when any rule of any such policy
 * matches peer and port, and a connection needs both the client's egress and the server's ingress.
 * Peers: podSelector (policy's namespace), namespaceSelector (namespaces by label), both (AND),
 * ipBlock (addresses outside the cluster's pods: CNIs differ for pod IPs, so none are assumed).
 * Ports: number, endPort range or a named container port of the destination, protocol default TCP.
 */
public final class PolicyEvaluator {

    /**
     * A pod at one end of a connection.
     *
     * @param namespace its namespace
     * @param labels its labels; null for an address outside the cluster's pods
     * @param workload the release workload it belongs to (for named ports), or null
     */
    public record Peer(String namespace, Map<String, String> labels, Workload workload) {

        public static Peer ofAddress() {
            return new Peer(null, null, null);
        }

        public boolean isAddress() {
            return labels == null;
        }

        public Map<String, String> namespaceLabels() {
            return namespace == null ? Map.of() : Map.of("kubernetes.io/metadata.name", namespace);
        }
    }

    /** Whether a connection passes, and the policies that isolate each end. */
    public record Verdict(
            boolean allowed,
            boolean egressAllowed,
            boolean ingressAllowed,
            List<String> egressPolicies,
            List<String> ingressPolicies) {}

    private final List<NetworkPolicy> policies;
    private final String defaultNamespace;

    public PolicyEvaluator(List<NetworkPolicy> policies, String defaultNamespace) {
        this.policies = List.copyOf(policies);
        this.defaultNamespace = defaultNamespace;
    }

    public String namespaceOf(NetworkPolicy p) {
        return p.getMetadata().getNamespace() == null
                ? defaultNamespace
                : p.getMetadata().getNamespace();
    }

    /** Ingress, Egress or both, with the API's default. */
    public static Set<String> types(NetworkPolicy p) {
        List<String> declared = p.getSpec().getPolicyTypes();
        if (declared != null && !declared.isEmpty()) {
            return new LinkedHashSet<>(declared);
        }
        Set<String> types = new LinkedHashSet<>();
        types.add("Ingress");
        if (p.getSpec().getEgress() != null && !p.getSpec().getEgress().isEmpty()) {
            types.add("Egress");
        }
        return types;
    }

    /** Policies that select the pod for this direction ("Ingress" or "Egress"). */
    public List<NetworkPolicy> selecting(Peer pod, String type) {
        if (pod.isAddress()) {
            return List.of();
        }
        return policies.stream()
                .filter(p -> namespaceOf(p).equals(pod.namespace()))
                .filter(p -> types(p).contains(type))
                .filter(p -> Labels.matches(p.getSpec().getPodSelector(), pod.labels()))
                .collect(Collectors.toList());
    }

    /** A connection from src to dst:port/protocol; pods outside the evaluated namespace are only judged on the release's side. */
    public Verdict connection(Peer src, Peer dst, int port, String protocol) {
        List<NetworkPolicy> egress = selecting(src, "Egress");
        List<NetworkPolicy> ingress = selecting(dst, "Ingress");
        boolean egressOk = egress.isEmpty() || egress.stream().anyMatch(p -> egressAllows(p, dst, port, protocol));
        boolean ingressOk =
                ingress.isEmpty() || ingress.stream().anyMatch(p -> ingressAllows(p, src, dst, port, protocol));
        return new Verdict(egressOk && ingressOk, egressOk, ingressOk, names(egress), names(ingress));
    }

    private static List<String> names(List<NetworkPolicy> policies) {
        return policies.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toList());
    }

    private boolean egressAllows(NetworkPolicy p, Peer dst, int port, String protocol) {
        if (p.getSpec().getEgress() == null) {
            return false;
        }
        for (NetworkPolicyEgressRule rule : p.getSpec().getEgress()) {
            if (peersMatch(rule.getTo(), namespaceOf(p), dst)
                    && portsMatch(rule.getPorts(), port, protocol, dst.workload())) {
                return true;
            }
        }
        return false;
    }

    private boolean ingressAllows(NetworkPolicy p, Peer src, Peer dst, int port, String protocol) {
        if (p.getSpec().getIngress() == null) {
            return false;
        }
        for (NetworkPolicyIngressRule rule : p.getSpec().getIngress()) {
            if (peersMatch(rule.getFrom(), namespaceOf(p), src)
                    && portsMatch(rule.getPorts(), port, protocol, dst.workload())) {
                return true;
            }
        }
        return false;
    }

    /** An empty or absent peer list matches everything. */
    public static boolean peersMatch(List<NetworkPolicyPeer> peers, String policyNamespace, Peer target) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        return peers.stream().anyMatch(peer -> peerMatches(peer, policyNamespace, target));
    }

    public static boolean peerMatches(NetworkPolicyPeer peer, String policyNamespace, Peer target) {
        if (peer.getIpBlock() != null) {
            return target.isAddress();
        }
        if (target.isAddress()) {
            return false;
        }
        boolean namespaceOk = peer.getNamespaceSelector() == null
                ? policyNamespace.equals(target.namespace())
                : Labels.matches(peer.getNamespaceSelector(), target.namespaceLabels());
        boolean podOk = peer.getPodSelector() == null || Labels.matches(peer.getPodSelector(), target.labels());
        return namespaceOk && podOk && (peer.getNamespaceSelector() != null || peer.getPodSelector() != null);
    }

    /** An empty or absent port list matches every port. */
    public static boolean portsMatch(List<NetworkPolicyPort> ports, int port, String protocol, Workload destination) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : ports) {
            String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
            if (!proto.equals(protocol)) {
                continue;
            }
            IntOrString value = p.getPort();
            if (value == null || (value.getIntVal() == null && value.getStrVal() == null)) {
                return true;
            }
            if (value.getIntVal() != null) {
                int from = value.getIntVal();
                int to = p.getEndPort() == null ? from : p.getEndPort();
                if (port >= from && port <= to) {
                    return true;
                }
            } else if (destination != null) {
                for (ContainerPort cp : destination.ports()) {
                    String cpProto = cp.getProtocol() == null ? "TCP" : cp.getProtocol();
                    if (value.getStrVal().equals(cp.getName())
                            && cpProto.equals(protocol)
                            && cp.getContainerPort() == port) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
