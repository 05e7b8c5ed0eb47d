package dev.hamonitoring.analysis;

import dev.hamonitoring.analysis.checks.AlertingTargetsCheck;
import dev.hamonitoring.analysis.checks.AlertmanagerPeersCheck;
import dev.hamonitoring.analysis.checks.CompactorSingletonCheck;
import dev.hamonitoring.analysis.checks.DisruptionBudgetsCheck;
import dev.hamonitoring.analysis.checks.FailureDomainsCheck;
import dev.hamonitoring.analysis.checks.GrafanaSharedStateCheck;
import dev.hamonitoring.analysis.checks.NetworkPoliciesCheck;
import dev.hamonitoring.analysis.checks.QueryEndpointsCheck;
import dev.hamonitoring.analysis.checks.ReferencesCheck;
import dev.hamonitoring.analysis.checks.ResourceQuotaCheck;
import dev.hamonitoring.analysis.checks.SidecarBlockDurationsCheck;
import dev.hamonitoring.analysis.checks.SpreadSelectorsCheck;
import dev.hamonitoring.analysis.checks.ThanosDedupCheck;
import java.util.List;

/** The registry: every HA check, in report order. */
public final class HaChecks {

    private static final List<HaCheck> ALL = List.of(
            new ThanosDedupCheck(),
            new CompactorSingletonCheck(),
            new AlertmanagerPeersCheck(),
            new AlertingTargetsCheck(),
            new GrafanaSharedStateCheck(),
            new SidecarBlockDurationsCheck(),
            new QueryEndpointsCheck(),
            new DisruptionBudgetsCheck(),
            new SpreadSelectorsCheck(),
            new ReferencesCheck(),
            new ResourceQuotaCheck(),
            new NetworkPoliciesCheck(),
            new FailureDomainsCheck());

    private HaChecks() {}

    public static List<HaCheck> all() {
        return ALL;
    }
}
