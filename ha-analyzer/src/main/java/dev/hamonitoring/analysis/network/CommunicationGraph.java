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

/**
 * The stack's communication edges, derived from what the programs are configured to do (flags,
 * configuration files, provisioned data sources), never from the chart's own edge table:
 * Thanos Query's endpoints, the query frontend's downstream URL, Grafana's database, cache, Live
 * engine, gossip and data sources, Prometheus' Alertmanagers and scrape jobs, Alertmanager gossip,
 * HAProxy backends, Redis replication and Sentinel, Loki's memberlist ring and gRPC, CloudNativePG
 * replication; plus the external peers each workload needs.
 */
public final class CommunicationGraph {

    /** A Loki ruler Alertmanager URL resolved through DNS SRV: http://_<port name>._tcp.<service host>. */
    private static final Pattern LOKI_SRV_URL = Pattern.compile("https?://_([a-z0-9-]+)\\._tcp\\.([^/:]+).*");

    private static final Pattern HAPROXY_SERVER = Pattern.compile("^\\s*server\\s+(\\S+)\\s+(\\S+)");
    private static final Pattern REDIS_ADDR = Pattern.compile("(?:^|,)addr=([^,]+)");

    private final StackModel stack;
    private final Set<Edge> edges = new LinkedHashSet<>();
    private final List<ExternalNeed> externals = new ArrayList<>();
    private final List<String> unresolved = new ArrayList<>();

    private CommunicationGraph(StackModel stack) {
        this.stack = stack;
    }

    public static CommunicationGraph derive(StackModel stack) {
        CommunicationGraph graph = new CommunicationGraph(stack);
        for (Workload w : stack.workloads()) {
            graph.external(w, ExternalNeed.Kind.DNS, "every pod resolves Service and pod names");
            for (Container c : w.containers()) {
                switch (Role.of(c, w.podSpec())) {
                    case THANOS_QUERY -> graph.thanosQuery(w, c);
                    case THANOS_QUERY_FRONTEND -> graph.queryFrontend(w, c);
                    case THANOS_SIDECAR, THANOS_STORE, THANOS_COMPACTOR, THANOS_OTHER -> graph.objectStore(w, c);
                    case PROMETHEUS -> graph.prometheus(w);
                    case ALERTMANAGER -> graph.alertmanager(w, c);
                    case GRAFANA -> graph.grafana(w);
                    case HAPROXY -> graph.haproxy(w);
                    case REDIS, REDIS_SENTINEL -> graph.redis(w, c);
                    case LOKI_WRITE, LOKI_READ, LOKI_BACKEND, LOKI_OTHER -> graph.loki(w, c);
                    default -> {
                        // Nothing known to derive.
                    }
                }
            }
        }
        for (CloudNativePg cluster : stack.postgresClusters()) {
            graph.postgres(cluster);
        }
        return graph;
    }

    public List<Edge> edges() {
        return List.copyOf(edges);
    }

    public List<ExternalNeed> externals() {
        return List.copyOf(externals);
    }

    /** Addresses in the configuration that lead to nothing in the render (reported by the checks that own them). */
    public List<String> unresolved() {
        return List.copyOf(unresolved);
    }

    public boolean needs(Workload w, ExternalNeed.Kind kind) {
        return externals.stream().anyMatch(e -> e.workload() == w && e.kind() == kind);
    }

    // ------------------------------------------------------------------------------ helpers

    private void external(Workload w, ExternalNeed.Kind kind, String why) {
        if (!needs(w, kind)) {
            externals.add(new ExternalNeed(w, kind, why));
        }
    }

    private void connect(Workload from, String host, int port, String protocol, String why) {
        List<StackModel.Endpoint> endpoints = stack.connect(host, port, protocol);
        if (endpoints.isEmpty()) {
            if (stack.resolve(host).isPresent() || host.endsWith("." + stack.namespace() + ".svc") || host.contains("." + stack.namespace() + ".svc.")) {
                unresolved.add(from.component() + ": " + host + ":" + port + "/" + protocol + " (" + why + ")");
            }
            return;
        }
        for (StackModel.Endpoint e : endpoints) {
            edges.add(new Edge(from, e.workload(), e.port(), e.protocol(), why));
        }
    }

