package dev.hamonitoring.analysis.network;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.analysis.model.Configs;
import dev.hamonitoring.analysis.model.Role;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.Container;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The communication edges of Loki: its memberlist ring, ring gRPC and ruler Alertmanagers. */
final class LokiEdges {

    /** A Loki ruler Alertmanager URL resolved through DNS SRV: http://_<port name>._tcp.<service host>. */
    private static final Pattern LOKI_SRV_URL = Pattern.compile("https?://_([a-z0-9-]+)\\._tcp\\.([^/:]+).*");

    private LokiEdges() {}

    static void loki(GraphBuilder g, Workload w, Container c) {
        JsonNode config = Configs.loki(g.stack(), w, c).orElse(null);
        if (config == null) {
            return;
        }
        JsonNode common = config.path("common").path("storage");
        if (!common.path("s3").isMissingNode()
                || !common.path("gcs").isMissingNode()
                || !common.path("azure").isMissingNode()
                || !config.path("storage_config").path("aws").isMissingNode()) {
            g.external(w, ExternalNeed.Kind.OBJECT_STORAGE, "Loki keeps chunks and index in the bucket");
        }
        if (w.role() == Role.LOKI_WRITE) {
            w.port("http")
                    .ifPresent(p -> g.external(
                            w, ExternalNeed.Kind.LOG_AGENTS, "log agents push to port " + p.getContainerPort()));
        }
        Set<Workload> ring = new LinkedHashSet<>();
        for (JsonNode member : config.path("memberlist").path("join_members")) {
            Configs.hostPort(member.asText().replaceFirst("^dnssrv(noa)?\\+", ""), 7946)
                    .ifPresent(a -> {
                        List<StackModel.Endpoint> endpoints = g.stack().connect(a.host(), a.port(), "TCP");
                        for (StackModel.Endpoint e : endpoints) {
                            g.edge(new Edge(
                                    w, e.workload(), e.port(), "TCP", "Loki memberlist (memberlist.join_members)"));
                            ring.add(e.workload());
                        }
                    });
        }
        // Rings hand out members' gRPC addresses: distributor → ingester, querier → ingester,
        // frontend ↔ scheduler, ruler → ingester and index gateway all dial them.
        for (Workload member : ring) {
            int grpc = config.path("server").path("grpc_listen_port").asInt(9095);
            if (member.port(grpc, "TCP").isPresent()) {
                g.edge(new Edge(w, member, grpc, "TCP", "Loki ring gRPC (members of memberlist.join_members)"));
            }
        }
        String compactor = config.path("common").path("compactor_address").asText(null);
        if (compactor != null) {
            g.connectUrl(w, compactor, "Loki compactor API (common.compactor_address)");
        }
        String gateway = config.path("storage_config")
                .path("tsdb_shipper")
                .path("index_gateway_client")
                .path("server_address")
                .asText(null);
        if (gateway != null) {
            g.connectHostPort(w, gateway, 9095, "Loki index gateway (index_gateway_client.server_address)");
        }
        for (String path : List.of(
                "frontend_worker/scheduler_address",
                "frontend/scheduler_address",
                "frontend_worker/frontend_address")) {
            String[] keys = path.split("/");
            String address = config.path(keys[0]).path(keys[1]).asText(null);
            if (address != null && !address.isBlank()) {
                g.connectHostPort(w, address, 9095, "Loki " + path.replace('/', '.'));
            }
        }
        // The ruler runs in the backend target of the simple-scalable mode (or a monolith).
        String alertmanager = config.path("ruler").path("alertmanager_url").asText(null);
        boolean runsRuler = w.role() == Role.LOKI_BACKEND || w.role() == Role.LOKI_OTHER;
        if (alertmanager != null && runsRuler) {
            boolean discovery =
                    config.path("ruler").path("enable_alertmanager_discovery").asBoolean(false);
            for (String url : alertmanager.split(",")) {
                Matcher srv = LOKI_SRV_URL.matcher(url.strip());
                if (discovery && srv.matches()) {
                    g.connectSrv(
                            w,
                            srv.group(2),
                            srv.group(1),
                            "Loki ruler alerts to every Alertmanager (ruler.alertmanager_url, SRV discovery)");
                } else {
                    g.connectUrl(w, url, "Loki ruler alerts (ruler.alertmanager_url)");
                }
            }
        }
    }
}
