package dev.hamonitoring.analysis.network;

import dev.hamonitoring.analysis.model.Labels;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rendered NetworkPolicies against the communication graph: edges they deny, DNS and external
 * peers the pods cannot reach, rules that allow what no edge needs, and the rules towards
 * declared external peers (listed, not judged).
 */
public final class NetworkAudit {

    /** The cluster DNS pods the stack resolves names through. */
    public static final PolicyEvaluator.Peer KUBE_DNS =
            new PolicyEvaluator.Peer("kube-system", Map.of("k8s-app", "kube-dns"), null);

    /** An edge the policies deny. */
    public record Denied(Edge edge, PolicyEvaluator.Verdict verdict) {}

    /** An external peer a workload needs that its policies do not let through. */
    public record Unreachable(Workload workload, ExternalNeed.Kind kind, String probe, List<String> policies) {}

    /**
     * A rule (or part of one) that allows connections.
     *
     * @param policy policy name
     * @param direction Ingress or Egress
     * @param rule 1-based index of the rule in that direction
     * @param workload the release workload the policy selects
     * @param peer the other side, described
     * @param ports the ports, described
     * @param kinds the declared external needs it may serve (empty: internal or undeclared)
     */
    public record Allowance(
            String policy,
            String direction,
            int rule,
            Workload workload,
            String peer,
            String ports,
            List<ExternalNeed.Kind> kinds) {

        /** The needs it serves, for the report ("object storage / Kubernetes API server"). */
        public String need() {
            return kinds.stream().map(ExternalNeed.Kind::title).collect(Collectors.joining(" / "));
        }
    }

    private final List<Denied> denied = new ArrayList<>();
    private final List<Unreachable> unreachable = new ArrayList<>();
    private final List<Allowance> unneeded = new ArrayList<>();
    private final List<Allowance> external = new ArrayList<>();
    private final List<Allowance> undeclaredExternal = new ArrayList<>();
    private final List<ExternalNeed> notAdmitted = new ArrayList<>();

    public static NetworkAudit run(StackModel stack, CommunicationGraph graph, String operatorNamespace) {
        NetworkAudit audit = new NetworkAudit();
        PolicyEvaluator evaluator = new PolicyEvaluator(stack.networkPolicies(), stack.namespace());
        audit.edges(stack, graph, evaluator);
        audit.externalNeeds(stack, graph, evaluator, operatorNamespace);
        audit.rules(stack, graph, evaluator);
        audit.closedToClients(stack, graph, evaluator);
        return audit;
    }

    /** External clients (users, log agents) that no rule admits: an installer's choice, reported for information. */
    public List<ExternalNeed> notAdmitted() {
        return notAdmitted;
    }

    private void closedToClients(StackModel stack, CommunicationGraph graph, PolicyEvaluator evaluator) {
        for (ExternalNeed need : graph.externals()) {
            if (need.kind() != ExternalNeed.Kind.USERS && need.kind() != ExternalNeed.Kind.LOG_AGENTS) {
                continue;
            }
            boolean isolated =
                    !evaluator.selecting(pod(stack, need.workload()), "Ingress").isEmpty();
            boolean admitted = external.stream()
                    .anyMatch(a -> a.workload() == need.workload() && a.kinds().contains(need.kind()));
            if (isolated && !admitted) {
                notAdmitted.add(need);
            }
        }
    }

    public List<Denied> denied() {
        return denied;
    }

    public List<Unreachable> unreachable() {
        return unreachable;
    }

    public List<Allowance> unneeded() {
        return unneeded;
    }

    /** Rules towards declared external peers. */
    public List<Allowance> external() {
        return external;
    }

    /** Rules towards external peers no workload is declared to need. */
    public List<Allowance> undeclaredExternal() {
        return undeclaredExternal;
    }

    private static PolicyEvaluator.Peer pod(StackModel stack, Workload w) {
        return new PolicyEvaluator.Peer(stack.namespace(), w.representative().labels(), w);
    }

    private void edges(StackModel stack, CommunicationGraph graph, PolicyEvaluator evaluator) {
        for (Edge e : graph.edges()) {
            PolicyEvaluator.Verdict v =
                    evaluator.connection(pod(stack, e.from()), pod(stack, e.to()), e.port(), e.protocol());
            if (!v.allowed()) {
                denied.add(new Denied(e, v));
            }
        }
    }

