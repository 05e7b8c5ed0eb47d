package dev.hamonitoring.cluster;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.UpgradeCommand;
import dev.hamonitoring.render.HelmJava;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code helm install / upgrade / uninstall} of one release into a {@link ControlPlane}, through
 * helm-java (Helm 3.21 in-process) with the control plane's kubeconfig passed explicitly (the
 * test JVM's KUBECONFIG is /dev/null).
 *
 * <p>No {@code --wait}: Helm's wait would judge readiness itself; tests wait for what they assert
 * with Awaitility. Helm validates the rendered objects against the server's OpenAPI schema before
 * creating them, and the apiserver's admission runs on every object, so an install that returns
 * has passed both. Helm's errors come back as {@link IllegalStateException} carrying Helm's text.
 */
public final class HelmRelease {

    private final Path kubeconfig;
    private final String chart;
    private final String version;
    private final Path repositoryConfig;
    private final String name;
    private final String namespace;

    /** A release of the chart in a local directory (or .tgz). */
    public HelmRelease(Path kubeconfig, Path chart, String name, String namespace) {
        this(
                kubeconfig,
                Objects.requireNonNull(chart, "chart")
                        .toAbsolutePath()
                        .normalize()
                        .toString(),
                null,
                null,
                name,
                namespace);
    }

    private HelmRelease(
            Path kubeconfig, String chart, String version, Path repositoryConfig, String name, String namespace) {
        this.kubeconfig = Objects.requireNonNull(kubeconfig, "kubeconfig");
        this.chart = chart;
        this.version = version;
        this.repositoryConfig = repositoryConfig;
        this.name = Objects.requireNonNull(name, "name");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
    }

    /**
     * A release of one version of a chart from a Helm repository, the way users install:
     * {@code helm install <name> <repo>/<chart> --version <version>} with the repositories file
     * that {@code helm repo add} wrote.
     *
     * <pre>{@code
     * HelmRelease.fromRepository(kubeconfig, repositories, "charts/ha-monitoring", "0.2.0", "monitoring", "monitoring")
     *         .upgrade(List.of(prodOverlay));
     * }</pre>
     */
    public static HelmRelease fromRepository(
            Path kubeconfig, Path repositoryConfig, String reference, String version, String name, String namespace) {
        return new HelmRelease(
                kubeconfig,
                Objects.requireNonNull(reference, "reference"),
                Objects.requireNonNull(version, "version"),
                Objects.requireNonNull(repositoryConfig, "repositoryConfig"),
                name,
                namespace);
    }

    public String name() {
        return name;
    }

    public String namespace() {
        return namespace;
    }

    /** {@code helm install <name> <chart> -n <namespace> -f ...} (the namespace must exist). */
    public Release install(List<Path> valuesFiles) {
        InstallCommand command =
                Helm.install(chart).withName(name).withNamespace(namespace).withKubeConfig(kubeconfig);
        if (version != null) {
            command.withVersion(version).withRepositoryConfig(repositoryConfig);
        }
        for (Path file : checked(valuesFiles)) {
            command.withValuesFile(file);
        }
        return call("helm install " + name + " " + chartDescription() + " -f " + valuesFiles, command::call);
    }

    /** {@code helm upgrade <name> <chart> -n <namespace> -f ...}: values from these files only (Helm's default without --reuse-values). */
    public Release upgrade(List<Path> valuesFiles) {
        UpgradeCommand command =
                Helm.upgrade(chart).withName(name).withNamespace(namespace).withKubeConfig(kubeconfig);
        if (version != null) {
            command.withVersion(version).withRepositoryConfig(repositoryConfig);
        }
        for (Path file : checked(valuesFiles)) {
            command.withValuesFile(file);
        }
        return call("helm upgrade " + name + " " + chartDescription() + " -f " + valuesFiles, command::call);
    }

    /** {@code helm uninstall <name> -n <namespace>}; returns Helm's message. */
    public String uninstall() {
        return call(
                "helm uninstall " + name,
                Helm.uninstall(name).withNamespace(namespace).withKubeConfig(kubeconfig)::call);
    }

    /** {@code helm uninstall --ignore-not-found}, for cleanup. */
    public void uninstallIfPresent() {
        call(
                "helm uninstall " + name,
                Helm.uninstall(name)
                        .withNamespace(namespace)
                        .withKubeConfig(kubeconfig)
                        .ignoreNotFound()::call);
    }

    private String chartDescription() {
        return version == null ? chart : chart + " --version " + version;
    }

    private static List<Path> checked(List<Path> files) {
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("Values file not found: " + file);
            }
            if (file.toString().contains(",")) {
                throw new IllegalArgumentException(
                        "helm-java cannot pass a values file whose path contains a comma: " + file);
            }
        }
        return files;
    }

    private <T> T call(String what, Supplier<T> action) {
        long t0 = System.nanoTime();
        try {
            // One Helm library per JVM: every layer serialises its helm-java calls on HelmJava's lock.
            T result = HelmJava.call(action);
            System.out.printf(
                    "[cluster] %s (namespace %s) took %.1f s%n", what, namespace, (System.nanoTime() - t0) / 1e9);
            return result;
        } catch (IllegalStateException e) {
            throw new IllegalStateException(what + " (namespace " + namespace + ") failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "release " + name + " in " + namespace;
    }
}
