package dev.hamonitoring.analysis.checks;

import dev.hamonitoring.analysis.AnalysisContext;
import dev.hamonitoring.analysis.Finding;
import dev.hamonitoring.analysis.HaCheck;
import dev.hamonitoring.analysis.network.Edge;
import dev.hamonitoring.analysis.network.NetworkAudit;
import java.util.ArrayList;
import java.util.List;

/**
 * NetworkPolicies against the communication graph derived from the rendered objects: every edge
 * is allowed on both ends (egress of the client, ingress of the server), every pod reaches DNS and
 * the external peers it needs, and no rule allows what no edge or declared external peer needs.
 */
public final class NetworkPoliciesCheck implements HaCheck {

    public static final String ID = "network-policies";

    private static final String EDGE_FIX =
            "allow it in the stack's edge table (ha-monitoring.edges in charts/ha-monitoring/templates/_network.tpl)";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "every communication edge (derived from the programs' configuration) is allowed on both ends, DNS and needed external "
                + "peers are reachable, and no rule allows what no edge or declared external peer needs";
    }

    @Override
    public List<Finding> check(AnalysisContext context) {
        NetworkAudit audit = context.networkAudit();
        List<Finding> findings = new ArrayList<>();
        for (NetworkAudit.Denied d : audit.denied()) {
            Edge e = d.edge();
            boolean egress = !d.verdict().egressAllowed();
            List<String> policies =
                    egress ? d.verdict().egressPolicies() : d.verdict().ingressPolicies();
            String side = egress ? "egress of " + e.from().component() : "ingress of " + e.to().component();
            findings.add(Finding.error(
                    ID,
                    "NetworkPolicy",
                    pick(policies, egress ? e.from().component() : e.to().component()),
                    e.from().component() + " → " + e.to().component() + " " + e.port() + "/" + e.protocol() + " ("
                            + e.why() + ") is denied: " + side + " is isolated by " + String.join(", ", policies)
                            + " and no rule allows it.",
                    EDGE_FIX));
        }
        for (NetworkAudit.Unreachable u : audit.unreachable()) {
            String fix = switch (u.kind()) {
                case DNS ->
                    "networkPolicy.egress.dns: namespaceSelector/podSelector of the cluster DNS pods (kube-system, k8s-app=kube-dns)";
                case OBJECT_STORAGE -> "networkPolicy.egress.objectStorage / objectStoragePorts";
                case KUBE_API -> "networkPolicy.egress.kubeApiServer / kubeApiServerPorts";
                case NOTIFICATIONS -> "networkPolicy.egress.notifications / notificationPorts";
                case CLUSTER_SCRAPE -> "Prometheus egress to every destination when prometheus.scrapeCluster is on";
                case OPERATOR ->
                    "postgresql.operatorNamespace: the namespace the CloudNativePG operator runs in (analysed as "
                            + context.operatorNamespace() + ", --operator-namespace)";
                default -> EDGE_FIX;
            };
            findings.add(Finding.error(
                    ID,
                    "NetworkPolicy",
                    pick(u.policies(), u.workload().component()),
                    u.workload().component() + " needs " + u.kind().title() + " but cannot reach " + u.probe() + ": "
                            + String.join(", ", u.policies()) + " isolate it and no rule allows it.",
                    fix));
        }
        for (NetworkAudit.Allowance a : audit.unneeded()) {
            findings.add(Finding.warning(
                    ID,
                    "NetworkPolicy",
                    a.policy(),
                    a.direction() + " rule #" + a.rule() + " (for "
                            + a.workload().component() + ") allows what no communication edge needs: " + a.peer() + ".",
                    "narrow the rule to the needed ports and peers ("
                            + EDGE_FIX.substring(EDGE_FIX.indexOf('(') + 1, EDGE_FIX.length() - 1) + ")"));
        }
        for (NetworkAudit.Allowance a : audit.undeclaredExternal()) {
            findings.add(Finding.warning(
                    ID,
                    "NetworkPolicy",
                    a.policy(),
                    a.direction() + " rule #" + a.rule() + " lets "
                            + a.workload().component()
                            + (a.direction().equals("Ingress") ? " be reached from " : " reach ") + a.peer() + " on "
                            + a.ports() + ", an external peer it is not known to need.",
                    "remove the rule, or scope it to the peer the component needs"));
        }
        return findings;
    }

    /** The component's own policy when it is among them (more telling than a namespace-wide default deny). */
    private static String pick(List<String> policies, String component) {
        return policies.stream()
                .filter(p -> p.contains(component + "-"))
                .reduce((a, b) -> b)
                .orElse(policies.isEmpty() ? "(none)" : policies.get(0));
    }
}
