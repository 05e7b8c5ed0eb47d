package dev.hamonitoring.pods;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.SaveImagesCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.hamonitoring.binaries.Binaries;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The images of the real-pod layer, made on this machine through the Docker API because no
 * registry can be reached: nothing is ever pulled.
 *
 * <ul>
 *   <li>Two base images imported from the Debian root filesystems {@code ci/build-rootfs.sh}
 *       makes: {@code node} (containerd, runc, CNI plugins, iptables) and {@code workload}
 *       (Redis, HAProxy, curl).
 *   <li>The chart's own images, tagged with exactly the references the chart renders, so it
 *       installs unmodified with {@code IfNotPresent}: Prometheus, Alertmanager and Thanos from the
 *       binaries {@code ci/build-binaries.sh} builds (laid out like the upstream images: binary in
 *       {@code /bin}, working directory, user 65534), node_exporter and kube-state-metrics likewise,
 *       Redis, HAProxy and curl from Debian's
 *       packages (their versions differ from the tags: {@link #debianPackages()}).
 *   <li>The cluster's own: the pod sandbox ({@code pause}), CoreDNS, an S3 bucket for Thanos and a
 *       webhook target for Alertmanager.
 * </ul>
 *
 * <p>Every workload image goes into one archive that each node's containerd imports. Docker's
 * build cache makes a rebuild of unchanged inputs return the same image IDs, and the archive is
 * cached under those IDs, so a warm run only checks.
 */
final class PodImages {

    /** The cluster's sandbox image (containerd's {@code sandbox_image} in node.sh). */
    static final String PAUSE = "ha-monitoring.test/pause:" + Binaries.version("pause");

    static final String COREDNS = "ha-monitoring.test/coredns:" + Binaries.version("coredns");
    /** The S3 bucket Thanos uses in this layer (gofakes3, test-only). */
    static final String OBJECT_STORE = "ha-monitoring.test/objstore:" + Binaries.version("gofakes3");
    /** The webhook target of the Alertmanager scenario (ci/binaries/alert-receiver, test-only). */
    static final String ALERT_RECEIVER = "ha-monitoring.test/alert-receiver:" + Binaries.version("alert-receiver");

    private static final String NOBODY = "65534";

    /** How one image is made: files from the binary cache, and the Dockerfile lines after FROM and COPY. */
    private record Recipe(String component, List<String> binaries, List<String> dirs, List<String> instructions) {}

    /** The chart's images this layer can make, by repository (registry not included). */
    private static final Map<String, Recipe> CHART_IMAGES = chartImages();

    private static Map<String, Recipe> chartImages() {
        Map<String, Recipe> recipes = new LinkedHashMap<>();
        recipes.put(
                "prometheus/prometheus",
                new Recipe(
                        "prometheus",
                        List.of("prometheus", "promtool"),
                        List.of("/etc/prometheus", "/prometheus"),
                        List.of(
                                "USER " + NOBODY,
                                "WORKDIR /prometheus",
                                "ENTRYPOINT [\"/bin/prometheus\"]",
                                "CMD [\"--config.file=/etc/prometheus/prometheus.yml\", \"--storage.tsdb.path=/prometheus\"]")));
        recipes.put(
                "prometheus/alertmanager",
                new Recipe(
                        "alertmanager",
                        List.of("alertmanager", "amtool"),
                        List.of("/etc/alertmanager", "/alertmanager"),
                        List.of(
                                "USER " + NOBODY,
                                "WORKDIR /alertmanager",
                                "ENTRYPOINT [\"/bin/alertmanager\"]",
                                "CMD [\"--config.file=/etc/alertmanager/alertmanager.yml\", \"--storage.path=/alertmanager\"]")));
        recipes.put(
                "thanos/thanos",
                new Recipe(
                        "thanos",
                        List.of("thanos"),
                        List.of(),
                        List.of("USER " + NOBODY, "ENTRYPOINT [\"/bin/thanos\"]")));
        recipes.put(
                "prometheus/node-exporter",
                new Recipe(
                        "node-exporter",
                        List.of("node_exporter"),
                        List.of(),
                        List.of("USER " + NOBODY, "ENTRYPOINT [\"/bin/node_exporter\"]")));
        recipes.put(
                "kube-state-metrics/kube-state-metrics",
                new Recipe(
                        "kube-state-metrics",
                        List.of("kube-state-metrics"),
                        List.of(),
                        List.of("USER " + NOBODY, "ENTRYPOINT [\"/bin/kube-state-metrics\"]")));
        // Debian's packages; users as in the upstream images.
        recipes.put(
                "library/redis",
                new Recipe(
                        null,
                        List.of(),
                        List.of("/data"),
                        List.of("USER 999", "WORKDIR /data", "CMD [\"redis-server\"]")));
        recipes.put("library/haproxy", new Recipe(null, List.of(), List.of(), List.of("USER 99", "CMD [\"haproxy\"]")));
        recipes.put(
                "curlimages/curl",
                new Recipe(null, List.of(), List.of(), List.of("USER 100", "ENTRYPOINT [\"curl\"]")));
        return recipes;
    }

    /** What {@link #build} made. */
    record Built(String nodeImage, Path archive, List<String> references, Map<String, String> debianPackages) {}

    private final DockerClient docker;
    private final Path workDir;

    PodImages(DockerClient docker, Path workDir) {
        this.docker = docker;
        this.workDir = workDir;
    }

    /** Chart image references this layer cannot make (Grafana, PostgreSQL): no source for them here. */
    static List<String> unobtainable(Set<String> chartImages) {
        return chartImages.stream()
                .filter(image -> !CHART_IMAGES.containsKey(repository(image)))
                .sorted()
                .toList();
    }

    /**
     * Builds (or finds in Docker's cache) the node image and every image in {@code chartImages}
     * this layer can make, plus the cluster's own, and returns them with their archive.
     *
     * @throws IllegalStateException when a chart image built from a binary has a tag other than
     *     the binary's pinned version: the test would not run what the chart deploys
     */
    Built build(Set<String> chartImages) {
        String node = importRootfs("node");
        String workload = importRootfs("workload");
        Map<String, String> ids = new TreeMap<>();
        for (String image : chartImages) {
            Recipe recipe = CHART_IMAGES.get(repository(image));
            if (recipe == null) {
                continue;
            }
            if (recipe.component() != null) {
                String pinned = Binaries.version(recipe.component());
                String tag = image.substring(image.lastIndexOf(':') + 1);
                if (image.contains("@") || !tag.equals(pinned)) {
                    throw new IllegalStateException("Image " + image + " is not " + recipe.component() + " " + pinned
                            + ", the version ci/binaries/versions.properties pins: align the chart's tag and the pin");
                }
            }
            ids.put(image, buildImage(image, workload, recipe));
        }
        ids.put(
                PAUSE,
                buildImage(
                        PAUSE,
                        "scratch",
                        new Recipe(
                                "pause",
                                List.of("pause"),
                                List.of(),
                                List.of("USER 65535", "ENTRYPOINT [\"/bin/pause\"]"))));
        ids.put(
                COREDNS,
                buildImage(
                        COREDNS,
                        workload,
                        new Recipe(
                                "coredns", List.of("coredns"), List.of(), List.of("ENTRYPOINT [\"/bin/coredns\"]"))));
        ids.put(
                OBJECT_STORE,
                buildImage(
                        OBJECT_STORE,
                        workload,
                        new Recipe(
                                "gofakes3",
                                List.of("gofakes3"),
                                List.of(),
                                List.of("USER " + NOBODY, "ENTRYPOINT [\"/bin/gofakes3\"]"))));
        ids.put(
                ALERT_RECEIVER,
                buildImage(
                        ALERT_RECEIVER,
                        workload,
                        new Recipe(
                                "alert-receiver",
                                List.of("alert-receiver"),
                                List.of(),
                                List.of("USER " + NOBODY, "ENTRYPOINT [\"/bin/alert-receiver\"]"))));
        return new Built(node, archive(ids), List.copyOf(ids.keySet()), debianPackages());
    }

    /** {@code package → version} of the workload root filesystem (Redis, HAProxy, curl). */
    static Map<String, String> debianPackages() {
        Path list = rootfs("workload").resolveSibling("packages.txt");
        Map<String, String> packages = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(list)) {
                String[] parts = line.trim().split(" ", 2);
                if (parts.length == 2) {
                    packages.put(parts[0], parts[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + list + " (written by ci/build-rootfs.sh)", e);
        }
        return packages;
    }

    /** {@code quay.io/prometheus/prometheus:v3.9.1} → {@code prometheus/prometheus}. */
    static String repository(String image) {
        String name = image.replaceFirst("@.*$", "").replaceFirst(":[^:/]+$", "");
        String[] parts = name.split("/", 2);
        boolean hasRegistry = parts.length == 2 && (parts[0].contains(".") || parts[0].contains(":"));
        return hasRegistry ? parts[1] : name;
    }

    private static Path rootfs(String name) {
        Path dir = Binaries.cacheRoot().resolve("rootfs").resolve(name);
        try (Stream<Path> recipes = Files.list(dir)) {
            List<Path> tarballs = recipes.map(r -> r.resolve("rootfs.tar"))
                    .filter(Files::isRegularFile)
                    .toList();
            if (tarballs.size() != 1) {
                throw new IllegalStateException("Expected one root filesystem under " + dir + ", found " + tarballs
                        + ": run ci/build-rootfs.sh (the build runs it before the integration tests)");
            }
            return tarballs.get(0);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "No root filesystem " + name + " under " + dir + ": run ci/build-rootfs.sh " + name, e);
        }
    }

    /**
     * Makes {@code ha-monitoring.test/<name>:<recipe>} from a root filesystem tarball unless Docker
     * has it: a build of {@code FROM scratch} + {@code ADD rootfs.tar /} (ADD unpacks a local tar).
     */
    private String importRootfs(String name) {
        Path tarball = rootfs(name);
        String reference =
                "ha-monitoring.test/" + name + ":" + tarball.getParent().getFileName();
        if (imageId(reference) != null) {
            return reference;
        }
        Path context = workDir.resolve("rootfs-" + name);
        try {
            Files.createDirectories(context);
            link(tarball, context.resolve("rootfs.tar"));
            Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nADD rootfs.tar /\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        docker.buildImageCmd(context.toFile())
                .withTags(Set.of(reference))
                .withPull(false)
                .withRemove(true)
                .exec(new BuildImageResultCallback())
                .awaitImageId();
        return reference;
    }

    private String imageId(String reference) {
        try {
            return docker.inspectImageCmd(reference).exec().getId();
        } catch (NotFoundException e) {
            return null;
        }
    }

    private String buildImage(String reference, String base, Recipe recipe) {
        Path context = workDir.resolve(reference.replaceAll("[^A-Za-z0-9.-]", "_"));
        try {
            Files.createDirectories(context.resolve("bin"));
            StringBuilder dockerfile = new StringBuilder("FROM ").append(base).append('\n');
            for (String binary : recipe.binaries()) {
                Path source = Binaries.directory(recipe.component()).resolve(binary);
                if (!Files.isExecutable(source)) {
                    throw new IllegalStateException("Binary " + source + " is missing: run ci/build-binaries.sh "
                            + recipe.component() + " (the build runs it before the integration tests)");
                }
                link(source, context.resolve("bin").resolve(binary));
                dockerfile
                        .append("COPY bin/")
                        .append(binary)
                        .append(" /bin/")
                        .append(binary)
                        .append('\n');
            }
            for (String dir : recipe.dirs()) {
                Path empty = Files.createDirectories(context.resolve("dirs").resolve(dir.substring(1)));
                dockerfile
                        .append("COPY --chown=")
                        .append(NOBODY)
                        .append(':')
                        .append(NOBODY)
                        .append(" dirs/")
                        .append(context.resolve("dirs").relativize(empty))
                        .append(' ')
                        .append(dir)
                        .append('\n');
            }
            recipe.instructions().forEach(line -> dockerfile.append(line).append('\n'));
            Files.writeString(context.resolve("Dockerfile"), dockerfile.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docker.buildImageCmd(context.toFile())
                .withTags(Set.of(reference))
                .withPull(false)
                .withRemove(true)
                .exec(new BuildImageResultCallback())
                .awaitImageId();
    }

    /** A hard link when the cache and the build directory share a file system, else a copy. */
    private static void link(Path source, Path target) throws IOException {
        Files.deleteIfExists(target);
        try {
            Files.createLink(target, source);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** One {@code docker save} archive of every image, cached under the images' IDs. */
    private Path archive(Map<String, String> ids) {
        String key = sha256(ids.toString()).substring(0, 16);
        Path dir = Binaries.cacheRoot().resolve("images");
        Path archive = dir.resolve("workloads-" + key + ".tar");
        if (Files.isRegularFile(archive)) {
            return archive;
        }
        try {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path stale : old.filter(p -> p.getFileName().toString().startsWith("workloads-"))
                        .toList()) {
                    Files.deleteIfExists(stale);
                }
            }
            SaveImagesCmd save = docker.saveImagesCmd();
            for (String reference : ids.keySet()) {
                int colon = reference.lastIndexOf(':');
                save.withImage(reference.substring(0, colon), reference.substring(colon + 1));
            }
            Path partial = dir.resolve(archive.getFileName() + ".partial");
            try (InputStream in = save.exec()) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + archive, e);
        }
        return archive;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
