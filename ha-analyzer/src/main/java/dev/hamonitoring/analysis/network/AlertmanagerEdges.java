package dev.hamonitoring.analysis.network;

import dev.hamonitoring.analysis.model.Args;
import dev.hamonitoring.analysis.model.Configs;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.Container;
import java.util.List;

/** The communication edges of Alertmanager: cluster gossip (--cluster.peer). */
final class AlertmanagerEdges {

    private AlertmanagerEdges() {}

    static void alertmanager(GraphBuilder g, Workload w, Container c) {
        g.external(w, ExternalNeed.Kind.NOTIFICATIONS, "receivers notify webhooks, chat and mail");
        // Clustering is on unless --cluster.listen-address is set empty; the default listens on 9094.
        String listen = Args.last(c, "cluster.listen-address");
        if (listen != null && listen.isBlank()) {
            return;
        }
        int port = Configs.hostPort(listen == null ? "0.0.0.0:9094" : listen, 9094)
                .map(Configs.Address::port)
                .orElse(9094);
        g.selfGossip(w, port, "Alertmanager cluster gossip (--cluster.listen-address)");
        for (String peer : Args.values(c, "cluster.peer")) {
            Configs.hostPort(peer, 9094).ifPresent(a -> {
                for (String protocol : List.of("TCP", "UDP")) {
                    List<StackModel.Endpoint> endpoints = g.stack().connect(a.host(), a.port(), protocol);
                    endpoints.forEach(e -> g.edge(new Edge(
                            w, e.workload(), e.port(), protocol, "Alertmanager cluster gossip (--cluster.peer)")));
                }
            });
        }
    }
}
