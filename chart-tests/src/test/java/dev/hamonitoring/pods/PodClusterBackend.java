package dev.hamonitoring.pods;

import dev.hamonitoring.cluster.ClusterTopology;
import dev.hamonitoring.cluster.LocalVolumes;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which implementation of {@link PodCluster} the real-pod tests run on, chosen by the system
 * property {@code pods.backend}: {@code containers} (the default, {@link RealCluster}) or
 * {@code k3s} ({@link K3sCluster}, image from {@code pods.k3s.image}). The tests are the same.
 */
enum PodClusterBackend {
    CONTAINERS,
    K3S;

    static final String PROPERTY = "pods.backend";
    static final String K3S_IMAGE_PROPERTY = "pods.k3s.image";
    /** k3s of the Kubernetes version the project builds for the other backend. */
    static final String DEFAULT_K3S_IMAGE = "rancher/k3s:v1.34.4-k3s1";

    /** The backend a property value names; a clear error for any other value. */
    static PodClusterBackend of(String value) {
        if (value == null || value.isBlank()) {
            return CONTAINERS;
        }
        for (PodClusterBackend backend : values()) {
            if (backend.name().toLowerCase(Locale.ROOT).equals(value.strip())) {
                return backend;
            }
        }
        throw new IllegalArgumentException(
                "-D" + PROPERTY + "=" + value + " names no real-pod backend: use containers (the default) or k3s");
    }

    static PodClusterBackend selected() {
        return of(System.getProperty(PROPERTY));
    }

    static String k3sImage() {
        return System.getProperty(K3S_IMAGE_PROPERTY, DEFAULT_K3S_IMAGE);
    }

    /**
     * Why this backend cannot run here, or empty when it can. k3s needs its image in the local
     * Docker engine: tests never pull, so a user pulls it where a registry is reachable.
     */
    Optional<String> unavailable(Predicate<String> imagePresent) {
        if (this == K3S && !imagePresent.test(k3sImage())) {
            return Optional.of(
                    "k3s backend: " + k3sImage()
                            + " is not in the local Docker engine and tests pull no image (docker pull it where a registry is reachable)");
        }
        return Optional.empty();
    }

    PodCluster start(ClusterTopology topology, PodImages.Built images, Path workDir, LocalVolumes volumes) {
        return switch (this) {
            case CONTAINERS ->
                RealCluster.builder(topology, images, workDir).volumes(volumes).start();
            case K3S -> new K3sCluster(k3sImage(), topology, images, workDir, volumes);
        };
    }
}
