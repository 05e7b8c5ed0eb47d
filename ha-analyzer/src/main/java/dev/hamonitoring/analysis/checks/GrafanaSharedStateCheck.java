package dev.hamonitoring.analysis.checks;

import dev.hamonitoring.analysis.AnalysisContext;
import dev.hamonitoring.analysis.Finding;
import dev.hamonitoring.analysis.HaCheck;
import dev.hamonitoring.analysis.model.Configs;
import dev.hamonitoring.analysis.model.Labels;
import dev.hamonitoring.analysis.model.Role;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Grafana replicas share state: more than one replica needs a shared database (postgres or mysql,
 * not sqlite3) and, with unified alerting, ha_peers on a headless Service that selects the Grafana
 * pods and exposes the gossip port over TCP and UDP (else every replica sends every notification).
 */
public final class GrafanaSharedStateCheck implements HaCheck {

    public static final String ID = "grafana-shared-state";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Grafana with replicas > 1 uses a shared database (postgres/mysql) and unified alerting ha_peers on a headless "
                + "Service selecting its pods with the gossip port over TCP and UDP";
    }

    @Override
    public List<Finding> check(AnalysisContext context) {
        StackModel stack = context.stack();
        List<Finding> findings = new ArrayList<>();
        for (Workload grafana : stack.workloads(Role.GRAFANA)) {
            if (grafana.replicas() <= 1) {
                continue;
            }
            Optional<Configs.GrafanaIni> found = Configs.grafanaIni(stack, grafana);
            if (found.isEmpty()) {
                continue;
            }
            Configs.GrafanaIni ini = found.get();
            String type = ini.get("database", "type");
            String effective = type == null ? "sqlite3" : type;
            if (!"postgres".equals(effective) && !"mysql".equals(effective)) {
                findings.add(
                        Finding.error(
                                ID,
                                grafana.kind().toString(),
                                grafana.name(),
                                grafana.replicas() + " replicas with [database] type = " + effective
                                        + (type == null ? " (the default)" : "")
                                        + ": each replica keeps its own users, dashboards, sessions and alert state.",
                                "grafana.database.type: postgres (and no grafana.ini.database.type override), or grafana.replicas: 1"));
            }
            if ("false".equals(ini.get("unified_alerting", "enabled"))) {
                continue;
            }
            String peers = ini.get("unified_alerting", "ha_peers");
            if (peers == null || peers.isBlank()) {
                findings.add(Finding.error(
                        ID,
                        grafana.kind().toString(),
                        grafana.name(),
                        "Unified alerting is on with " + grafana.replicas()
                                + " replicas but [unified_alerting] ha_peers is empty: every replica "
                                + "evaluates and notifies on its own (one notification per replica).",
                        "[unified_alerting] ha_peers: <headless Service selecting the Grafana pods>:9094"));
                continue;
            }
            for (String peer : peers.split(",")) {
                checkPeer(findings, stack, grafana, peer.strip());
            }
        }
        return findings;
    }

    private static void checkPeer(List<Finding> findings, StackModel stack, Workload grafana, String peer) {
        Optional<Configs.Address> address = Configs.hostPort(peer, 9094);
        Optional<StackModel.HostTarget> target = address.flatMap(a -> stack.resolve(a.host()));
        String fix =
                "grafana.ini.unified_alerting.ha_peers: the headless Service that selects the Grafana pods, port 9094";
        if (target.isEmpty()) {
            findings.add(Finding.error(
                    ID,
                    grafana.kind().toString(),
                    grafana.name(),
                    "[unified_alerting] ha_peers " + peer
                            + " names no rendered Service of the release: replicas never find each other.",
                    fix));
            return;
        }
        Service service = target.get().service();
        String name = service.getMetadata().getName();
        int port = address.get().port();
        if (!StackModel.isHeadless(service)) {
            findings.add(Finding.error(
                    ID,
                    "Service",
                    name,
                    "[unified_alerting] ha_peers " + peer
                            + " is a ClusterIP Service: its one virtual IP hides the replicas from each "
                            + "other, so they do not form an alerting cluster and every replica notifies.",
                    fix));
        }
        if (!Labels.matches(service.getSpec().getSelector(), grafana.podLabels())) {
            findings.add(Finding.error(
                    ID,
                    "Service",
                    name,
                    "ha_peers Service " + name + " does not select the Grafana pods (selector "
                            + Labels.describe(service.getSpec().getSelector()) + ").",
                    fix));
        }
        List<Workload> others =
                stack.selectedBy(service).stream().filter(w -> w != grafana).toList();
        if (!others.isEmpty()) {
            findings.add(Finding.error(
                    ID,
                    "Service",
                    name,
                    "ha_peers Service " + name + " also selects "
                            + String.join(
                                    ", ", others.stream().map(Workload::ref).toList()) + ".",
                    fix));
        }
        for (String protocol : List.of("TCP", "UDP")) {
            if (StackModel.servicePort(service, port, protocol).isEmpty()) {
                findings.add(Finding.error(
                        ID,
                        "Service",
                        name,
                        "ha_peers Service " + name + " does not expose " + port + "/" + protocol
                                + ": Grafana's alerting gossip uses TCP and UDP.",
                        fix));
            } else if (grafana.port(port, protocol).isEmpty()) {
                findings.add(Finding.error(
                        ID,
                        grafana.kind().toString(),
                        grafana.name(),
                        "The Grafana pods do not listen on " + port + "/" + protocol
                                + " (no such container port) for ha_peers " + peer + ".",
                        "container ports " + port + "/TCP and " + port
                                + "/UDP matching [unified_alerting] ha_listen_address"));
            }
        }
    }
}
