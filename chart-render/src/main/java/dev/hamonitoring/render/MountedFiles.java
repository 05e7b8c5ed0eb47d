package dev.hamonitoring.render;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files a container sees through a ConfigMap, Secret or projected volume, read from rendered
 * objects the way the kubelet writes them: ConfigMap {@code data} and {@code binaryData}, Secret
 * {@code data} (decoded) and {@code stringData}, {@code items} selecting and renaming keys. The one
 * reader the analyser and the binaries layer share.
 */
public final class MountedFiles {

    /** What to do when a volume names an object or key the objects do not have. */
    public enum Missing {
        /** Skip it: the object exists outside the release (an existing Secret, say). */
        SKIP,
        /** Fail, naming it: the caller must provide every file. */
        FAIL
    }

    private MountedFiles() {}

    /**
     * {@code MountedFiles.of(volume, release.objects(), Missing.SKIP)}: path relative to the mount →
     * content; empty when the volume is of another type (emptyDir, claim, ...).
     *
     * @throws IllegalArgumentException with {@link Missing#FAIL}, naming the missing object or key
     */
    public static Optional<Map<String, String>> of(Volume volume, List<HasMetadata> objects, Missing missing) {
        Map<String, String> files = new LinkedHashMap<>();
        String where = "volume " + volume.getName();
        if (volume.getConfigMap() != null) {
            add(
                    configMap(objects, volume.getConfigMap().getName(), where, missing),
                    volume.getConfigMap().getItems(),
                    files,
                    where,
                    missing);
        } else if (volume.getSecret() != null) {
            add(
                    secret(objects, volume.getSecret().getSecretName(), where, missing),
                    volume.getSecret().getItems(),
                    files,
                    where,
                    missing);
        } else if (volume.getProjected() != null) {
            for (VolumeProjection source : volume.getProjected().getSources() == null
                    ? List.<VolumeProjection>of()
                    : volume.getProjected().getSources()) {
                if (source.getConfigMap() != null) {
                    add(
                            configMap(objects, source.getConfigMap().getName(), where, missing),
                            source.getConfigMap().getItems(),
                            files,
                            where,
                            missing);
                } else if (source.getSecret() != null) {
                    add(
                            secret(objects, source.getSecret().getName(), where, missing),
                            source.getSecret().getItems(),
                            files,
                            where,
                            missing);
                }
            }
        } else {
            return Optional.empty();
        }
        return Optional.of(files);
    }

    /** A ConfigMap's files: {@code data} plus base64-decoded {@code binaryData}. */
    public static Map<String, String> data(ConfigMap configMap) {
        Map<String, String> all = new LinkedHashMap<>(configMap.getData() == null ? Map.of() : configMap.getData());
        if (configMap.getBinaryData() != null) {
            configMap.getBinaryData().forEach((k, v) -> all.put(k, decode(v)));
        }
        return all;
    }

    /** A Secret's files: base64-decoded {@code data}, then {@code stringData} (which wins, as on the API server). */
    public static Map<String, String> data(Secret secret) {
        Map<String, String> all = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> all.put(k, decode(v)));
        }
        if (secret.getStringData() != null) {
            all.putAll(secret.getStringData());
        }
        return all;
    }

    private static Optional<Map<String, String>> configMap(
            List<HasMetadata> objects, String name, String where, Missing missing) {
        Optional<Map<String, String>> found = objects.stream()
                .filter(ConfigMap.class::isInstance)
                .map(ConfigMap.class::cast)
                .filter(c -> name.equals(c.getMetadata().getName()))
                .findFirst()
                .map(MountedFiles::data);
        return required(found, "ConfigMap " + name, where, missing);
    }

    private static Optional<Map<String, String>> secret(
            List<HasMetadata> objects, String name, String where, Missing missing) {
        Optional<Map<String, String>> found = objects.stream()
                .filter(Secret.class::isInstance)
                .map(Secret.class::cast)
                .filter(s -> name.equals(s.getMetadata().getName()))
                .findFirst()
                .map(MountedFiles::data);
        return required(found, "Secret " + name, where, missing);
    }

    private static Optional<Map<String, String>> required(
            Optional<Map<String, String>> found, String what, String where, Missing missing) {
        if (found.isEmpty() && missing == Missing.FAIL) {
            throw new IllegalArgumentException(where + " mounts " + what + ", which is not among the rendered objects");
        }
        return found;
    }

    private static void add(
            Optional<Map<String, String>> data,
            List<KeyToPath> items,
            Map<String, String> files,
            String where,
            Missing missing) {
        if (data.isEmpty()) {
            return;
        }
        if (items == null || items.isEmpty()) {
            files.putAll(data.get());
            return;
        }
        for (KeyToPath item : items) {
            String value = data.get().get(item.getKey());
            if (value != null) {
                files.put(item.getPath(), value);
            } else if (missing == Missing.FAIL) {
                throw new IllegalArgumentException(
                        where + " asks for key " + item.getKey() + ", which the object does not have (keys: "
                                + data.get().keySet() + ")");
            }
        }
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
