package dev.hamonitoring.analysis.topology;

import dev.hamonitoring.analysis.model.Labels;
import dev.hamonitoring.analysis.model.PodInstance;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Places pods on a topology the way kube-scheduler's filters allow: nodeSelector, required node
 * affinity, NoSchedule/NoExecute taints, required pod (anti-)affinity (both the incoming pod's and
 * the placed pods'), and DoNotSchedule topology spread constraints (maxSkew against the global
 * minimum over eligible domains, minDomains, nodeAffinityPolicy default Honor, nodeTaintsPolicy
 * default Ignore). Soft rules (preferred terms, ScheduleAnyway, PreferNoSchedule) do not
 * constrain: among the nodes the hard rules allow, a {@link Goal} picks one, so the worst case
 * for a failure domain is a placement the scheduler could really make. Node resources are not
 * modelled.
 */
public final class Scheduler {

    /** How to choose among feasible nodes. */
    public enum Goal {
        /** Fewest pods of the same workload in the zone, then on the node: the friendliest placement. */
        SPREAD,
        /** As many pods of every workload as the hard rules allow on the target node. */
        CONCENTRATE_ON_NODE,
        /** As many pods of every workload as the hard rules allow in the target zone. */
        CONCENTRATE_IN_ZONE
    }

    /** Where every pod went: placed on a node, or pending with the reason. */
    public record Placement(Map<PodInstance, Node> placed, Map<PodInstance, String> pending) {

        public List<PodInstance> placedOf(Workload w) {
            return placed.keySet().stream().filter(p -> p.workload() == w).toList();
        }

        public List<PodInstance> pendingOf(Workload w) {
            return pending.keySet().stream().filter(p -> p.workload() == w).toList();
        }
    }

    private final Topology topology;
    private final String namespace;

    public Scheduler(Topology topology, String namespace) {
        this.topology = topology;
        this.namespace = namespace;
    }

    /** Places every pod of the workloads, in order, choosing nodes by the goal (target: a node or zone name). */
    public Placement place(List<Workload> workloads, Goal goal, String target) {
        Map<PodInstance, Node> placed = new LinkedHashMap<>();
        Map<PodInstance, String> pending = new LinkedHashMap<>();
        for (Workload w : workloads) {
            for (PodInstance pod : w.pods()) {
                List<Node> feasible = new ArrayList<>();
                Map<String, List<String>> reasons = new TreeMap<>();
                for (Node node : topology.nodes()) {
                    String reason = unfit(pod, node, placed);
                    if (reason == null) {
                        feasible.add(node);
                    } else {
                        reasons.computeIfAbsent(reason, k -> new ArrayList<>()).add(node.name());
                    }
                }
                if (feasible.isEmpty()) {
                    pending.put(pod, summarize(reasons));
                } else {
                    placed.put(pod, choose(pod, feasible, placed, goal, target));
                }
            }
        }
        return new Placement(placed, pending);
    }

    private Node choose(PodInstance pod, List<Node> feasible, Map<PodInstance, Node> placed, Goal goal, String target) {
        Map<String, Integer> perZone = new HashMap<>();
        Map<String, Integer> perNode = new HashMap<>();
        placed.forEach((p, n) -> {
            if (p.workload() == pod.workload()) {
                perZone.merge(n.zone(), 1, Integer::sum);
                perNode.merge(n.name(), 1, Integer::sum);
            }
        });
        Comparator<Node> spread = Comparator.<Node>comparingInt(n -> perZone.getOrDefault(n.zone(), 0))
                .thenComparingInt(n -> perNode.getOrDefault(n.name(), 0))
                .thenComparingInt(n -> topology.nodes().indexOf(n));
        if (goal == Goal.CONCENTRATE_ON_NODE) {
            for (Node n : feasible) {
                if (n.name().equals(target)) {
                    return n;
                }
            }
        } else if (goal == Goal.CONCENTRATE_IN_ZONE) {
            List<Node> inZone =
                    feasible.stream().filter(n -> n.zone().equals(target)).toList();
            if (!inZone.isEmpty()) {
                return inZone.stream().min(spread).orElseThrow();
            }
        }
        // Elsewhere as evenly as possible: that also raises the global minimum a skew limit compares against.
        return feasible.stream().min(spread).orElseThrow();
    }

    private static String summarize(Map<String, List<String>> reasons) {
        List<String> parts = new ArrayList<>();
        reasons.forEach((reason, nodes) ->
                parts.add(reason + " (" + (nodes.size() == 1 ? nodes.get(0) : nodes.size() + " nodes") + ")"));
        return String.join("; ", parts);
    }

