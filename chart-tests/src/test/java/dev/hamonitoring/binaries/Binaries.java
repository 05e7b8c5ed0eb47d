package dev.hamonitoring.binaries;

import dev.hamonitoring.render.ProjectPaths;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The binaries {@code ci/build-binaries.sh} builds from source into
 * {@code ${HA_MONITORING_CACHE:-$HOME/.cache/ha-monitoring}/bin/<component>/<version>/}, at the
 * versions pinned in {@code ci/binaries/versions.properties}.
 *
 * <p>A missing binary is an error naming the script, never a reason to skip: the build guarantees
 * them, so a test that cannot find one must fail.
 */
public final class Binaries {

    /** The components this layer runs, each with the binaries it ships and the image it replaces. */
    public enum Component {
        PROMETHEUS("prometheus", "prometheus/prometheus", "prometheus", "promtool"),
        ALERTMANAGER("alertmanager", "prometheus/alertmanager", "alertmanager", "amtool"),
        THANOS("thanos", "thanos/thanos", "thanos"),
        NODE_EXPORTER("node-exporter", "prometheus/node-exporter", "node_exporter"),
        KUBE_STATE_METRICS("kube-state-metrics", "kube-state-metrics/kube-state-metrics", "kube-state-metrics");

        private final String key;
        private final String imageRepository;
        private final List<String> binaries;

        Component(String key, String imageRepository, String... binaries) {
            this.key = key;
            this.imageRepository = imageRepository;
            this.binaries = List.of(binaries);
        }

        /** Name in versions.properties and in the cache layout. */
        public String key() {
            return key;
        }

        /** The image repository (without registry) whose containers this component's binary replaces. */
        public String imageRepository() {
            return imageRepository;
        }

        /** The binaries of the component; the first one is what its image runs. */
        public List<String> binaries() {
            return binaries;
        }

        /** The component whose image repository is this one (registry ignored, so mirrors work). */
        public static Component forImage(String image) {
            String withoutTag = image.replaceFirst("@.*$", "").replaceFirst(":[^:/]+$", "");
            for (Component component : values()) {
                if (withoutTag.endsWith("/" + component.imageRepository)
                        || withoutTag.equals(component.imageRepository)) {
                    return component;
                }
            }
            throw new LoopbackRewriteException("Image " + image + " is not one this layer has a binary for (known: "
                    + List.of(values()).stream().map(Component::imageRepository).toList() + ")");
        }

        /** The component that ships this binary (prometheus, promtool, alertmanager, amtool, thanos). */
        public static Component ofBinary(String binary) {
            for (Component component : values()) {
                if (component.binaries.contains(binary)) {
                    return component;
                }
            }
            throw new IllegalArgumentException("Unknown binary " + binary);
        }
    }

    private static final String SCRIPT = "ci/build-binaries.sh";

    private Binaries() {}

    /** Root of the cache: {@code $HA_MONITORING_CACHE}, else {@code $HOME/.cache/ha-monitoring}. */
    public static Path cacheRoot() {
        String env = System.getenv("HA_MONITORING_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "ha-monitoring");
    }

    /** The version pinned for a component in {@code ci/binaries/versions.properties} ({@code v3.9.1}). */
    public static String version(Component component) {
        return version(component.key());
    }

    /** The version pinned for any component of {@code ci/build-binaries.sh} ({@code coredns}: {@code v1.15.0}). */
    public static String version(String key) {
        Path file = ProjectPaths.root().resolve("ci/binaries/versions.properties");
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        String version = properties.getProperty(key);
        if (version == null || version.isBlank()) {
            throw new IllegalStateException("No version for " + key + " in " + file);
        }
        return version.trim();
    }

    /** {@code <cache>/bin/<component>/<version>}, whether or not it exists. */
    public static Path directory(Component component) {
        return directory(component.key());
    }

    /** {@code <cache>/bin/<key>/<version>} of any component of {@code ci/build-binaries.sh}, whether or not it exists. */
    public static Path directory(String key) {
        return cacheRoot().resolve("bin").resolve(key).resolve(version(key));
    }

    /**
     * The executable {@code binary} (prometheus, promtool, alertmanager, amtool, thanos, node_exporter,
     * kube-state-metrics).
     *
     * @throws IllegalStateException naming {@code ci/build-binaries.sh} when it is not built
     */
    public static Path path(String binary) {
        Component component = Component.ofBinary(binary);
        Path file = directory(component).resolve(binary);
        if (!Files.isExecutable(file)) {
            throw new IllegalStateException("Binary " + binary + " " + version(component) + " is missing: expected the"
                    + " executable " + file + ". Build it with `" + SCRIPT + " " + component.key() + "` (or `" + SCRIPT
                    + " monitoring`); the build runs it before the integration tests, so a missing binary is an error,"
                    + " not a skip.");
        }
        return file;
    }

    /**
     * Checks that an image runs the version this layer has a binary for: the binary stands in for
     * the image, so the tag must be the pinned version.
     *
     * @throws LoopbackRewriteException when the tag differs (or the image is pinned by digest only)
     */
    public static Component checkImage(String image) {
        Component component = Component.forImage(image);
        String version = version(component);
        String tag = image.contains("@") ? null : image.substring(image.lastIndexOf(':') + 1);
        if (tag == null || !tag.toLowerCase(Locale.ROOT).equals(version.toLowerCase(Locale.ROOT))) {
            throw new LoopbackRewriteException("Image " + image + " does not run " + component.key() + " " + version
                    + ", the version ci/binaries/versions.properties pins and " + SCRIPT
                    + " builds: the binary test would"
                    + " not test what the chart deploys. Align the image tag and the pinned version.");
        }
        return component;
    }
}
