package dev.hamonitoring.analysis.checks;

import dev.hamonitoring.analysis.AnalysisContext;
import dev.hamonitoring.analysis.Finding;
import dev.hamonitoring.analysis.HaCheck;
import dev.hamonitoring.analysis.ValuesKeys;
import dev.hamonitoring.analysis.topology.FailureAnalysis;
import dev.hamonitoring.analysis.topology.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * Failure domains on the analysed topology: every pod can be scheduled, and every replicated
 * component survives the worst-case loss of any single node. Zone losses are reported, not
 * judged: whether a zone loss is survivable depends on the topology (a single-zone cluster never
 * survives one), and the overlays choose how strictly to spread.
 */
public final class FailureDomainsCheck implements HaCheck {

    public static final String ID = "failure-domains";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "every pod schedules on the topology, and every replicated component survives the worst-case loss of any single node "
                + "(zone losses are reported)";
    }

    @Override
    public List<Finding> check(AnalysisContext context) {
        List<Finding> findings = new ArrayList<>();
        FailureAnalysis analysis = context.failures();
        for (FailureAnalysis.WorkloadSurvival r : analysis.results()) {
            var w = r.workload();
            String key = ValuesKeys.of(w);
            if (r.eligibleNodes().isEmpty() && w.replicas() > 0) {
                findings.add(
                        Finding.error(
                                ID,
                                w.kind().toString(),
                                w.name(),
                                "All " + w.replicas() + " replica(s) stay Pending on topology "
                                        + context.topology().name() + ": " + r.ineligibleReason() + ".",
                                key
                                        + ".nodeSelector / .tolerations / global.nodePool, or a topology whose nodes carry the pool (--pool)"));
                continue;
            }
            if (r.pending() > 0) {
                findings.add(
                        Finding.error(
                                ID,
                                w.kind().toString(),
                                w.name(),
                                r.pending() + " of " + w.replicas() + " replica(s) stay Pending on topology "
                                        + context.topology().name() + " ("
                                        + r.eligibleNodes().size() + " eligible nodes in "
                                        + r.eligibleZones().size() + " zones): " + r.pendingReason() + ".",
                                key
                                        + ".replicas at most the eligible nodes, or global.scheduling.hostnameSpread/zoneSpread: preferred"));
                continue;
            }
            FailureAnalysis.Survival node = r.nodeLoss();
            if (w.replicas() > 1 && r.eligibleNodes().size() > 1 && !node.survives()) {
                boolean spread = FailureAnalysis.hardSpread(w, Topology.HOSTNAME_KEY);
                findings.add(Finding.error(
                        ID,
                        w.kind().toString(),
                        w.name(),
                        w.replicas() + " replicas do not survive the loss of one node: " + node.reason() + ".",
                        spread
                                ? key + ".replicas (more replicas than the component needs running)"
                                : "global.scheduling.hostnameSpread: required (and no " + key
                                        + ".affinity override without hostname anti-affinity)"));
            }
        }
        return findings;
    }
}
