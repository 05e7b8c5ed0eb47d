package dev.hamonitoring.cluster;

import dev.hamonitoring.render.ProjectPaths;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * The control-plane binaries that {@code ci/build-binaries.sh control-plane} builds, found in its
 * cache: {@code ${HA_MONITORING_CACHE:-~/.cache/ha-monitoring}/bin/<name>/<version>/}, versions
 * from {@code ci/binaries/versions.properties}.
 *
 * <p>Looked up directly rather than through {@code build-binaries.sh --print-dir}: the harness
 * only needs the files to be there, and Maven runs the script itself before the integration
 * tests (pre-integration-test).
 *
 * @param kubeVersion the pinned Kubernetes version, such as {@code v1.34.4}
 * @param kubernetesDir kube-apiserver, kube-controller-manager, kube-scheduler, kubectl
 * @param etcdDir etcd
 * @param kwokDir kwok, kwokctl
 */
public record ClusterBinaries(String kubeVersion, Path kubernetesDir, Path etcdDir, Path kwokDir) {

    /** Environment variable naming the cache root, as in ci/build-binaries.sh. */
    public static final String CACHE_ENV = "HA_MONITORING_CACHE";

    public ClusterBinaries {
        Objects.requireNonNull(kubeVersion, "kubeVersion");
        Objects.requireNonNull(kubernetesDir, "kubernetesDir");
        Objects.requireNonNull(etcdDir, "etcdDir");
        Objects.requireNonNull(kwokDir, "kwokDir");
    }

    /**
     * Finds the binaries of the versions pinned in this repository.
     *
     * @throws IllegalStateException naming every missing file and the command that builds them
     */
    public static ClusterBinaries locate() {
        Properties versions = new Properties();
        Path file = ProjectPaths.root().resolve("ci/binaries/versions.properties");
        try (Reader reader = Files.newBufferedReader(file)) {
            versions.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        String cacheEnv = System.getenv(CACHE_ENV);
        Path cache = cacheEnv == null || cacheEnv.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "ha-monitoring")
                : Path.of(cacheEnv);
        Path bin = cache.resolve("bin");
        ClusterBinaries binaries = new ClusterBinaries(
                version(versions, "kubernetes", file),
                bin.resolve("kubernetes").resolve(version(versions, "kubernetes", file)),
                bin.resolve("etcd").resolve(version(versions, "etcd", file)),
                bin.resolve("kwok").resolve(version(versions, "kwok", file)));
        List<String> missing = new ArrayList<>();
        for (Path binary : binaries.all()) {
            if (!Files.isExecutable(binary)) {
                missing.add(binary.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(
                    "Control-plane binaries missing: " + missing
                            + "; build them with: ci/build-binaries.sh control-plane (cold: tens of minutes, once per machine)");
        }
        return binaries;
    }

    private static String version(Properties versions, String key, Path file) {
        String value = versions.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("No '" + key + "' version in " + file);
        }
        return value.strip();
    }

    public Path kubeApiserver() {
        return kubernetesDir.resolve("kube-apiserver");
    }

    public Path kubeControllerManager() {
        return kubernetesDir.resolve("kube-controller-manager");
    }

    public Path kubeScheduler() {
        return kubernetesDir.resolve("kube-scheduler");
    }

    public Path kubectl() {
        return kubernetesDir.resolve("kubectl");
    }

    public Path etcd() {
        return etcdDir.resolve("etcd");
    }

    public Path kwok() {
        return kwokDir.resolve("kwok");
    }

    public Path kwokctl() {
        return kwokDir.resolve("kwokctl");
    }

    /** Every binary the control plane needs. */
    public List<Path> all() {
        return List.of(kubeApiserver(), kubeControllerManager(), kubeScheduler(), kubectl(), etcd(), kwok(), kwokctl());
    }
}
