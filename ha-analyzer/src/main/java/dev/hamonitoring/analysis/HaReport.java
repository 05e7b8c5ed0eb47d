package dev.hamonitoring.analysis;

import java.util.List;

/**
 * The result of an analysis: where each component may run, its disruption budget, what survives
 * the loss of any node and any zone, the external peers the NetworkPolicies let through, and the
 * findings. Serialised as is for {@code --json}.
 *
 * @param overlay what was rendered (overlay and values files)
 * @param release release name
 * @param namespace release namespace
 * @param topology the topology, described
 * @param checks ids of the checks that ran
 * @param components one row per workload
 * @param survivesAnyNode whether every component survives the worst single node loss
 * @param survivesAnyZone whether every component survives the worst single zone loss
 * @param externalPeers policy rules towards declared external peers
 * @param notAdmitted external clients a component serves that no NetworkPolicy rule admits (for information)
 * @param unresolvedAddresses addresses in the programs' configuration that lead to nothing in the render
 * @param findings broken invariants (empty: the report passes)
 */
public record HaReport(
        String overlay,
        String release,
        String namespace,
        String topology,
        List<String> checks,
        List<Component> components,
        boolean survivesAnyNode,
        boolean survivesAnyZone,
        List<ExternalPeer> externalPeers,
        List<String> notAdmitted,
        List<String> unresolvedAddresses,
        List<Finding> findings) {

    /**
     * One workload.
     *
     * @param component its app.kubernetes.io/name
     * @param workload Kind/name
     * @param replicas desired pods
     * @param surge extra pods during a rollout
     * @param needs pods that must keep running
     * @param needsWhy why that many
     * @param eligibleNodes nodes its pods may use
     * @param eligibleZones zones of those nodes
     * @param placement why no node is eligible, or why pods stay Pending (empty when all schedule)
     * @param pending pods that cannot be scheduled
     * @param disruptionBudget its PodDisruptionBudget(s), described
     * @param nodeLoss worst single node loss
     * @param zoneLoss worst single zone loss
     */
    public record Component(
            String component,
            String workload,
            int replicas,
            int surge,
            int needs,
            String needsWhy,
            List<String> eligibleNodes,
            List<String> eligibleZones,
            String placement,
            int pending,
            String disruptionBudget,
            Survival nodeLoss,
            Survival zoneLoss) {}

    /**
     * The worst loss of one kind.
     *
     * @param survives whether enough replicas keep running
     * @param domain the node or zone whose loss is worst
     * @param remaining replicas left running
     * @param reason why not (empty when it survives)
     */
    public record Survival(boolean survives, String domain, int remaining, String reason) {}

    /**
     * A NetworkPolicy rule towards a peer outside the release that a component is declared to need.
     *
     * @param component the release's side
     * @param direction Ingress or Egress
     * @param need what the peer is
     * @param peer the rule's peer
     * @param ports the rule's ports
     * @param rule policy name and rule number
     */
    public record ExternalPeer(
            String component, String direction, String need, String peer, String ports, String rule) {}

    public boolean passed() {
        return findings.isEmpty();
    }
}
