package dev.hamonitoring.analysis.network;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.analysis.model.Configs;
import dev.hamonitoring.analysis.model.PrometheusConfig;
import dev.hamonitoring.analysis.model.Relabel;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import dev.hamonitoring.render.PodTemplates;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The communication edges of Prometheus: its Alertmanagers and scrape jobs (pod and endpoint discovery, relabelled as Prometheus does). */
final class PrometheusEdges {

    private PrometheusEdges() {}

    static void prometheus(GraphBuilder g, Workload w) {
        Optional<JsonNode> config = Configs.prometheus(g.stack(), w);
        if (config.isEmpty()) {
            return;
        }
        for (PrometheusConfig.AlertmanagerTarget t : PrometheusConfig.alertmanagers(config.get())) {
            String why = "alerts (" + t.source() + ")";
            if (t.srvPortName() != null) {
                if (!t.srvPortName().isEmpty()) {
                    g.connectSrv(w, t.host(), t.srvPortName(), why);
                }
            } else if (t.port() > 0) {
                g.connect(w, t.host(), t.port(), "TCP", why);
            }
        }
        for (JsonNode job : config.get().path("scrape_configs")) {
            scrapeJob(g, w, job);
        }
    }

    private static void scrapeJob(GraphBuilder g, Workload prometheus, JsonNode job) {
        String name = job.path("job_name").asText("?");
        String why = "scrape job " + name;
        for (JsonNode sc : job.path("static_configs")) {
            for (JsonNode t : sc.path("targets")) {
                g.connectHostPort(prometheus, t.asText(), 0, why);
            }
        }
        for (JsonNode dns : job.path("dns_sd_configs")) {
            for (JsonNode n : dns.path("names")) {
                if ("A".equals(dns.path("type").asText())
                        || "AAAA".equals(dns.path("type").asText())) {
                    g.connect(prometheus, n.asText(), dns.path("port").asInt(), "TCP", why);
                }
            }
        }
        for (JsonNode sd : job.path("kubernetes_sd_configs")) {
            g.external(
                    prometheus,
                    ExternalNeed.Kind.KUBE_API,
                    "kubernetes_sd_configs discover targets through the API server");
            Set<String> namespaces = new LinkedHashSet<>();
            sd.path("namespaces").path("names").forEach(n -> namespaces.add(n.asText()));
            if (sd.path("namespaces").path("own_namespace").asBoolean(false)) {
                namespaces.add(g.stack().namespace());
            }
            boolean clusterWide =
                    namespaces.isEmpty() || !namespaces.equals(Set.of(g.stack().namespace()));
            String role = sd.path("role").asText();
            if (clusterWide || "node".equals(role)) {
                g.external(
                        prometheus,
                        ExternalNeed.Kind.CLUSTER_SCRAPE,
                        "scrape job " + name + " (role " + role + ") targets outside the release");
            }
            if (!namespaces.isEmpty() && !namespaces.contains(g.stack().namespace())) {
                continue;
            }
            if ("pod".equals(role)) {
                scrapePods(g, prometheus, job, sd, why);
            } else if ("endpoints".equals(role) || "endpointslice".equals(role)) {
                scrapeEndpoints(g, prometheus, job, why);
            }
        }
    }

    private static void scrapePods(GraphBuilder g, Workload prometheus, JsonNode job, JsonNode sd, String why) {
        for (Workload target : g.stack().workloads()) {
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
                    meta.put("__meta_kubernetes_namespace", g.stack().namespace());
                    meta.put(
                            "__meta_kubernetes_pod_name",
                            target.representative().name());
                    meta.put("__meta_kubernetes_pod_phase", "Running");
                    meta.put("__meta_kubernetes_pod_ready", "true");
                    meta.put("__meta_kubernetes_pod_container_name", c.getName());
                    meta.put("__meta_kubernetes_pod_container_port_name", port.getName() == null ? "" : port.getName());
                    meta.put("__meta_kubernetes_pod_container_port_number", String.valueOf(port.getContainerPort()));
                    meta.put("__meta_kubernetes_pod_container_port_protocol", protocol);
                    meta.put(
                            "__meta_kubernetes_pod_controller_kind",
                            target.kind().toString());
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
                        target.port(scraped, "TCP")
                                .ifPresent(p -> g.edge(new Edge(prometheus, target, scraped, "TCP", why)));
                    }
                }
            }
        }
    }

    private static void scrapeEndpoints(GraphBuilder g, Workload prometheus, JsonNode job, String why) {
        for (Service service : g.stack().services()) {
            if (service.getSpec().getPorts() == null) {
                continue;
            }
            for (ServicePort sp : service.getSpec().getPorts()) {
                for (StackModel.Endpoint e : g.stack().endpoints(service, sp)) {
                    if (!"TCP".equals(e.protocol())) {
                        continue;
                    }
                    Map<String, String> meta = new LinkedHashMap<>();
                    meta.put("__address__", e.workload().representative().name() + ":" + e.port());
                    meta.put("__meta_kubernetes_namespace", g.stack().namespace());
                    meta.put(
                            "__meta_kubernetes_service_name",
                            service.getMetadata().getName());
                    meta.put("__meta_kubernetes_endpoint_port_name", sp.getName() == null ? "" : sp.getName());
                    meta.put("__meta_kubernetes_endpointslice_port_name", sp.getName() == null ? "" : sp.getName());
                    if (service.getMetadata().getLabels() != null) {
                        service.getMetadata()
                                .getLabels()
                                .forEach((k, v) ->
                                        meta.put("__meta_kubernetes_service_label_" + Relabel.sanitize(k), v));
                    }
                    if (service.getMetadata().getAnnotations() != null) {
                        service.getMetadata()
                                .getAnnotations()
                                .forEach((k, v) ->
                                        meta.put("__meta_kubernetes_service_annotation_" + Relabel.sanitize(k), v));
                    }
                    e.workload()
                            .representative()
                            .labels()
                            .forEach((k, v) -> meta.put("__meta_kubernetes_pod_label_" + Relabel.sanitize(k), v));
                    Map<String, String> kept = Relabel.apply(job.path("relabel_configs"), meta);
                    if (!kept.isEmpty()) {
                        int scraped = portOf(kept.get("__address__"), e.port());
                        g.edge(new Edge(prometheus, e.workload(), scraped, "TCP", why));
                    }
                }
            }
        }
    }

    private static Map<String, String> annotations(Workload w) {
        return PodTemplates.of(w.source())
                .map(t -> nonNull(t.getMetadata().getAnnotations()))
                .orElse(Map.of());
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
}
