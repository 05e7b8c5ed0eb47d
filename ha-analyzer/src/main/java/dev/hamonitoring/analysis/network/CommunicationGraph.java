package dev.hamonitoring.analysis.network;

import dev.hamonitoring.analysis.model.CloudNativePg;
import dev.hamonitoring.analysis.model.Role;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.Container;
import java.util.List;

/**
 * The stack's communication edges, derived from what the programs are configured to do (flags,
 * configuration files, provisioned data sources), never from the chart's own edge table:
 * Thanos Query's endpoints, the query frontend's downstream URL, Grafana's database, cache, Live
 * engine, gossip and data sources, Prometheus' Alertmanagers and scrape jobs, Alertmanager gossip,
 * HAProxy backends, Redis replication and Sentinel, Loki's memberlist ring and gRPC, CloudNativePG
 * replication, kube-state-metrics' API server; plus the external peers each workload needs. Each program's edges live in its own
 * class ({@code ThanosEdges}, {@code PrometheusEdges}, ...).
 */
public final class CommunicationGraph {

    private final List<Edge> edges;
    private final List<ExternalNeed> externals;
    private final List<String> unresolved;

    private CommunicationGraph(GraphBuilder graph) {
        this.edges = List.copyOf(graph.edges());
        this.externals = List.copyOf(graph.externals());
        this.unresolved = List.copyOf(graph.unresolvedAddresses());
    }

    public static CommunicationGraph derive(StackModel stack) {
        GraphBuilder g = new GraphBuilder(stack);
        for (Workload w : stack.workloads()) {
            g.external(w, ExternalNeed.Kind.DNS, "every pod resolves Service and pod names");
            for (Container c : w.containers()) {
                switch (Role.of(c, w.podSpec())) {
                    case THANOS_QUERY -> ThanosEdges.thanosQuery(g, w, c);
                    case THANOS_QUERY_FRONTEND -> ThanosEdges.queryFrontend(g, w, c);
                    case THANOS_SIDECAR, THANOS_STORE, THANOS_COMPACTOR, THANOS_OTHER ->
                        ThanosEdges.objectStore(g, w, c);
                    case PROMETHEUS -> PrometheusEdges.prometheus(g, w);
                    case ALERTMANAGER -> AlertmanagerEdges.alertmanager(g, w, c);
                    case GRAFANA -> GrafanaEdges.grafana(g, w);
                    case HAPROXY -> HaproxyEdges.haproxy(g, w);
                    case REDIS, REDIS_SENTINEL -> RedisEdges.redis(g, w, c);
                    case LOKI_WRITE, LOKI_READ, LOKI_BACKEND, LOKI_OTHER -> LokiEdges.loki(g, w, c);
                    case KUBE_STATE_METRICS ->
                        g.external(
                                w,
                                ExternalNeed.Kind.KUBE_API,
                                "kube-state-metrics lists and watches the objects it exports");
                    default -> {
                        // Nothing known to derive.
                    }
                }
            }
        }
        for (CloudNativePg cluster : stack.postgresClusters()) {
            PostgresEdges.postgres(g, cluster);
        }
        return new CommunicationGraph(g);
    }

    public List<Edge> edges() {
        return edges;
    }

    public List<ExternalNeed> externals() {
        return externals;
    }

    /** Addresses in the configuration that lead to nothing in the render (reported by the checks that own them). */
    public List<String> unresolved() {
        return unresolved;
    }

    public boolean needs(Workload w, ExternalNeed.Kind kind) {
        return externals.stream().anyMatch(e -> e.workload() == w && e.kind() == kind);
    }
}