    // --------------------------------------------------------------------------------- filters

    /** Why the node cannot take the pod whatever else runs there (node selector, node affinity, taints), or null. */
    public static String staticUnfit(PodSpec spec, Node node) {
        if (spec.getNodeSelector() != null) {
            for (Map.Entry<String, String> e : new TreeMap<>(spec.getNodeSelector()).entrySet()) {
                if (!Objects.equals(node.labels().get(e.getKey()), e.getValue())) {
                    return "node lacks label " + e.getKey() + "=" + e.getValue() + " (nodeSelector)";
                }
            }
        }
        if (!requiredNodeAffinityMatches(spec.getAffinity(), node)) {
            return "node does not match the required node affinity";
        }
        for (Taint taint : node.taints()) {
            if (taint.isHard() && !taint.toleratedBy(spec.getTolerations())) {
                return "node has taint " + taint + " that the pod does not tolerate";
            }
        }
        return null;
    }

    private static boolean requiredNodeAffinityMatches(Affinity affinity, Node node) {
        if (affinity == null
                || affinity.getNodeAffinity() == null
                || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return true;
        }
        List<NodeSelectorTerm> terms = affinity.getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms();
        if (terms == null || terms.isEmpty()) {
            return true;
        }
        for (NodeSelectorTerm term : terms) {
            boolean all = true;
            if (term.getMatchExpressions() != null) {
                for (NodeSelectorRequirement r : term.getMatchExpressions()) {
                    all &= Labels.matches(r, node.labels());
                }
            }
            if (term.getMatchFields() != null) {
                for (NodeSelectorRequirement r : term.getMatchFields()) {
                    all &= Labels.matches(r, Map.of(r.getKey(), "metadata.name".equals(r.getKey()) ? node.name() : ""));
                }
            }
            boolean empty = (term.getMatchExpressions() == null
                            || term.getMatchExpressions().isEmpty())
                    && (term.getMatchFields() == null || term.getMatchFields().isEmpty());
            if (all && !empty) {
                return true;
            }
        }
        return false;
    }

    private String unfit(PodInstance pod, Node node, Map<PodInstance, Node> placed) {
        PodSpec spec = pod.workload().podSpec();
        String reason = staticUnfit(spec, node);
        if (reason != null) {
            return reason;
        }
        for (PodAffinityTerm term : requiredAntiAffinity(spec)) {
            String domain = node.labels().get(term.getTopologyKey());
            if (domain == null) {
                continue;
            }
            for (Map.Entry<PodInstance, Node> e : placed.entrySet()) {
                if (domain.equals(e.getValue().labels().get(term.getTopologyKey())) && termSelects(term, e.getKey())) {
                    return "required pod anti-affinity on " + term.getTopologyKey() + " "
                            + Labels.describe(term.getLabelSelector()) + " (a matching pod already runs in that "
                            + shortKey(term.getTopologyKey()) + ")";
                }
            }
        }
        for (Map.Entry<PodInstance, Node> e : placed.entrySet()) {
            for (PodAffinityTerm term :
                    requiredAntiAffinity(e.getKey().workload().podSpec())) {
                String theirs = e.getValue().labels().get(term.getTopologyKey());
                if (theirs != null
                        && theirs.equals(node.labels().get(term.getTopologyKey()))
                        && termSelects(term, pod)) {
                    return "pod " + e.getKey().name() + " there has required anti-affinity against it on "
                            + term.getTopologyKey();
                }
            }
        }
        for (PodAffinityTerm term : requiredAffinity(spec)) {
            String domain = node.labels().get(term.getTopologyKey());
            boolean anyMatching = placed.keySet().stream().anyMatch(p -> termSelects(term, p));
            boolean nearby = domain != null
                    && placed.entrySet().stream()
                            .anyMatch(e -> domain.equals(e.getValue().labels().get(term.getTopologyKey()))
                                    && termSelects(term, e.getKey()));
            boolean firstOfItsKind = !anyMatching && termSelects(term, pod);
            if (!nearby && !firstOfItsKind) {
                return "required pod affinity on " + term.getTopologyKey() + " "
                        + Labels.describe(term.getLabelSelector()) + " not met";
            }
        }
        if (spec.getTopologySpreadConstraints() != null) {
            for (TopologySpreadConstraint c : spec.getTopologySpreadConstraints()) {
                if (!"DoNotSchedule".equals(c.getWhenUnsatisfiable())) {
                    continue;
                }
                String skewReason = skewViolation(pod, node, placed, c);
                if (skewReason != null) {
                    return skewReason;
                }
            }
        }
        return null;
    }

