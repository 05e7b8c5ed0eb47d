package dev.hamonitoring.analysis.checks;

import dev.hamonitoring.analysis.AnalysisContext;
import dev.hamonitoring.analysis.Finding;
import dev.hamonitoring.analysis.HaCheck;
import dev.hamonitoring.analysis.model.Args;
import dev.hamonitoring.analysis.model.Role;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.List;

/**
 * A Prometheus whose pod has a Thanos sidecar keeps local compaction off
 * (--storage.tsdb.min-block-duration=2h and --storage.tsdb.max-block-duration=2h): the sidecar
 * uploads only the 2h blocks Prometheus cuts, and compacted ones would overlap them in the bucket.
 */
public final class SidecarBlockDurationsCheck implements HaCheck {

    public static final String ID = "sidecar-block-durations";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "every Prometheus with a Thanos sidecar in its pod runs with --storage.tsdb.min-block-duration=2h and --storage.tsdb.max-block-duration=2h";
    }

    @Override
    public List<Finding> check(AnalysisContext context) {
        List<Finding> findings = new ArrayList<>();
        for (Workload w : context.stack().workloads(Role.THANOS_SIDECAR)) {
            for (Container prometheus : w.containers()) {
                if (Role.of(prometheus, w.podSpec()) != Role.PROMETHEUS) {
                    continue;
                }
                for (String flag : List.of("storage.tsdb.min-block-duration", "storage.tsdb.max-block-duration")) {
                    String value = Args.last(prometheus, flag);
                    if (!"2h".equals(value)) {
                        findings.add(Finding.error(
                                ID,
                                w.kind().toString(),
                                w.name(),
                                "Container " + prometheus.getName() + " runs with "
                                        + (value == null
                                                ? "no --" + flag
                                                        + (flag.contains("max")
                                                                ? " (default: 10% of retention, up to 31d)"
                                                                : "")
                                                : "--" + flag + "=" + value)
                                        + " next to a Thanos sidecar: Prometheus compacts blocks locally, and the sidecar either skips "
                                        + "the compacted blocks or uploads blocks that overlap the 2h ones already in the bucket.",
                                "--" + flag + "=2h on the Prometheus container"));
                    }
                }
            }
        }
        return findings;
    }
}
