package dev.hamonitoring.analysis.network;

import dev.hamonitoring.analysis.model.Role;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.List;

/** The communication edges of Redis: replication and Sentinel monitoring between the pods of REDIS_POD_DOMAIN. */
final class RedisEdges {

    private RedisEdges() {}

    static void redis(GraphBuilder g, Workload w, Container c) {
        String domain = StackModel.env(c, "REDIS_POD_DOMAIN");
        List<Workload> peers = new ArrayList<>();
        if (domain != null) {
            g.stack().resolve(domain).ifPresent(t -> peers.addAll(g.stack().selectedBy(t.service())));
        }
        if (peers.isEmpty() && w.has(Role.REDIS_SENTINEL)) {
            peers.add(w);
        }
        for (Workload peer : peers) {
            for (String name : List.of("redis", "sentinel")) {
                String why = "redis".equals(name)
                        ? "Redis replication and Sentinel monitoring (REDIS_POD_DOMAIN)"
                        : "Sentinel discovery and failover votes (REDIS_POD_DOMAIN)";
                peer.port(name).ifPresent(p -> g.edge(new Edge(w, peer, p.getContainerPort(), "TCP", why)));
            }
        }
    }
}