    private String skewViolation(
            PodInstance pod, Node node, Map<PodInstance, Node> placed, TopologySpreadConstraint c) {
        String key = c.getTopologyKey();
        String domain = node.labels().get(key);
        if (domain == null) {
            return "node has no " + key + " label (topology spread constraint, DoNotSchedule)";
        }
        PodSpec spec = pod.workload().podSpec();
        boolean honorAffinity = c.getNodeAffinityPolicy() == null || "Honor".equals(c.getNodeAffinityPolicy());
        boolean honorTaints = "Honor".equals(c.getNodeTaintsPolicy());
        Set<String> eligibleNodes = new LinkedHashSet<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (Node n : topology.nodes()) {
            if (n.labels().get(key) == null) {
                continue;
            }
            if (honorAffinity && !affinityOnlyFit(spec, n)) {
                continue;
            }
            if (honorTaints && n.taints().stream().anyMatch(t -> t.isHard() && !t.toleratedBy(spec.getTolerations()))) {
                continue;
            }
            eligibleNodes.add(n.name());
            counts.putIfAbsent(n.labels().get(key), 0);
        }
        LabelSelector selector = withMatchLabelKeys(c, pod);
        for (Map.Entry<PodInstance, Node> e : placed.entrySet()) {
            if (eligibleNodes.contains(e.getValue().name())
                    && Labels.matches(selector, e.getKey().labels())) {
                counts.merge(e.getValue().labels().get(key), 1, Integer::sum);
            }
        }
        int minDomains = c.getMinDomains() == null ? 1 : c.getMinDomains();
        int globalMin = counts.size() < minDomains
                ? 0
                : counts.values().stream().min(Integer::compare).orElse(0);
        int self = Labels.matches(selector, pod.labels()) ? 1 : 0;
        int skew = counts.getOrDefault(domain, 0) + self - globalMin;
        if (skew > c.getMaxSkew()) {
            return "topology spread on " + key + " (maxSkew " + c.getMaxSkew() + ", DoNotSchedule) would reach skew "
                    + skew;
        }
        return null;
    }

    private static boolean affinityOnlyFit(PodSpec spec, Node node) {
        if (spec.getNodeSelector() != null) {
            for (Map.Entry<String, String> e : spec.getNodeSelector().entrySet()) {
                if (!Objects.equals(node.labels().get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
        }
        return requiredNodeAffinityMatches(spec.getAffinity(), node);
    }

    private static LabelSelector withMatchLabelKeys(TopologySpreadConstraint c, PodInstance pod) {
        if (c.getMatchLabelKeys() == null || c.getMatchLabelKeys().isEmpty() || c.getLabelSelector() == null) {
            return c.getLabelSelector();
        }
        Map<String, String> extra = new LinkedHashMap<>();
        if (c.getLabelSelector().getMatchLabels() != null) {
            extra.putAll(c.getLabelSelector().getMatchLabels());
        }
        for (String key : c.getMatchLabelKeys()) {
            if (pod.labels().containsKey(key)) {
                extra.put(key, pod.labels().get(key));
            }
        }
        LabelSelector copy = new LabelSelector(c.getLabelSelector().getMatchExpressions(), extra);
        return copy;
    }

    /** Whether an affinity term's selector (and namespace scope) selects the pod. */
    public boolean termSelects(PodAffinityTerm term, PodInstance pod) {
        boolean namespaceInScope;
        boolean noNamespaces =
                term.getNamespaces() == null || term.getNamespaces().isEmpty();
        if (term.getNamespaceSelector() != null) {
            namespaceInScope =
                    Labels.matches(term.getNamespaceSelector(), Map.of("kubernetes.io/metadata.name", namespace))
                            || (!noNamespaces && term.getNamespaces().contains(namespace));
        } else {
            namespaceInScope = noNamespaces || term.getNamespaces().contains(namespace);
        }
        return namespaceInScope && Labels.matches(term.getLabelSelector(), pod.labels());
    }

    public static List<PodAffinityTerm> requiredAntiAffinity(PodSpec spec) {
        Affinity a = spec.getAffinity();
        if (a == null
                || a.getPodAntiAffinity() == null
                || a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return List.of();
        }
        return a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    }

    private static List<PodAffinityTerm> requiredAffinity(PodSpec spec) {
        Affinity a = spec.getAffinity();
        if (a == null
                || a.getPodAffinity() == null
                || a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return List.of();
        }
        return a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    }

    private static String shortKey(String key) {
        return Topology.HOSTNAME_KEY.equals(key) ? "node" : Topology.ZONE_KEY.equals(key) ? "zone" : key + " domain";
    }
}