    private void connectUrl(Workload from, String url, String why) {
        Configs.url(url).ifPresent(a -> connect(from, a.host(), a.port(), "TCP", why));
    }

    private void connectHostPort(Workload from, String hostPort, int defaultPort, String why) {
        Configs.hostPort(hostPort, defaultPort).ifPresent(a -> connect(from, a.host(), a.port(), "TCP", why));
    }

    /** SRV lookup _name._proto.host: every pod behind the Service port with that name. */
    private void connectSrv(Workload from, String host, String portName, String why) {
        Optional<StackModel.HostTarget> target = stack.resolve(host);
        Optional<ServicePort> port = target.flatMap(t -> StackModel.servicePort(t.service(), portName));
        if (port.isEmpty()) {
            unresolved.add(from.component() + ": SRV _" + portName + "._tcp." + host + " (" + why + ")");
            return;
        }
        for (StackModel.Endpoint e : stack.endpoints(target.get().service(), port.get())) {
            edges.add(new Edge(from, e.workload(), e.port(), e.protocol(), why));
        }
    }

    private void selfGossip(Workload w, int port, String why) {
        edges.add(new Edge(w, w, port, "TCP", why));
        edges.add(new Edge(w, w, port, "UDP", why));
    }

    // -------------------------------------------------------------------------------- Thanos

    private void thanosQuery(Workload w, Container c) {
        for (ThanosEndpoint e : ThanosEndpoint.of(c)) {
            if (e.isSrv()) {
                if (!e.srvPortName().isEmpty()) {
                    connectSrv(w, e.host(), e.srvPortName(), "StoreAPI " + e.flag());
                }
            } else {
                connect(w, e.host(), e.port(), "TCP", "StoreAPI " + e.flag());
            }
        }
    }

    private void queryFrontend(Workload w, Container c) {
        for (String url : Args.values(c, "query-frontend.downstream-url")) {
            connectUrl(w, url, "downstream queries --query-frontend.downstream-url");
        }
    }

    private void objectStore(Workload w, Container c) {
        if (Args.has(c, "objstore.config-file") || Args.has(c, "objstore.config")) {
            external(w, ExternalNeed.Kind.OBJECT_STORAGE, "Thanos " + Args.subcommand(c) + " reads and writes blocks in the bucket");
        }
    }

    // ---------------------------------------------------------------------------- Prometheus

    private void prometheus(Workload w) {
        Optional<JsonNode> config = Configs.prometheus(stack, w);
        if (config.isEmpty()) {
            return;
        }
        for (PrometheusConfig.AlertmanagerTarget t : PrometheusConfig.alertmanagers(config.get())) {
            String why = "alerts (" + t.source() + ")";
            if (t.srvPortName() != null) {
                if (!t.srvPortName().isEmpty()) {
                    connectSrv(w, t.host(), t.srvPortName(), why);
                }
            } else if (t.port() > 0) {
                connect(w, t.host(), t.port(), "TCP", why);
            }
        }
        for (JsonNode job : config.get().path("scrape_configs")) {
            scrapeJob(w, job);
        }
    }

