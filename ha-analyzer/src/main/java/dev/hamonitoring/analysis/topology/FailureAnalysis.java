package dev.hamonitoring.analysis.topology;

import dev.hamonitoring.analysis.model.Labels;
import dev.hamonitoring.analysis.model.PodInstance;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What survives the loss of any single node and of any single zone. For each failure domain the
 * pods are placed by the hard scheduling rules with every soft choice made against that domain
 * (as many replicas in it as the hard rules allow), then the replicas left outside it are
 * compared with what each component needs.
 */
public final class FailureAnalysis {

    /**
     * The worst single failure of one kind for a workload.
     *
     * @param survives whether enough replicas keep running
     * @param domain the node or zone whose loss is worst
     * @param remaining replicas left running after losing it
     * @param reason why not, when it does not survive (empty otherwise)
     */
    public record Survival(boolean survives, String domain, int remaining, String reason) {}

    /**
     * One workload's placement and survival.
     *
     * @param workload the workload
     * @param needs what it needs running
     * @param eligibleNodes nodes its pods may use at all (node selector, affinity, taints, topology keys)
     * @param eligibleZones zones of those nodes
     * @param ineligibleReason why no node is eligible (empty when some is)
     * @param pending replicas that cannot be scheduled even in the friendliest placement
     * @param pendingReason the scheduler's reasons for them
     * @param nodeLoss the worst node loss
     * @param zoneLoss the worst zone loss
     */
    public record WorkloadSurvival(
            Workload workload,
            ComponentNeeds needs,
            List<String> eligibleNodes,
            List<String> eligibleZones,
            String ineligibleReason,
            int pending,
            String pendingReason,
            Survival nodeLoss,
            Survival zoneLoss) {}

    private final Topology topology;
    private final List<WorkloadSurvival> results;

    private FailureAnalysis(Topology topology, List<WorkloadSurvival> results) {
        this.topology = topology;
        this.results = results;
    }

    public static FailureAnalysis run(StackModel stack, Topology topology) {
        Scheduler scheduler = new Scheduler(topology, stack.namespace());
        List<Workload> workloads = stack.workloads();
        Scheduler.Placement friendly = scheduler.place(workloads, Scheduler.Goal.SPREAD, null);
        List<Scheduler.Placement> nodeFailures = new ArrayList<>();
        for (Node n : topology.nodes()) {
            nodeFailures.add(scheduler.place(workloads, Scheduler.Goal.CONCENTRATE_ON_NODE, n.name()));
        }
        List<Scheduler.Placement> zoneFailures = new ArrayList<>();
        List<String> zones = new ArrayList<>(topology.zones());
        for (String zone : zones) {
            zoneFailures.add(scheduler.place(workloads, Scheduler.Goal.CONCENTRATE_IN_ZONE, zone));
        }
        List<WorkloadSurvival> results = new ArrayList<>();
        for (Workload w : workloads) {
            ComponentNeeds needs = ComponentNeeds.of(stack, w);
            List<String> eligible = new ArrayList<>();
            Set<String> eligibleZones = new LinkedHashSet<>();
            Map<String, Long> reasons = new TreeMap<>();
            for (Node n : topology.nodes()) {
                String reason = eligibility(w.podSpec(), n);
                if (reason == null) {
                    eligible.add(n.name());
                    eligibleZones.add(n.zone());
                } else {
                    reasons.merge(reason, 1L, Long::sum);
                }
            }
            String ineligible = eligible.isEmpty()
                    ? "no eligible node: "
                            + reasons.entrySet().stream()
                                    .map(e -> e.getKey() + " (" + e.getValue() + " of "
                                            + topology.nodes().size() + " nodes)")
                                    .collect(Collectors.joining("; "))
                    : "";
            List<PodInstance> pending = friendly.pendingOf(w);
            String pendingReason = pending.isEmpty() ? "" : friendly.pending().get(pending.get(0));
            Survival nodeLoss = worst(
                    w,
                    needs,
                    nodeFailures,
                    topology.nodes().stream().map(Node::name).toList(),
                    true,
                    eligible,
                    eligibleZones);
            Survival zoneLoss = worst(w, needs, zoneFailures, zones, false, eligible, eligibleZones);
            results.add(new WorkloadSurvival(
                    w,
                    needs,
                    List.copyOf(eligible),
                    List.copyOf(eligibleZones),
                    ineligible,
                    pending.size(),
                    pendingReason,
                    nodeLoss,
                    zoneLoss));
        }
        return new FailureAnalysis(topology, List.copyOf(results));
    }

    /** Node selector, node affinity, taints and the topology keys of DoNotSchedule spread constraints. */
    private static String eligibility(PodSpec spec, Node node) {
        String reason = Scheduler.staticUnfit(spec, node);
        if (reason != null) {
            return reason;
        }
        if (spec.getTopologySpreadConstraints() != null) {
            for (TopologySpreadConstraint c : spec.getTopologySpreadConstraints()) {
                if ("DoNotSchedule".equals(c.getWhenUnsatisfiable())
                        && !node.labels().containsKey(c.getTopologyKey())) {
                    return "node has no " + c.getTopologyKey() + " label (topology spread constraint, DoNotSchedule)";
                }
            }
        }
        return null;
    }

