package dev.hamonitoring.analysis.checks;

import dev.hamonitoring.analysis.AnalysisContext;
import dev.hamonitoring.analysis.Finding;
import dev.hamonitoring.analysis.HaCheck;
import dev.hamonitoring.analysis.ValuesKeys;
import dev.hamonitoring.analysis.model.CloudNativePg;
import dev.hamonitoring.analysis.model.Labels;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import dev.hamonitoring.analysis.model.WorkloadKind;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;

/**
 * PodDisruptionBudgets: each selects exactly the pods of one workload (and not another release's),
 * leaves at least one voluntary disruption (minAvailable below replicas) so drains progress, and
 * every replicated workload has one (a CloudNativePG Cluster's are the operator's, with enablePDB).
 */
public final class DisruptionBudgetsCheck implements HaCheck {

    public static final String ID = "pod-disruption-budgets";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "every PDB selects exactly one workload's pods and allows a disruption; every workload with replicas > 1 has a PDB";
    }

    /** What a budget allows for one workload. */
    public record Budget(String name, String rule, int allowed) {}

    @Override
    public List<Finding> check(AnalysisContext context) {
        StackModel stack = context.stack();
        List<Finding> findings = new ArrayList<>();
        for (PodDisruptionBudget pdb : stack.pdbs()) {
            String name = pdb.getMetadata().getName();
            var selector = pdb.getSpec().getSelector();
            List<Workload> selected = stack.workloads().stream()
                    .filter(w -> Labels.matches(selector, w.representative().labels()))
                    .toList();
            if (selected.isEmpty()) {
                findings.add(Finding.error(
                        ID,
                        "PodDisruptionBudget",
                        name,
                        "Selector " + Labels.describe(selector)
                                + " selects no pod of the release: it protects nothing.",
                        "select app.kubernetes.io/name and app.kubernetes.io/instance of one component"));
                continue;
            }
            if (selected.size() > 1) {
                findings.add(
                        Finding.error(
                                ID,
                                "PodDisruptionBudget",
                                name,
                                "Selector " + Labels.describe(selector) + " selects the pods of "
                                        + String.join(
                                                ", ",
                                                selected.stream()
                                                        .map(Workload::ref)
                                                        .toList())
                                        + ": the budget counts them together, so a drain may take every pod of one of them.",
                                "one PodDisruptionBudget per component, selecting app.kubernetes.io/name and app.kubernetes.io/instance"));
                continue;
            }
            Workload w = selected.get(0);
            if (Labels.matches(selector, w.representative().labelsInOtherRelease(stack.release()))) {
                findings.add(Finding.error(
                        ID,
                        "PodDisruptionBudget",
                        name,
                        "Selector " + Labels.describe(selector) + " does not pin app.kubernetes.io/instance="
                                + stack.release() + ": it also counts the " + w.component()
                                + " pods of another release in the namespace.",
                        "add app.kubernetes.io/instance: " + stack.release() + " to the selector"));
            }
            Budget budget = budget(pdb, w.replicas());
            if (budget.allowed() < 1) {
                findings.add(Finding.error(
                        ID,
                        "PodDisruptionBudget",
                        name,
                        budget.rule() + " with " + w.replicas() + " replica(s) of " + w.ref()
                                + " allows no voluntary disruption: every node drain blocks.",
                        ValuesKeys.of(w) + ".podDisruptionBudget.minAvailable: " + Math.max(0, w.replicas() - 1)
                                + " or less" + (w.replicas() <= 1 ? " (or no budget for a single replica)" : "")));
            }
        }
        for (Workload w : stack.workloads()) {
            if (w.kind() == WorkloadKind.CLUSTER) {
                continue;
            }
            if (w.replicas() > 1
                    && stack.pdbs().stream()
                            .noneMatch(p -> Labels.matches(
                                    p.getSpec().getSelector(),
                                    w.representative().labels()))) {
                findings.add(Finding.error(
                        ID,
                        w.kind().toString(),
                        w.name(),
                        w.replicas()
                                + " replicas and no PodDisruptionBudget: a node drain or cluster upgrade may evict them all at once.",
                        ValuesKeys.of(w) + ".podDisruptionBudget.enabled: true (minAvailable below replicas)"));
            }
        }
        for (CloudNativePg cluster : stack.postgresClusters()) {
            if (cluster.instances() > 1 && !cluster.pdbEnabled()) {
                findings.add(Finding.error(
                        ID,
                        "Cluster",
                        cluster.name(),
                        cluster.instances()
                                + " instances and spec.enablePDB=false: the operator creates no PodDisruptionBudgets, so a drain may evict the primary and the standbys together.",
                        "postgresql.podDisruptionBudget.enabled: true"));
            }
            if (cluster.instances() == 1 && cluster.pdbEnabled()) {
                findings.add(Finding.error(
                        ID,
                        "Cluster",
                        cluster.name(),
                        "A single instance with spec.enablePDB=true: the operator's primary budget (minAvailable 1) blocks every drain of its node.",
                        "spec.enablePDB: false for one instance, or postgresql.instances: 3"));
            }
        }
        return findings;
    }

    /** minAvailable or maxUnavailable (numbers or percentages, rounded up as the disruption controller does) against replicas. */
    public static Budget budget(PodDisruptionBudget pdb, int replicas) {
        IntOrString min = pdb.getSpec().getMinAvailable();
        IntOrString max = pdb.getSpec().getMaxUnavailable();
        if (min != null) {
            int value = scaled(min, replicas);
            return new Budget(pdb.getMetadata().getName(), "minAvailable " + text(min), Math.max(0, replicas - value));
        }
        if (max != null) {
            int value = scaled(max, replicas);
            return new Budget(
                    pdb.getMetadata().getName(), "maxUnavailable " + text(max), Math.max(0, Math.min(value, replicas)));
        }
        return new Budget(pdb.getMetadata().getName(), "no minAvailable or maxUnavailable", replicas);
    }

    private static int scaled(IntOrString value, int replicas) {
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        String percent = value.getStrVal().replace("%", "").strip();
        return (int) Math.ceil(replicas * Integer.parseInt(percent) / 100.0);
    }

    private static String text(IntOrString value) {
        return value.getIntVal() != null ? value.getIntVal().toString() : value.getStrVal();
    }
}