    private void scrapeJob(Workload prometheus, JsonNode job) {
        String name = job.path("job_name").asText("?");
        String why = "scrape job " + name;
        for (JsonNode sc : job.path("static_configs")) {
            for (JsonNode t : sc.path("targets")) {
                connectHostPort(prometheus, t.asText(), 0, why);
            }
        }
        for (JsonNode dns : job.path("dns_sd_configs")) {
            for (JsonNode n : dns.path("names")) {
                if ("A".equals(dns.path("type").asText()) || "AAAA".equals(dns.path("type").asText())) {
                    connect(prometheus, n.asText(), dns.path("port").asInt(), "TCP", why);
                }
            }
        }
        for (JsonNode sd : job.path("kubernetes_sd_configs")) {
            external(prometheus, ExternalNeed.Kind.KUBE_API, "kubernetes_sd_configs discover targets through the API server");
            Set<String> namespaces = new LinkedHashSet<>();
            sd.path("namespaces").path("names").forEach(n -> namespaces.add(n.asText()));
            if (sd.path("namespaces").path("own_namespace").asBoolean(false)) {
                namespaces.add(stack.namespace());
            }
            boolean clusterWide = namespaces.isEmpty() || !namespaces.equals(Set.of(stack.namespace()));
            String role = sd.path("role").asText();
            if (clusterWide || "node".equals(role)) {
                external(prometheus, ExternalNeed.Kind.CLUSTER_SCRAPE, "scrape job " + name + " (role " + role + ") targets outside the release");
            }
            if (!namespaces.isEmpty() && !namespaces.contains(stack.namespace())) {
                continue;
            }
            if ("pod".equals(role)) {
                scrapePods(prometheus, job, sd, why);
            } else if ("endpoints".equals(role) || "endpointslice".equals(role)) {
                scrapeEndpoints(prometheus, job, why);
            }
        }
    }

    private void scrapePods(Workload prometheus, JsonNode job, JsonNode sd, String why) {
        for (Workload target : stack.workloads()) {
            Map<String, String> podLabels = target.representative().labels();
            if (!podSelectorsMatch(sd, podLabels)) {
                continue;
            }
            for (Container c : target.containers()) {
                if (c.getPorts() == null) {
                    continue;
                }
                for (ContainerPort port : c.getPorts()) {
                    String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
                    if (!"TCP".equals(protocol)) {
                        continue;
                    }
                    Map<String, String> meta = new LinkedHashMap<>();
                    meta.put("__address__", target.representative().name() + ":" + port.getContainerPort());
                    meta.put("__meta_kubernetes_namespace", stack.namespace());
                    meta.put("__meta_kubernetes_pod_name", target.representative().name());
                    meta.put("__meta_kubernetes_pod_phase", "Running");
                    meta.put("__meta_kubernetes_pod_ready", "true");
                    meta.put("__meta_kubernetes_pod_container_name", c.getName());
                    meta.put("__meta_kubernetes_pod_container_port_name", port.getName() == null ? "" : port.getName());
                    meta.put("__meta_kubernetes_pod_container_port_number", String.valueOf(port.getContainerPort()));
                    meta.put("__meta_kubernetes_pod_container_port_protocol", protocol);
                    meta.put("__meta_kubernetes_pod_controller_kind", target.kind().toString());
                    meta.put("__meta_kubernetes_pod_controller_name", target.name());
                    podLabels.forEach((k, v) -> {
                        meta.put("__meta_kubernetes_pod_label_" + Relabel.sanitize(k), v);
                        meta.put("__meta_kubernetes_pod_labelpresent_" + Relabel.sanitize(k), "true");
                    });
                    annotations(target).forEach((k, v) -> {
                        meta.put("__meta_kubernetes_pod_annotation_" + Relabel.sanitize(k), v);
                        meta.put("__meta_kubernetes_pod_annotationpresent_" + Relabel.sanitize(k), "true");
                    });
                    Map<String, String> kept = Relabel.apply(job.path("relabel_configs"), meta);
                    if (!kept.isEmpty()) {
                        int scraped = portOf(kept.get("__address__"), port.getContainerPort());
                        target.port(scraped, "TCP").ifPresent(p -> edges.add(new Edge(prometheus, target, scraped, "TCP", why)));
                    }
                }
            }
        }
    }

