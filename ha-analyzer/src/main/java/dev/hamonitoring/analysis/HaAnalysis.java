package dev.hamonitoring.analysis;

import dev.hamonitoring.analysis.checks.DisruptionBudgetsCheck;
import dev.hamonitoring.analysis.model.CloudNativePg;
import dev.hamonitoring.analysis.model.Labels;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import dev.hamonitoring.analysis.model.WorkloadKind;
import dev.hamonitoring.analysis.network.NetworkAudit;
import dev.hamonitoring.analysis.topology.FailureAnalysis;
import dev.hamonitoring.analysis.topology.NodePool;
import dev.hamonitoring.analysis.topology.Topology;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The HA analysis of a rendered release.
 *
 * <pre>{@code
 * HaReport report = HaAnalysis.of(release)
 *     .topology(Topology.preset("3x2", NodePool.fromValues(values)))
 *     .externals(ExternalNames.fromValues(values))
 *     .run();
 * }</pre>
 *
 * Defaults: release and namespace "monitoring", topology 3x2 without pool labels or taints, no
 * external names, CloudNativePG operator in cnpg-system, every check of {@link HaChecks}.
 */
public final class HaAnalysis {

    private final List<HasMetadata> objects;
    private String release = "monitoring";
    private String namespace = "monitoring";
    private String overlay = "(objects)";
    private Topology topology = Topology.preset("3x2", NodePool.none());
    private ExternalNames externals = ExternalNames.none();
    private String operatorNamespace = AnalysisContext.DEFAULT_OPERATOR_NAMESPACE;
    private List<HaCheck> checks = HaChecks.all();

    private HaAnalysis(List<HasMetadata> objects) {
        this.objects = List.copyOf(objects);
    }

    public static HaAnalysis of(List<HasMetadata> objects) {
        return new HaAnalysis(Objects.requireNonNull(objects, "objects"));
    }

    public static HaAnalysis of(RenderedRelease release) {
        return new HaAnalysis(release.objects());
    }

    public HaAnalysis release(String release) {
        this.release = Objects.requireNonNull(release);
        return this;
    }

    public HaAnalysis namespace(String namespace) {
        this.namespace = Objects.requireNonNull(namespace);
        return this;
    }

    /** What was rendered, for the report's header. */
    public HaAnalysis overlay(String overlay) {
        this.overlay = Objects.requireNonNull(overlay);
        return this;
    }

    public HaAnalysis topology(Topology topology) {
        this.topology = Objects.requireNonNull(topology);
        return this;
    }

    public HaAnalysis externals(ExternalNames externals) {
        this.externals = Objects.requireNonNull(externals);
        return this;
    }

    public HaAnalysis operatorNamespace(String operatorNamespace) {
        this.operatorNamespace = Objects.requireNonNull(operatorNamespace);
        return this;
    }

    /** Only these checks (the report's placement and survival tables are always computed). */
    public HaAnalysis checks(List<HaCheck> checks) {
        this.checks = List.copyOf(checks);
        return this;
    }

    /** The context the checks read (for tests and tools that want the model itself). */
    public AnalysisContext context() {
        return new AnalysisContext(new StackModel(objects, release, namespace), topology, externals, operatorNamespace);
    }

    public HaReport run() {
        AnalysisContext context = context();
        List<Finding> findings = new ArrayList<>();
        for (HaCheck check : checks) {
            findings.addAll(check.check(context));
        }
        findings.sort(Comparator.comparing(Finding::severity));
        FailureAnalysis failures = context.failures();
        List<HaReport.Component> components = new ArrayList<>();
        for (FailureAnalysis.WorkloadSurvival r : failures.sorted()) {
            Workload w = r.workload();
            String placement = !r.ineligibleReason().isEmpty()
                    ? r.ineligibleReason()
                    : r.pending() > 0 ? r.pending() + " pending: " + r.pendingReason() : "";
            components.add(new HaReport.Component(
                    w.component(),
                    w.ref(),
                    w.replicas(),
                    w.surge(),
                    r.needs().running(),
                    r.needs().why(),
                    r.eligibleNodes(),
                    r.eligibleZones(),
                    placement,
                    r.pending(),
                    budget(context.stack(), w),
                    survival(r.nodeLoss()),
                    survival(r.zoneLoss())));
        }
        List<HaReport.ExternalPeer> peers = new ArrayList<>();
        for (NetworkAudit.Allowance a : context.networkAudit().external()) {
            peers.add(new HaReport.ExternalPeer(
                    a.workload().component(),
                    a.direction(),
                    a.need(),
                    a.peer(),
                    a.ports(),
                    a.policy() + " " + a.direction().toLowerCase(Locale.ROOT) + " rule #" + a.rule()));
        }
        return new HaReport(
                overlay,
                release,
                namespace,
                topology.describe(),
                checks.stream().map(HaCheck::id).toList(),
                List.copyOf(components),
                failures.survivesAnyNode(),
                failures.survivesAnyZone(),
                List.copyOf(peers),
                context.networkAudit().notAdmitted().stream()
                        .map(n -> n.workload().component() + ": " + n.kind().title() + " (" + n.why()
                                + ") are admitted by no NetworkPolicy rule")
                        .toList(),
                context.graph().unresolved(),
                List.copyOf(findings));
    }

    private static HaReport.Survival survival(FailureAnalysis.Survival s) {
        return new HaReport.Survival(s.survives(), s.domain(), s.remaining(), s.reason());
    }

    private static String budget(StackModel stack, Workload w) {
        if (w.kind() == WorkloadKind.CLUSTER) {
            return stack.postgresClusters().stream()
                    .filter(c -> c.name().equals(w.name()))
                    .findFirst()
                    .map(CloudNativePg::pdbDescription)
                    .orElse("none");
        }
        List<String> budgets = new ArrayList<>();
        for (PodDisruptionBudget pdb : stack.pdbs()) {
            if (Labels.matches(pdb.getSpec().getSelector(), w.representative().labels())) {
                DisruptionBudgetsCheck.Budget b = DisruptionBudgetsCheck.budget(pdb, w.replicas());
                budgets.add(b.rule() + " (" + b.allowed() + (b.allowed() == 1 ? " disruption" : " disruptions")
                        + " allowed)");
            }
        }
        return budgets.isEmpty() ? "none" : String.join("; ", budgets);
    }
}
