package dev.hamonitoring.analysis.network;

import dev.hamonitoring.analysis.model.CloudNativePg;
import dev.hamonitoring.analysis.model.Workload;
import dev.hamonitoring.analysis.model.WorkloadKind;

/** The communication edges of CloudNativePG: streaming replication and instance status between a Cluster's instances. */
final class PostgresEdges {

    private PostgresEdges() {}

    static void postgres(GraphBuilder g, CloudNativePg cluster) {
        Workload w = g.stack().workloads().stream()
                .filter(x -> x.kind() == WorkloadKind.CLUSTER && x.name().equals(cluster.name()))
                .findFirst()
                .orElseThrow();
        g.edge(new Edge(w, w, CloudNativePg.POSTGRES_PORT, "TCP", "CloudNativePG streaming replication and join jobs"));
        g.edge(new Edge(w, w, CloudNativePg.STATUS_PORT, "TCP", "CloudNativePG instance manager status"));
        g.external(
                w,
                ExternalNeed.Kind.OPERATOR,
                "the operator calls every instance on ports " + CloudNativePg.STATUS_PORT + " and "
                        + CloudNativePg.POSTGRES_PORT);
        g.external(w, ExternalNeed.Kind.KUBE_API, "the instance manager reports to the API server");
    }
}