    private void scrapeEndpoints(Workload prometheus, JsonNode job, String why) {
        for (Service service : stack.services()) {
            if (service.getSpec().getPorts() == null) {
                continue;
            }
            for (ServicePort sp : service.getSpec().getPorts()) {
                for (StackModel.Endpoint e : stack.endpoints(service, sp)) {
                    if (!"TCP".equals(e.protocol())) {
                        continue;
                    }
                    Map<String, String> meta = new LinkedHashMap<>();
                    meta.put("__address__", e.workload().representative().name() + ":" + e.port());
                    meta.put("__meta_kubernetes_namespace", stack.namespace());
                    meta.put("__meta_kubernetes_service_name", service.getMetadata().getName());
                    meta.put("__meta_kubernetes_endpoint_port_name", sp.getName() == null ? "" : sp.getName());
                    meta.put("__meta_kubernetes_endpointslice_port_name", sp.getName() == null ? "" : sp.getName());
                    if (service.getMetadata().getLabels() != null) {
                        service.getMetadata().getLabels().forEach((k, v) -> meta.put("__meta_kubernetes_service_label_" + Relabel.sanitize(k), v));
                    }
                    if (service.getMetadata().getAnnotations() != null) {
                        service.getMetadata().getAnnotations().forEach((k, v) -> meta.put("__meta_kubernetes_service_annotation_" + Relabel.sanitize(k), v));
                    }
                    e.workload().representative().labels().forEach((k, v) -> meta.put("__meta_kubernetes_pod_label_" + Relabel.sanitize(k), v));
                    Map<String, String> kept = Relabel.apply(job.path("relabel_configs"), meta);
                    if (!kept.isEmpty()) {
                        int scraped = portOf(kept.get("__address__"), e.port());
                        edges.add(new Edge(prometheus, e.workload(), scraped, "TCP", why));
                    }
                }
            }
        }
    }

    private static Map<String, String> annotations(Workload w) {
        return PodTemplates.of(w.source()).map(t -> nonNull(t.getMetadata().getAnnotations())).orElse(Map.of());
    }

