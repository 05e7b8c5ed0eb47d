package dev.hamonitoring.analysis.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parts of prometheus.yml the analysis reads. */
public final class PrometheusConfig {

    private static final Pattern SRV_NAME = Pattern.compile("^_([^.]+)\\._(?:tcp|udp)\\.(.+)$");

    private PrometheusConfig() {}

    /**
     * One way Prometheus finds Alertmanagers.
     *
     * @param source "static_configs", "dns_sd_configs (A)", "dns_sd_configs (SRV)", "kubernetes_sd_configs"
     * @param host host name (or a description for Kubernetes discovery)
     * @param port port (0 for SRV)
     * @param srvPortName SRV port name, or null
     */
    public record AlertmanagerTarget(String source, String host, int port, String srvPortName) {
        @Override
        public String toString() {
            return source + " " + host + (port > 0 ? ":" + port : "");
        }
    }

    public static List<AlertmanagerTarget> alertmanagers(JsonNode config) {
        List<AlertmanagerTarget> targets = new ArrayList<>();
        for (JsonNode am : config.path("alerting").path("alertmanagers")) {
            for (JsonNode sc : am.path("static_configs")) {
                for (JsonNode t : sc.path("targets")) {
                    Configs.hostPort(t.asText(), 80)
                            .ifPresent(a ->
                                    targets.add(new AlertmanagerTarget("static_configs", a.host(), a.port(), null)));
                }
            }
            for (JsonNode dns : am.path("dns_sd_configs")) {
                String type = dns.path("type").asText("SRV");
                for (JsonNode name : dns.path("names")) {
                    if ("SRV".equals(type)) {
                        Matcher m = SRV_NAME.matcher(name.asText());
                        targets.add(
                                m.matches()
                                        ? new AlertmanagerTarget("dns_sd_configs (SRV)", m.group(2), 0, m.group(1))
                                        : new AlertmanagerTarget("dns_sd_configs (SRV)", name.asText(), 0, ""));
                    } else {
                        targets.add(new AlertmanagerTarget(
                                "dns_sd_configs (" + type + ")",
                                name.asText(),
                                dns.path("port").asInt(0),
                                null));
                    }
                }
            }
            for (JsonNode k8s : am.path("kubernetes_sd_configs")) {
                targets.add(new AlertmanagerTarget(
                        "kubernetes_sd_configs", "role " + k8s.path("role").asText(), 0, null));
            }
        }
        return targets;
    }

    /** global.external_labels as name → value. */
    public static Map<String, String> externalLabels(JsonNode config) {
        Map<String, String> labels = new LinkedHashMap<>();
        config.path("global")
                .path("external_labels")
                .properties()
                .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    /**
     * Whether alert relabelling removes the label before alerts are sent: a labeldrop whose
     * regex matches it, or a labelkeep whose regex does not.
     */
    public static boolean alertRelabelDrops(JsonNode config, String label) {
        for (JsonNode rule : config.path("alerting").path("alert_relabel_configs")) {
            String action = rule.path("action").asText("replace");
            String regex = rule.path("regex").asText("(.*)");
            boolean matches = Pattern.compile(regex).matcher(label).matches();
            if ("labeldrop".equals(action) && matches) {
                return true;
            }
            if ("labelkeep".equals(action) && !matches) {
                return true;
            }
        }
        return false;
    }
}