    private void externalNeeds(
            StackModel stack, CommunicationGraph graph, PolicyEvaluator evaluator, String operatorNamespace) {
        PolicyEvaluator.Peer address = PolicyEvaluator.Peer.ofAddress();
        for (ExternalNeed need : graph.externals()) {
            PolicyEvaluator.Peer self = pod(stack, need.workload());
            switch (need.kind()) {
                case DNS -> {
                    List<String> denied = new ArrayList<>();
                    List<String> policies = new ArrayList<>();
                    for (String protocol : List.of("UDP", "TCP")) {
                        PolicyEvaluator.Verdict v = evaluator.connection(self, KUBE_DNS, 53, protocol);
                        if (!v.allowed()) {
                            denied.add("53/" + protocol);
                            policies = v.egressPolicies();
                        }
                    }
                    if (!denied.isEmpty()) {
                        unreachable.add(new Unreachable(
                                need.workload(),
                                need.kind(),
                                "the kube-dns pods (kube-system, k8s-app=kube-dns) on " + String.join(" and ", denied),
                                policies));
                    }
                }
                case OBJECT_STORAGE, KUBE_API, NOTIFICATIONS -> {
                    PolicyEvaluator.Verdict v = evaluator.connection(self, address, 443, "TCP");
                    if (!v.allowed()) {
                        unreachable.add(new Unreachable(
                                need.workload(),
                                need.kind(),
                                "an address outside the cluster's pods on 443/TCP",
                                v.egressPolicies()));
                    }
                }
                case CLUSTER_SCRAPE -> {
                    PolicyEvaluator.Verdict kubelet = evaluator.connection(self, address, 10250, "TCP");
                    PolicyEvaluator.Verdict pods = evaluator.connection(
                            self,
                            new PolicyEvaluator.Peer("some-other-namespace", Map.of("app", "scraped"), null),
                            8080,
                            "TCP");
                    if (!kubelet.allowed() || !pods.allowed()) {
                        unreachable.add(new Unreachable(
                                need.workload(),
                                need.kind(),
                                "kubelets (10250/TCP) and pods of other namespaces",
                                kubelet.egressPolicies()));
                    }
                }
                case OPERATOR -> {
                    PolicyEvaluator.Peer operator = new PolicyEvaluator.Peer(
                            operatorNamespace, Map.of("app.kubernetes.io/name", "cloudnative-pg"), null);
                    for (int port : List.of(8000, 5432)) {
                        PolicyEvaluator.Verdict v = evaluator.connection(operator, self, port, "TCP");
                        if (!v.allowed()) {
                            unreachable.add(new Unreachable(
                                    need.workload(),
                                    need.kind(),
                                    "the operator in namespace " + operatorNamespace + " calling port " + port + "/TCP",
                                    v.ingressPolicies()));
                        }
                    }
                }
                default -> {
                    // Users and log agents: which peers may come in is the installer's choice (values), not an
                    // invariant.
                }
            }
        }
    }

