package dev.hamonitoring.binaries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * prometheus.yml as rendered, made to run on loopback. Changed, and recorded:
 * <ul>
 *   <li>paths ({@code rule_files}, every {@code *_file}) through the container's mounts;</li>
 *   <li>in {@link #forProcess full} mode, discovery: {@code kubernetes_sd_configs} (role pod) and
 *       {@code dns_sd_configs} become {@code static_configs} listing what they would discover
 *       (with the {@code __meta_*} labels discovery sets, so the rendered relabeling runs on
 *       them), static targets are resolved through the loopback DNS;</li>
 *   <li>in full mode, {@code global.scrape_interval} / {@code evaluation_interval} when the
 *       {@link TestTimings} shorten them.</li>
 * </ul>
 * Everything else (external labels, relabel rules, alert relabeling, job names...) is kept.
 * Sections that would reach outside this machine or that the rewrite does not know fail loudly.
 */
public final class PrometheusConfigRewrite {

    private static final Set<String> KNOWN_TOP_LEVEL = Set.of(
            "global", "rule_files", "scrape_config_files", "alerting", "scrape_configs", "storage", "runtime", "otlp");

    private PrometheusConfigRewrite() {}

    /** Paths only: the rendered configuration as a tool on this machine can read it ({@code promtool check config}). */
    public static ConfigRewrite pathsOnly(
            String yaml, LoopbackNetwork network, LoopbackPod pod, String container, String file) {
        ConfigRewrite.Context context =
                new ConfigRewrite.Context(network, pod, pod.container(container), file, TestTimings.asRendered());
        return rewrite(yaml, context, false);
    }

    /** Everything a Prometheus process on loopback needs: paths, discovery, addresses, test timings. */
    public static ConfigRewrite forProcess(
            String yaml, LoopbackNetwork network, LoopbackPod pod, String container, String file, TestTimings timings) {
        ConfigRewrite.Context context =
                new ConfigRewrite.Context(network, pod, pod.container(container), file, timings);
        return rewrite(yaml, context, true);
    }

    static ConfigRewrite rewrite(String yaml, ConfigRewrite.Context context, boolean full) {
        JsonNode rendered = Yaml.read(yaml, context.where(""));
        if (!rendered.isObject()) {
            throw new LoopbackRewriteException(context.where("") + " is not a YAML mapping");
        }
        ObjectNode config = Yaml.copy(rendered);
        ConfigRewrite.Recorder recorder = new ConfigRewrite.Recorder(context);
        for (String key : ConfigRewrite.fieldNames(config)) {
            if (!KNOWN_TOP_LEVEL.contains(key)) {
                throw new LoopbackRewriteException(
                        context.where(key) + ": top-level section '" + key + "' is not known to the"
                                + " loopback rewrite (remote_write, remote_read and tracing would leave this machine); known: "
                                + KNOWN_TOP_LEVEL);
            }
        }
        recorder.translatePaths(config, "", List.of());
        if (full) {
            timings(config, recorder);
            JsonNode alertmanagers = config.path("alerting").path("alertmanagers");
            for (int i = 0; i < alertmanagers.size(); i++) {
                discovery((ObjectNode) alertmanagers.get(i), "alerting.alertmanagers[" + i + "]", recorder);
            }
            JsonNode scrapeConfigs = config.path("scrape_configs");
            for (int i = 0; i < scrapeConfigs.size(); i++) {
                ObjectNode job = (ObjectNode) scrapeConfigs.get(i);
                String path = "scrape_configs[" + i + "]";
                for (String forbidden : List.of("proxy_url", "proxy_from_environment", "proxy_connect_header")) {
                    if (job.has(forbidden)) {
                        throw new LoopbackRewriteException(context.where(path + "." + forbidden)
                                + ": a scrape proxy cannot be placed on loopback");
                    }
                }
                discovery(job, path, recorder);
            }
        }
        return recorder.result(rendered, config);
    }

    private static void timings(ObjectNode config, ConfigRewrite.Recorder recorder) {
        TestTimings timings = recorder.context().timings();
        ObjectNode global = config.has("global") ? (ObjectNode) config.get("global") : config.putObject("global");
        timings.scrapeInterval().ifPresent(v -> {
            recorder.record(
                    "global.scrape_interval", global.path("scrape_interval").asText(null), v, Rewrite.Kind.TIMING);
            global.put("scrape_interval", v);
        });
        timings.evaluationInterval().ifPresent(v -> {
            recorder.record(
                    "global.evaluation_interval",
                    global.path("evaluation_interval").asText(null),
                    v,
                    Rewrite.Kind.TIMING);
            global.put("evaluation_interval", v);
        });
    }

    /** Replaces the discovery of one scrape job or Alertmanager set by static_configs. */
    private static void discovery(ObjectNode section, String path, ConfigRewrite.Recorder recorder) {
        ConfigRewrite.Context context = recorder.context();
        List<String> sdKeys = new ArrayList<>();
        for (String key : ConfigRewrite.fieldNames(section)) {
            if (key.endsWith("_sd_configs")) {
                sdKeys.add(key);
            }
        }
        List<JsonNode> groups = new ArrayList<>();
        if (section.has("static_configs")) {
            JsonNode statics = section.get("static_configs");
            for (int g = 0; g < statics.size(); g++) {
                ObjectNode group = (ObjectNode) statics.get(g).deepCopy();
                ArrayNode targets = (ArrayNode) group.path("targets");
                for (int t = 0; t < targets.size(); t++) {
                    String target = targets.get(t).asText();
                    String where = context.where(path + ".static_configs[" + g + "].targets[" + t + "]");
                    HostPort hostPort = HostPort.parse(target, where);
                    HostPort used = context.network().resolve(hostPort.host(), hostPort.port(), context.pod(), where);
                    targets.set(t, TextNode.valueOf(used.toString()));
                    recorder.record(
                            path + ".static_configs[" + g + "].targets[" + t + "]",
                            target,
                            used.toString(),
                            Rewrite.Kind.ADDRESS);
                }
                groups.add(group);
            }
        }
        for (String key : sdKeys) {
            String where = context.where(path + "." + key);
            List<JsonNode> discovered = new ArrayList<>();
            for (JsonNode sd : section.get(key)) {
                switch (key) {
                    case "kubernetes_sd_configs" ->
                        discovered.addAll(KubernetesPodDiscovery.targetGroups(
                                sd, context.network(), context.pod().namespace(), where));
                    case "dns_sd_configs" -> discovered.addAll(dns(sd, context.network(), where));
                    default ->
                        throw new LoopbackRewriteException(where + ": " + key + " cannot be answered on loopback (only"
                                + " kubernetes_sd_configs role pod, dns_sd_configs and static_configs can)");
                }
            }
            recorder.record(
                    path + "." + key,
                    Yaml.write(section.get(key)).strip(),
                    discovered.size() + " static target group(s): "
                            + discovered.stream()
                                    .map(g -> g.path("targets").toString())
                                    .toList(),
                    Rewrite.Kind.ADDRESS);
            groups.addAll(discovered);
            section.remove(key);
        }
        if (!sdKeys.isEmpty()) {
            ArrayNode statics = section.putArray("static_configs");
            groups.forEach(statics::add);
            recorder.record(
                    path + ".static_configs", null, "static targets standing in for " + sdKeys, Rewrite.Kind.ADDRESS);
        }
    }

    private static List<JsonNode> dns(JsonNode sd, LoopbackNetwork network, String where) {
        for (String key : ConfigRewrite.fieldNames(sd)) {
            if (!Set.of("names", "type", "port", "refresh_interval").contains(key)) {
                throw new LoopbackRewriteException(
                        where + ": dns_sd_configs key '" + key + "' is not supported on loopback");
            }
        }
        String type = sd.path("type").asText("SRV");
        List<JsonNode> groups = new ArrayList<>();
        for (JsonNode nameNode : sd.path("names")) {
            String name = nameNode.asText();
            List<HostPort> addresses = switch (type) {
                case "A", "AAAA" -> {
                    if (!sd.has("port")) {
                        throw new LoopbackRewriteException(where + ": dns_sd_configs type " + type + " needs a port");
                    }
                    yield network.lookupA(name, sd.get("port").asInt(), where);
                }
                case "SRV" -> network.lookupSrv(name, where);
                default ->
                    throw new LoopbackRewriteException(
                            where + ": dns_sd_configs type " + type + " is not supported on loopback");
            };
            ObjectNode group = Yaml.MAPPER.createObjectNode();
            ArrayNode targets = group.putArray("targets");
            addresses.forEach(a -> targets.add(a.toString()));
            group.putObject("labels").put("__meta_dns_name", name);
            groups.add(group);
        }
        return groups;
    }
}
