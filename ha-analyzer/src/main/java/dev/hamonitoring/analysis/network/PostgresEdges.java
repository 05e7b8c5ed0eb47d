package dev.hamonitoring.analysis.network;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.analysis.model.Args;
import dev.hamonitoring.analysis.model.CloudNativePg;
import dev.hamonitoring.analysis.model.Configs;
import dev.hamonitoring.analysis.model.PrometheusConfig;
import dev.hamonitoring.analysis.model.Relabel;
import dev.hamonitoring.analysis.model.Role;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.ThanosEndpoint;
import dev.hamonitoring.analysis.model.Workload;
import dev.hamonitoring.analysis.model.WorkloadKind;
import dev.hamonitoring.render.PodTemplates;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The communication edges of CloudNativePG: streaming replication and instance status between a Cluster's instances. */
final class PostgresEdges {

    private PostgresEdges() {
    }

    static void postgres(GraphBuilder g, CloudNativePg cluster) {
        Workload w = g.stack().workloads().stream().filter(x -> x.kind() == WorkloadKind.CLUSTER && x.name().equals(cluster.name()))
                .findFirst().orElseThrow();
        g.edge(new Edge(w, w, CloudNativePg.POSTGRES_PORT, "TCP", "CloudNativePG streaming replication and join jobs"));
        g.edge(new Edge(w, w, CloudNativePg.STATUS_PORT, "TCP", "CloudNativePG instance manager status"));
        g.external(w, ExternalNeed.Kind.OPERATOR, "the operator calls every instance on ports "
                + CloudNativePg.STATUS_PORT + " and " + CloudNativePg.POSTGRES_PORT);
        g.external(w, ExternalNeed.Kind.KUBE_API, "the instance manager reports to the API server");
    }
}