    private static Map<String, String> nonNull(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    private static int portOf(String address, int fallback) {
        if (address == null) {
            return fallback;
        }
        int colon = address.lastIndexOf(':');
        try {
            return colon < 0 ? fallback : Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** kubernetes_sd_configs selectors of role pod: "k=v", "k==v", "k!=v", "k", "!k", comma-separated (AND). */
    private static boolean podSelectorsMatch(JsonNode sd, Map<String, String> labels) {
        for (JsonNode selector : sd.path("selectors")) {
            if (!"pod".equals(selector.path("role").asText())) {
                continue;
            }
            String expression = selector.path("label").asText("");
            for (String part : expression.split(",")) {
                String term = part.strip();
                if (term.isEmpty()) {
                    continue;
                }
                boolean ok;
                if (term.contains("!=")) {
                    String[] kv = term.split("!=", 2);
                    ok = !kv[1].strip().equals(labels.get(kv[0].strip()));
                } else if (term.contains("=")) {
                    String[] kv = term.split("==?", 2);
                    ok = kv[1].strip().equals(labels.get(kv[0].strip()));
                } else if (term.startsWith("!")) {
                    ok = !labels.containsKey(term.substring(1).strip());
                } else {
                    ok = labels.containsKey(term);
                }
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    // -------------------------------------------------------------------------- Alertmanager

    private void alertmanager(Workload w, Container c) {
        external(w, ExternalNeed.Kind.NOTIFICATIONS, "receivers notify webhooks, chat and mail");
        // Clustering is on unless --cluster.listen-address is set empty; the default listens on 9094.
        String listen = Args.last(c, "cluster.listen-address");
        if (listen != null && listen.isBlank()) {
            return;
        }
        int port = Configs.hostPort(listen == null ? "0.0.0.0:9094" : listen, 9094).map(Configs.Address::port).orElse(9094);
        selfGossip(w, port, "Alertmanager cluster gossip (--cluster.listen-address)");
        for (String peer : Args.values(c, "cluster.peer")) {
            Configs.hostPort(peer, 9094).ifPresent(a -> {
                for (String protocol : List.of("TCP", "UDP")) {
                    List<StackModel.Endpoint> endpoints = stack.connect(a.host(), a.port(), protocol);
                    endpoints.forEach(e -> edges.add(new Edge(w, e.workload(), e.port(), protocol, "Alertmanager cluster gossip (--cluster.peer)")));
                }
            });
        }
    }

    // ------------------------------------------------------------------------------- Grafana

    private void grafana(Workload w) {
        Configs.GrafanaIni ini = Configs.grafanaIni(stack, w).orElse(null);
        if (ini == null) {
            return;
        }
        String dbType = ini.get("database", "type");
        String dbHost = ini.get("database", "host");
        if (dbHost != null && ("postgres".equals(dbType) || "mysql".equals(dbType))) {
            connectHostPort(w, dbHost, "postgres".equals(dbType) ? 5432 : 3306, "Grafana database ([database] host)");
        }
        if ("redis".equals(ini.get("remote_cache", "type"))) {
            String connstr = ini.get("remote_cache", "connstr");
            if (connstr != null) {
                Matcher m = REDIS_ADDR.matcher(connstr);
                if (m.find()) {
                    connectHostPort(w, m.group(1), 6379, "Grafana remote cache ([remote_cache] connstr)");
                }
            }
        }
        if ("redis".equals(ini.get("live", "ha_engine")) && ini.get("live", "ha_engine_address") != null) {
            connectHostPort(w, ini.get("live", "ha_engine_address"), 6379, "Grafana Live HA engine ([live] ha_engine_address)");
        }
        boolean alerting = !"false".equals(ini.get("unified_alerting", "enabled"));
        if (alerting) {
            external(w, ExternalNeed.Kind.NOTIFICATIONS, "unified alerting notifies contact points");
            String listen = ini.get("unified_alerting", "ha_listen_address");
            String peers = ini.get("unified_alerting", "ha_peers");
            if (listen != null || (peers != null && !peers.isBlank())) {
                int port = Configs.hostPort(listen == null ? "0.0.0.0:9094" : listen.replace("${POD_IP}", "0.0.0.0"), 9094)
                        .map(Configs.Address::port).orElse(9094);
                selfGossip(w, port, "Grafana unified alerting gossip ([unified_alerting] ha_listen_address)");
            }
        }
        for (String url : Configs.grafanaDatasourceUrls(stack, w)) {
            connectUrl(w, url, "Grafana data source " + url);
        }
        w.port("http").ifPresent(p -> external(w, ExternalNeed.Kind.USERS, "the Grafana UI on port " + p.getContainerPort()));
    }

    // ------------------------------------------------------------------------- Redis, HAProxy

    private void haproxy(Workload w) {
        Configs.haproxy(stack, w).ifPresent(cfg -> {
            for (String line : cfg.split("\n")) {
                Matcher m = HAPROXY_SERVER.matcher(line);
                if (m.find()) {
                    connectHostPort(w, m.group(2), 0, "HAProxy backend server " + m.group(1));
                }
            }
        });
    }

    private void redis(Workload w, Container c) {
        String domain = StackModel.env(c, "REDIS_POD_DOMAIN");
        List<Workload> peers = new ArrayList<>();
        if (domain != null) {
            stack.resolve(domain).ifPresent(t -> peers.addAll(stack.selectedBy(t.service())));
        }
        if (peers.isEmpty() && w.has(Role.REDIS_SENTINEL)) {
            peers.add(w);
        }
        for (Workload peer : peers) {
            for (String name : List.of("redis", "sentinel")) {
                String why = "redis".equals(name) ? "Redis replication and Sentinel monitoring (REDIS_POD_DOMAIN)"
                        : "Sentinel discovery and failover votes (REDIS_POD_DOMAIN)";
                peer.port(name).ifPresent(p -> edges.add(new Edge(w, peer, p.getContainerPort(), "TCP", why)));
            }
        }
    }

    // ---------------------------------------------------------------------------------- Loki

    private void loki(Workload w, Container c) {
        JsonNode config = Configs.loki(stack, w, c).orElse(null);
        if (config == null) {
            return;
        }
        JsonNode common = config.path("common").path("storage");
        if (!common.path("s3").isMissingNode() || !common.path("gcs").isMissingNode() || !common.path("azure").isMissingNode()
                || !config.path("storage_config").path("aws").isMissingNode()) {
            external(w, ExternalNeed.Kind.OBJECT_STORAGE, "Loki keeps chunks and index in the bucket");
        }
        if (w.role() == Role.LOKI_WRITE) {
            w.port("http").ifPresent(p -> external(w, ExternalNeed.Kind.LOG_AGENTS, "log agents push to port " + p.getContainerPort()));
        }
        Set<Workload> ring = new LinkedHashSet<>();
        for (JsonNode member : config.path("memberlist").path("join_members")) {
            Configs.hostPort(member.asText().replaceFirst("^dnssrv(noa)?\\+", ""), 7946).ifPresent(a -> {
                List<StackModel.Endpoint> endpoints = stack.connect(a.host(), a.port(), "TCP");
                for (StackModel.Endpoint e : endpoints) {
                    edges.add(new Edge(w, e.workload(), e.port(), "TCP", "Loki memberlist (memberlist.join_members)"));
                    ring.add(e.workload());
                }
            });
        }
        // Rings hand out members' gRPC addresses: distributor → ingester, querier → ingester,
        // frontend ↔ scheduler, ruler → ingester and index gateway all dial them.
        for (Workload member : ring) {
            int grpc = config.path("server").path("grpc_listen_port").asInt(9095);
            if (member.port(grpc, "TCP").isPresent()) {
                edges.add(new Edge(w, member, grpc, "TCP", "Loki ring gRPC (members of memberlist.join_members)"));
            }
        }
        String compactor = config.path("common").path("compactor_address").asText(null);
        if (compactor != null) {
            connectUrl(w, compactor, "Loki compactor API (common.compactor_address)");
        }
        String gateway = config.path("storage_config").path("tsdb_shipper").path("index_gateway_client").path("server_address").asText(null);
        if (gateway != null) {
            connectHostPort(w, gateway, 9095, "Loki index gateway (index_gateway_client.server_address)");
        }
        for (String path : List.of("frontend_worker/scheduler_address", "frontend/scheduler_address", "frontend_worker/frontend_address")) {
            String[] keys = path.split("/");
            String address = config.path(keys[0]).path(keys[1]).asText(null);
            if (address != null && !address.isBlank()) {
                connectHostPort(w, address, 9095, "Loki " + path.replace('/', '.'));
            }
        }
        // The ruler runs in the backend target of the simple-scalable mode (or a monolith).
        String alertmanager = config.path("ruler").path("alertmanager_url").asText(null);
        boolean runsRuler = w.role() == Role.LOKI_BACKEND || w.role() == Role.LOKI_OTHER;
        if (alertmanager != null && runsRuler) {
            boolean discovery = config.path("ruler").path("enable_alertmanager_discovery").asBoolean(false);
            for (String url : alertmanager.split(",")) {
                Matcher srv = LOKI_SRV_URL.matcher(url.strip());
                if (discovery && srv.matches()) {
                    connectSrv(w, srv.group(2), srv.group(1), "Loki ruler alerts to every Alertmanager (ruler.alertmanager_url, SRV discovery)");
                } else {
                    connectUrl(w, url, "Loki ruler alerts (ruler.alertmanager_url)");
                }
            }
        }
    }

    // ----------------------------------------------------------------------------- PostgreSQL

    private void postgres(CloudNativePg cluster) {
        Workload w = stack.workloads().stream().filter(x -> x.kind() == WorkloadKind.CLUSTER && x.name().equals(cluster.name()))
                .findFirst().orElseThrow();
        edges.add(new Edge(w, w, CloudNativePg.POSTGRES_PORT, "TCP", "CloudNativePG streaming replication and join jobs"));
        edges.add(new Edge(w, w, CloudNativePg.STATUS_PORT, "TCP", "CloudNativePG instance manager status"));
        external(w, ExternalNeed.Kind.OPERATOR, "the operator calls every instance on ports "
                + CloudNativePg.STATUS_PORT + " and " + CloudNativePg.POSTGRES_PORT);
        external(w, ExternalNeed.Kind.KUBE_API, "the instance manager reports to the API server");
    }
}
