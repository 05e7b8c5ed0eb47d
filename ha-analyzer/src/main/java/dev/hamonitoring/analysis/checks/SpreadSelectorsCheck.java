package dev.hamonitoring.analysis.checks;

import dev.hamonitoring.analysis.AnalysisContext;
import dev.hamonitoring.analysis.Finding;
import dev.hamonitoring.analysis.HaCheck;
import dev.hamonitoring.analysis.ValuesKeys;
import dev.hamonitoring.analysis.model.Labels;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pod anti-affinity terms and topology spread constraints select the workload's own pods, no
 * other workload's, and not the same component of another release in the namespace (they pin
 * the release instance).
 */
public final class SpreadSelectorsCheck implements HaCheck {

    public static final String ID = "spread-selectors";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "anti-affinity and topology spread selectors match the workload's own pods and no other workload's (nor another release's)";
    }

    private record Term(String what, LabelSelector selector, boolean allNamespaces) {}

    @Override
    public List<Finding> check(AnalysisContext context) {
        StackModel stack = context.stack();
        List<Finding> findings = new ArrayList<>();
        for (Workload w : stack.workloads()) {
            Map<String, String> own = w.representative().labels();
            String fix = ValuesKeys.of(w) + ".affinity / .topologySpreadConstraints: select app.kubernetes.io/name="
                    + w.component() + " and app.kubernetes.io/instance=" + stack.release();
            for (Term term : terms(w)) {
                if (!Labels.matches(term.selector(), own)) {
                    findings.add(Finding.error(
                            ID,
                            w.kind().toString(),
                            w.name(),
                            term.what() + " selector " + Labels.describe(term.selector())
                                    + " does not match the workload's own pods " + Labels.describe(w.podLabels())
                                    + ": it does not spread its replicas.",
                            fix));
                }
                List<String> others = stack.workloads().stream()
                        .filter(o -> o != w)
                        .filter(o -> Labels.matches(
                                term.selector(), o.representative().labels()))
                        .map(Workload::ref)
                        .toList();
                if (!others.isEmpty()) {
                    findings.add(Finding.error(
                            ID,
                            w.kind().toString(),
                            w.name(),
                            term.what() + " selector " + Labels.describe(term.selector()) + " also matches the pods of "
                                    + String.join(", ", others)
                                    + ": replicas are kept apart from (or counted with) another component's pods.",
                            fix));
                }
                if (Labels.matches(term.selector(), own)
                        && Labels.matches(term.selector(), w.representative().labelsInOtherRelease(stack.release()))) {
                    findings.add(Finding.error(
                            ID,
                            w.kind().toString(),
                            w.name(),
                            term.what() + " selector " + Labels.describe(term.selector())
                                    + " does not pin app.kubernetes.io/instance=" + stack.release()
                                    + ": it also matches the " + w.component()
                                    + " pods of another release in the namespace.",
                            fix));
                }
                if (term.allNamespaces()) {
                    findings.add(Finding.error(
                            ID,
                            w.kind().toString(),
                            w.name(),
                            term.what() + " has namespaceSelector {} and so matches pods in every namespace.",
                            fix));
                }
            }
        }
        return findings;
    }

    private static List<Term> terms(Workload w) {
        List<Term> terms = new ArrayList<>();
        Affinity affinity = w.podSpec().getAffinity();
        if (affinity != null && affinity.getPodAntiAffinity() != null) {
            List<PodAffinityTerm> required =
                    affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
            if (required != null) {
                for (PodAffinityTerm t : required) {
                    terms.add(new Term(
                            "required pod anti-affinity on " + t.getTopologyKey(),
                            t.getLabelSelector(),
                            allNamespaces(t)));
                }
            }
            List<WeightedPodAffinityTerm> preferred =
                    affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
            if (preferred != null) {
                for (WeightedPodAffinityTerm t : preferred) {
                    PodAffinityTerm term = t.getPodAffinityTerm();
                    terms.add(new Term(
                            "preferred pod anti-affinity on " + term.getTopologyKey(),
                            term.getLabelSelector(),
                            allNamespaces(term)));
                }
            }
        }
        if (w.podSpec().getTopologySpreadConstraints() != null) {
            for (TopologySpreadConstraint c : w.podSpec().getTopologySpreadConstraints()) {
                terms.add(new Term(
                        "topology spread constraint on " + c.getTopologyKey() + " (" + c.getWhenUnsatisfiable() + ")",
                        c.getLabelSelector(),
                        false));
            }
        }
        return terms;
    }

    private static boolean allNamespaces(PodAffinityTerm term) {
        return term.getNamespaceSelector() != null && Labels.isEmpty(term.getNamespaceSelector());
    }
}