    private static Survival worst(
            Workload w,
            ComponentNeeds needs,
            List<Scheduler.Placement> placements,
            List<String> domains,
            boolean nodes,
            List<String> eligible,
            Set<String> eligibleZones) {
        Survival worst = null;
        for (int i = 0; i < placements.size(); i++) {
            String domain = domains.get(i);
            Scheduler.Placement p = placements.get(i);
            List<PodInstance> placed = p.placedOf(w);
            long inDomain = placed.stream()
                    .filter(pod -> nodes
                            ? p.placed().get(pod).name().equals(domain)
                            : p.placed().get(pod).zone().equals(domain))
                    .count();
            int remaining = (int) (placed.size() - inDomain);
            int pending = p.pendingOf(w).size();
            boolean survives = remaining >= needs.running();
            if (worst == null || remaining < worst.remaining()) {
                String reason = survives
                        ? ""
                        : explain(w, needs, nodes, domain, remaining, (int) inDomain, pending, eligible, eligibleZones);
                worst = new Survival(survives, domain, remaining, reason);
            }
        }
        return worst;
    }

    private static String explain(
            Workload w,
            ComponentNeeds needs,
            boolean nodes,
            String domain,
            int remaining,
            int inDomain,
            int pending,
            List<String> eligible,
            Set<String> eligibleZones) {
        String what = nodes ? "node " + domain : "zone " + domain;
        StringBuilder text = new StringBuilder("losing ")
                .append(what)
                .append(" leaves ")
                .append(remaining)
                .append(" of ")
                .append(w.replicas())
                .append(" running, needs ")
                .append(needs.running())
                .append(" (")
                .append(needs.why())
                .append("): ");
        if (eligible.isEmpty()) {
            text.append("no node is eligible for its pods");
        } else if (pending > 0 && inDomain == 0) {
            text.append(pending).append(" replica(s) cannot be scheduled");
        } else if (w.replicas() - 1 < needs.running() && inDomain > 0) {
            text.append(
                    w.replicas() == 1
                            ? "a single replica"
                            : w.replicas() + " replicas cannot lose one and keep " + needs.running());
        } else if (nodes && eligible.size() == 1) {
            text.append("only one eligible node (").append(eligible.get(0)).append(")");
        } else if (!nodes && eligibleZones.size() == 1) {
            text.append("every eligible node is in zone ")
                    .append(eligibleZones.iterator().next());
        } else if (!hardSpread(w, nodes ? Topology.HOSTNAME_KEY : Topology.ZONE_KEY)) {
            text.append(
                            nodes
                                    ? "no required anti-affinity or DoNotSchedule spread on " + Topology.HOSTNAME_KEY
                                    : "zone spreading is not enforced (no DoNotSchedule spread or required anti-affinity on "
                                            + Topology.ZONE_KEY + ")")
                    .append(", so the hard rules allow ")
                    .append(inDomain)
                    .append(" of ")
                    .append(w.replicas())
                    .append(" replicas in ")
                    .append(what);
        } else {
            text.append("the hard rules still allow ")
                    .append(inDomain)
                    .append(" of ")
                    .append(w.replicas())
                    .append(" replicas in ")
                    .append(what);
        }
        if (pending > 0 && inDomain > 0) {
            text.append("; ").append(pending).append(" replica(s) cannot be scheduled");
        }
        return text.toString();
    }

    /** Whether a hard rule spreads the workload's own pods over this topology key. */
    public static boolean hardSpread(Workload w, String key) {
        PodSpec spec = w.podSpec();
        Map<String, String> own = w.representative().labels();
        for (PodAffinityTerm term : Scheduler.requiredAntiAffinity(spec)) {
            if (key.equals(term.getTopologyKey()) && Labels.matches(term.getLabelSelector(), own)) {
                return true;
            }
        }
        if (spec.getTopologySpreadConstraints() != null) {
            for (TopologySpreadConstraint c : spec.getTopologySpreadConstraints()) {
                if (key.equals(c.getTopologyKey())
                        && "DoNotSchedule".equals(c.getWhenUnsatisfiable())
                        && Labels.matches(c.getLabelSelector(), own)) {
                    return true;
                }
            }
        }
        return false;
    }

    public Topology topology() {
        return topology;
    }

    public List<WorkloadSurvival> results() {
        return results;
    }

    public boolean survivesAnyNode() {
        return results.stream().allMatch(r -> r.nodeLoss().survives());
    }

    public boolean survivesAnyZone() {
        return results.stream().allMatch(r -> r.zoneLoss().survives());
    }

    /** Results ordered as the workloads were rendered. */
    public List<WorkloadSurvival> sorted() {
        return results.stream()
                .sorted(Comparator.comparing(r -> r.workload().component()))
                .toList();
    }
}