    private void rules(StackModel stack, CommunicationGraph graph, PolicyEvaluator evaluator) {
        for (NetworkPolicy policy : stack.networkPolicies()) {
            String ns = evaluator.namespaceOf(policy);
            if (!ns.equals(stack.namespace())) {
                continue;
            }
            Set<String> types = PolicyEvaluator.types(policy);
            for (Workload w : stack.workloads()) {
                if (!Labels.matches(
                        policy.getSpec().getPodSelector(), w.representative().labels())) {
                    continue;
                }
                if (types.contains("Ingress") && policy.getSpec().getIngress() != null) {
                    int index = 0;
                    for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                        index++;
                        judge(stack, graph, policy, "Ingress", index, w, rule.getFrom(), rule.getPorts());
                    }
                }
                if (types.contains("Egress") && policy.getSpec().getEgress() != null) {
                    int index = 0;
                    for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
                        index++;
                        judge(stack, graph, policy, "Egress", index, w, rule.getTo(), rule.getPorts());
                    }
                }
            }
        }
    }

    private void judge(
            StackModel stack,
            CommunicationGraph graph,
            NetworkPolicy policy,
            String direction,
            int index,
            Workload w,
            List<NetworkPolicyPeer> peers,
            List<NetworkPolicyPort> ports) {
        String name = policy.getMetadata().getName();
        String ns = stack.namespace();
        boolean ingress = "Ingress".equals(direction);
        boolean allPeers = peers == null || peers.isEmpty();
        String portText = describe(ports);
        // Peers outside the release: declared external needs justify them.
        List<String> externalPeers = new ArrayList<>();
        if (allPeers) {
            externalPeers.add("any peer");
        } else {
            for (NetworkPolicyPeer peer : peers) {
                if (isExternal(peer, ns)) {
                    externalPeers.add(describe(peer));
                }
            }
        }
        for (String peer : externalPeers) {
            List<ExternalNeed.Kind> kinds = justification(graph, w, ingress, peer, allPeers, peers, ns);
            Allowance a = new Allowance(name, direction, index, w, peer, portText, kinds);
            (kinds.isEmpty() ? undeclaredExternal : external).add(a);
        }
        if (allPeers && !ingress && graph.needs(w, ExternalNeed.Kind.CLUSTER_SCRAPE)) {
            return; // An allow-all egress for cluster-wide scraping covers the release's own pods too.
        }
        List<NetworkPolicyPort> specs = ports == null || ports.isEmpty() ? Collections.singletonList(null) : ports;
        List<String> wider = new ArrayList<>();
        for (Workload other : stack.workloads()) {
            PolicyEvaluator.Peer otherPod = pod(stack, other);
            if (!PolicyEvaluator.peersMatch(peers, ns, otherPod)) {
                continue;
            }
            Workload from = ingress ? other : w;
            Workload to = ingress ? w : other;
            List<Edge> pair = graph.edges().stream()
                    .filter(e -> e.from() == from && e.to() == to)
                    .toList();
            for (NetworkPolicyPort spec : specs) {
                if (spec == null) {
                    wider.add(from.component() + " → " + to.component() + " on all ports"
                            + (pair.isEmpty()
                                    ? ""
                                    : " (needs only "
                                            + pair.stream()
                                                    .map(e -> e.port() + "/" + e.protocol())
                                                    .distinct()
                                                    .collect(Collectors.joining(", "))
                                            + ")"));
                    continue;
                }
                boolean needed = pair.stream()
                        .anyMatch(e -> PolicyEvaluator.portsMatch(List.of(spec), e.port(), e.protocol(), to));
                if (!needed) {
                    wider.add(from.component() + " → " + to.component() + " " + describe(spec));
                }
            }
        }
        if (!wider.isEmpty()) {
            unneeded.add(new Allowance(name, direction, index, w, String.join("; ", wider), portText, List.of()));
        }
    }

    /** The declared external needs of the workload that a rule towards this external peer can serve. */
    private List<ExternalNeed.Kind> justification(
            CommunicationGraph graph,
            Workload w,
            boolean ingress,
            String peer,
            boolean allPeers,
            List<NetworkPolicyPeer> peers,
            String ns) {
        Set<ExternalNeed.Kind> candidates;
        if (ingress) {
            candidates = EnumSet.of(ExternalNeed.Kind.OPERATOR, ExternalNeed.Kind.USERS, ExternalNeed.Kind.LOG_AGENTS);
        } else if (allPeers) {
            candidates = EnumSet.of(ExternalNeed.Kind.CLUSTER_SCRAPE);
        } else if (peer.startsWith("ipBlock")) {
            candidates = EnumSet.of(
                    ExternalNeed.Kind.OBJECT_STORAGE, ExternalNeed.Kind.KUBE_API, ExternalNeed.Kind.NOTIFICATIONS);
        } else {
            boolean dns = peers.stream()
                    .anyMatch(p -> describe(p).equals(peer) && PolicyEvaluator.peerMatches(p, ns, KUBE_DNS));
            candidates = dns ? EnumSet.of(ExternalNeed.Kind.DNS) : EnumSet.of(ExternalNeed.Kind.CLUSTER_SCRAPE);
        }
        return candidates.stream().filter(k -> graph.needs(w, k)).toList();
    }

    /** Whether a peer reaches beyond the release's namespace (an ipBlock, or a namespaceSelector matching another namespace). */
    static boolean isExternal(NetworkPolicyPeer peer, String namespace) {
        if (peer.getIpBlock() != null) {
            return true;
        }
        LabelSelector selector = peer.getNamespaceSelector();
        if (selector == null) {
            return false;
        }
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add("some-other-namespace");
        if (selector.getMatchLabels() != null && selector.getMatchLabels().containsKey("kubernetes.io/metadata.name")) {
            candidates.add(selector.getMatchLabels().get("kubernetes.io/metadata.name"));
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                if ("kubernetes.io/metadata.name".equals(r.getKey()) && r.getValues() != null) {
                    candidates.addAll(r.getValues());
                }
            }
        }
        candidates.remove(namespace);
        return candidates.stream().anyMatch(c -> Labels.matches(selector, Map.of("kubernetes.io/metadata.name", c)));
    }

    public static String describe(NetworkPolicyPeer peer) {
        if (peer.getIpBlock() != null) {
            return "ipBlock " + peer.getIpBlock().getCidr()
                    + (peer.getIpBlock().getExcept() == null
                                    || peer.getIpBlock().getExcept().isEmpty()
                            ? ""
                            : " except " + peer.getIpBlock().getExcept());
        }
        List<String> parts = new ArrayList<>();
        if (peer.getNamespaceSelector() != null) {
            parts.add("namespaces " + Labels.describe(peer.getNamespaceSelector()));
        }
        if (peer.getPodSelector() != null) {
            parts.add("pods " + Labels.describe(peer.getPodSelector()));
        }
        return String.join(" ", parts);
    }

    public static String describe(List<NetworkPolicyPort> ports) {
        if (ports == null || ports.isEmpty()) {
            return "all ports";
        }
        return ports.stream().map(NetworkAudit::describe).collect(Collectors.joining(", "));
    }

    public static String describe(NetworkPolicyPort port) {
        String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
        IntOrString value = port.getPort();
        if (value == null) {
            return "all " + protocol + " ports";
        }
        String number = value.getIntVal() != null ? value.getIntVal().toString() : value.getStrVal();
        return number + (port.getEndPort() == null ? "" : "-" + port.getEndPort()) + "/" + protocol;
    }
}
