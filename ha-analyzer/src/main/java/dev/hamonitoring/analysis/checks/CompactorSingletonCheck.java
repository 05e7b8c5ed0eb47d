package dev.hamonitoring.analysis.checks;

import dev.hamonitoring.analysis.AnalysisContext;
import dev.hamonitoring.analysis.Finding;
import dev.hamonitoring.analysis.HaCheck;
import dev.hamonitoring.analysis.model.Role;
import dev.hamonitoring.analysis.model.Workload;
import dev.hamonitoring.analysis.model.WorkloadKind;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;

/** Exactly one Thanos compactor per bucket, never two at once: one workload, one replica, no overlapping rollout. */
public final class CompactorSingletonCheck implements HaCheck {

    public static final String ID = "compactor-singleton";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "exactly one compactor workload with replicas 1 (a StatefulSet, or a Deployment with the Recreate strategy)";
    }

    @Override
    public List<Finding> check(AnalysisContext context) {
        List<Finding> findings = new ArrayList<>();
        List<Workload> compactors = context.stack().workloads(Role.THANOS_COMPACTOR);
        boolean thanos = !context.stack().workloads(Role.THANOS_QUERY).isEmpty()
                || !context.stack().workloads(Role.THANOS_SIDECAR).isEmpty();
        if (compactors.isEmpty() && thanos) {
            findings.add(Finding.error(
                    ID,
                    "Release",
                    context.stack().release(),
                    "No Thanos compactor is rendered: blocks in the bucket are never compacted, downsampled, deduplicated or deleted.",
                    "render the compactor (thanos.compactor) with replicas 1"));
        }
        if (compactors.size() > 1) {
            findings.add(Finding.error(
                    ID,
                    compactors.get(1).kind().toString(),
                    compactors.get(1).name(),
                    compactors.size() + " compactor workloads ("
                            + String.join(
                                    ", ", compactors.stream().map(Workload::ref).toList())
                            + ") would compact the same bucket at once and corrupt it.",
                    "keep one compactor per bucket"));
        }
        for (Workload w : compactors) {
            if (w.replicas() != 1) {
                findings.add(Finding.error(
                        ID,
                        w.kind().toString(),
                        w.name(),
                        "replicas " + w.replicas()
                                + ": two compactors on one bucket compact and delete the same blocks and corrupt it"
                                + (w.replicas() == 0 ? " (0: nothing compacts at all)" : "") + ".",
                        "thanos.compactor.replicas: 1"));
            }
            if (w.source() instanceof Deployment d) {
                String strategy = d.getSpec().getStrategy() == null
                                || d.getSpec().getStrategy().getType() == null
                        ? "RollingUpdate"
                        : d.getSpec().getStrategy().getType();
                if (!"Recreate".equals(strategy)) {
                    findings.add(Finding.error(
                            ID,
                            w.kind().toString(),
                            w.name(),
                            "A Deployment with the " + strategy
                                    + " strategy starts the new compactor before the old one stops: two run at once during every rollout.",
                            "spec.strategy.type: Recreate, or run the compactor as a StatefulSet"));
                }
            } else if (w.kind() != WorkloadKind.STATEFUL_SET) {
                findings.add(Finding.error(
                        ID,
                        w.kind().toString(),
                        w.name(),
                        "A compactor run as a " + w.kind() + " has no guarantee of a single instance.",
                        "run the compactor as a StatefulSet with replicas 1"));
            }
        }
        return findings;
    }
}
