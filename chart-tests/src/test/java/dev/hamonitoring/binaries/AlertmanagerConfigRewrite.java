package dev.hamonitoring.binaries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * alertmanager.yml as rendered, made to run on loopback: paths ({@code templates}, every
 * {@code *_file}) through the container's mounts, and the {@code url} of each
 * {@code webhook_configs} entry through the loopback DNS (a test serves the receiver behind a
 * Service it declares). Routes, grouping, timers, inhibition are kept. Any other receiver type,
 * and any other URL or smarthost anywhere, fails loudly: it would leave this machine.
 */
public final class AlertmanagerConfigRewrite {

    private AlertmanagerConfigRewrite() {}

    /** Paths only, for {@code amtool check-config}. */
    public static ConfigRewrite pathsOnly(
            String yaml, LoopbackNetwork network, LoopbackPod pod, String container, String file) {
        return rewrite(
                yaml,
                new ConfigRewrite.Context(network, pod, pod.container(container), file, TestTimings.asRendered()),
                false);
    }

    /** Paths and receiver addresses, for an Alertmanager process. */
    public static ConfigRewrite forProcess(
            String yaml, LoopbackNetwork network, LoopbackPod pod, String container, String file) {
        return rewrite(
                yaml,
                new ConfigRewrite.Context(network, pod, pod.container(container), file, TestTimings.asRendered()),
                true);
    }

    static ConfigRewrite rewrite(String yaml, ConfigRewrite.Context context, boolean full) {
        JsonNode rendered = Yaml.read(yaml, context.where(""));
        ObjectNode config = Yaml.copy(rendered);
        ConfigRewrite.Recorder recorder = new ConfigRewrite.Recorder(context);
        recorder.translatePaths(config, "", List.of("templates"));
        if (full) {
            Set<String> rewritten = new HashSet<>();
            JsonNode receivers = config.path("receivers");
            for (int r = 0; r < receivers.size(); r++) {
                JsonNode receiver = receivers.get(r);
                for (String key : ConfigRewrite.fieldNames(receiver)) {
                    String path = "receivers[" + r + "]." + key;
                    if (key.equals("name")) {
                        continue;
                    }
                    if (!key.equals("webhook_configs")) {
                        throw new LoopbackRewriteException(
                                context.where(path) + ": receiver type " + key + " would notify outside this"
                                        + " machine; binary tests route to webhook_configs served by the test");
                    }
                    JsonNode webhooks = receiver.get(key);
                    for (int w = 0; w < webhooks.size(); w++) {
                        ObjectNode webhook = (ObjectNode) webhooks.get(w);
                        String urlPath = path + "[" + w + "].url";
                        if (webhook.has("url")) {
                            String url = webhook.get("url").asText();
                            String used = Urls.rewrite(url, context.network(), context.pod(), context.where(urlPath));
                            webhook.put("url", used);
                            recorder.record(urlPath, url, used, Rewrite.Kind.ADDRESS);
                            rewritten.add(urlPath);
                        }
                    }
                }
            }
            refuseOtherAddresses(config, "", rewritten, context);
        }
        return recorder.result(rendered, config);
    }

    private static void refuseOtherAddresses(
            JsonNode node, String path, Set<String> rewritten, ConfigRewrite.Context context) {
        if (node.isObject()) {
            for (String key : ConfigRewrite.fieldNames(node)) {
                String child = path.isEmpty() ? key : path + "." + key;
                boolean address = key.equals("url") || key.endsWith("_url") || key.endsWith("smarthost");
                if (address && !rewritten.contains(child)) {
                    throw new LoopbackRewriteException(
                            context.where(child) + ": address setting '" + key + "' would be used as"
                                    + " rendered and leave this machine; the loopback rewrite only places webhook_configs urls");
                }
                refuseOtherAddresses(node.get(key), child, rewritten, context);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refuseOtherAddresses(node.get(i), path + "[" + i + "]", rewritten, context);
            }
        }
    }
}
