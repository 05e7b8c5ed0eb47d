package dev.hamonitoring.binaries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Set;

/**
 * The Thanos object store configuration (objstore.yml) as rendered, made to run on loopback. Only
 * {@code type: FILESYSTEM} can: its {@code config.directory} moves under the stack's shared
 * directory ({@code /var/thanos/bucket} becomes {@code <shared>/var/thanos/bucket}), the same
 * bucket for every pod of the stack. Any other type (S3, GCS...) fails loudly.
 */
public final class ObjstoreConfigRewrite {

    private ObjstoreConfigRewrite() {}

    /** The rewritten configuration. */
    public static ConfigRewrite forProcess(
            String yaml, LoopbackNetwork network, LoopbackPod pod, String container, String file) {
        ConfigRewrite.Context context =
                new ConfigRewrite.Context(network, pod, pod.container(container), file, TestTimings.asRendered());
        JsonNode rendered = Yaml.read(yaml, context.where(""));
        ObjectNode config = Yaml.copy(rendered);
        ConfigRewrite.Recorder recorder = new ConfigRewrite.Recorder(context);
        String type = config.path("type").asText("");
        if (!type.equals("FILESYSTEM")) {
            throw new LoopbackRewriteException(
                    context.where("type") + ": object store type '" + type + "' cannot run on this machine;"
                            + " binary tests render global.thanos.objectStorage with type FILESYSTEM");
        }
        for (String key : ConfigRewrite.fieldNames(config)) {
            if (!Set.of("type", "config", "prefix").contains(key)) {
                throw new LoopbackRewriteException(context.where(key) + ": unknown object store setting '" + key + "'");
            }
        }
        JsonNode settings = config.path("config");
        for (String key : ConfigRewrite.fieldNames(settings)) {
            if (!key.equals("directory")) {
                throw new LoopbackRewriteException(
                        context.where("config." + key) + ": unknown FILESYSTEM setting '" + key + "'");
            }
        }
        String directory = settings.path("directory").asText("");
        if (directory.isEmpty()) {
            throw new LoopbackRewriteException(context.where("config.directory") + ": FILESYSTEM needs a directory");
        }
        Path used = network.sharedDirectory()
                .resolve(directory.replaceFirst("^/+", ""))
                .normalize();
        if (!used.startsWith(network.sharedDirectory())) {
            throw new LoopbackRewriteException(
                    context.where("config.directory") + ": '" + directory + "' leaves the shared directory");
        }
        ((ObjectNode) settings).put("directory", used.toString());
        recorder.record("config.directory", directory, used.toString(), Rewrite.Kind.PATH);
        return recorder.result(rendered, config);
    }
}
