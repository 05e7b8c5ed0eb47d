package dev.hamonitoring.render;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * {@code helm template} through helm-java, offline and without a helm CLI, of a chart directory,
 * a packaged {@code .tgz}, or {@code repo/chart[@version]} of a repository added with
 * {@code Helm.repo().add()}.
 *
 * <pre>{@code
 * RenderedRelease release = HelmRender.chart(ProjectPaths.umbrellaChart())
 *     .valuesFile(ProjectPaths.environment("prod"))
 *     .set("grafana.replicas", "1")
 *     .render();
 * String manifest = HelmRender.fromRepository("served/ha-monitoring@0.2.0")
 *     .repositoryConfig(repositoriesYaml)
 *     .manifest();
 * }</pre>
 *
 * <p>Instances are immutable: every setter returns a new one, so a base configuration can be
 * shared between tests. Defaults: release {@code monitoring}, namespace {@code monitoring},
 * Kubernetes {@link #DEFAULT_KUBE_VERSION}, the chart's own values.yaml only. Like every
 * helm-java template, the output has neither hooks nor NOTES.txt. See {@link HelmJava} for the
 * one lock every call takes.
 */
public final class HelmRender {

    /**
     * The Kubernetes version rendered against unless {@link #kubeVersion(String)} says otherwise:
     * the one the cluster test layer builds and runs ({@code kubernetes} in
     * {@code ci/binaries/versions.properties}, copied into this module's resources by the build).
     */
    public static final String DEFAULT_KUBE_VERSION = pinnedKubernetesVersion();

    private final String chart;
    private final boolean local;
    private final String version;
    private final Path repositoryConfig;
    private final String releaseName;
    private final String namespace;
    private final String kubeVersion;
    private final List<Path> valuesFiles;
    private final Map<String, String> sets;

    private HelmRender(
            String chart,
            boolean local,
            String version,
            Path repositoryConfig,
            String releaseName,
            String namespace,
            String kubeVersion,
            List<Path> valuesFiles,
            Map<String, String> sets) {
        this.chart = chart;
        this.local = local;
        this.version = version;
        this.repositoryConfig = repositoryConfig;
        this.releaseName = releaseName;
        this.namespace = namespace;
        this.kubeVersion = kubeVersion;
        this.valuesFiles = valuesFiles;
        this.sets = sets;
    }

    /** Starts a render of a chart directory (the one holding Chart.yaml) or a packaged chart ({@code .tgz}). */
    public static HelmRender chart(Path chart) {
        Objects.requireNonNull(chart, "chart");
        return new HelmRender(
                chart.toAbsolutePath().normalize().toString(),
                true,
                null,
                null,
                "monitoring",
                "monitoring",
                DEFAULT_KUBE_VERSION,
                List.of(),
                Map.of());
    }

    /**
     * Starts a render of {@code repo/chart} or {@code repo/chart@version} from a chart repository
     * added under the name {@code repo} (see {@link #repositoryConfig(Path)}).
     *
     * @throws IllegalArgumentException when the reference is not of that form
     */
    public static HelmRender fromRepository(String reference) {
        Objects.requireNonNull(reference, "reference");
        int at = reference.indexOf('@');
        String name = at < 0 ? reference : reference.substring(0, at);
        String version = at < 0 ? null : reference.substring(at + 1);
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1 || name.indexOf('/', slash + 1) >= 0 || "".equals(version)) {
            throw new IllegalArgumentException("Not a repository chart reference: '" + reference
                    + "'; expected repo/chart or repo/chart@version, for example ha-monitoring/ha-monitoring@0.2.0");
        }
        return new HelmRender(
                name, false, version, null, "monitoring", "monitoring", DEFAULT_KUBE_VERSION, List.of(), Map.of());
    }

    /** {@code --version} of a repository chart; {@code null} takes the newest. */
    public HelmRender version(String version) {
        requireRepository("version");
        return new HelmRender(
                chart, local, version, repositoryConfig, releaseName, namespace, kubeVersion, valuesFiles, sets);
    }

    /** {@code --repository-config}: the repositories.yaml that names the repository of {@link #fromRepository}. */
    public HelmRender repositoryConfig(Path repositoryConfig) {
        requireRepository("repositoryConfig");
        return new HelmRender(
                chart,
                local,
                version,
                Objects.requireNonNull(repositoryConfig, "repositoryConfig"),
                releaseName,
                namespace,
                kubeVersion,
                valuesFiles,
                sets);
    }

    /** {@code helm template <releaseName>}. */
    public HelmRender releaseName(String releaseName) {
        return new HelmRender(
                chart,
                local,
                version,
                repositoryConfig,
                requireText(releaseName, "releaseName"),
                namespace,
                kubeVersion,
                valuesFiles,
                sets);
    }

    /** {@code --namespace}; becomes {@code .Release.Namespace}. */
    public HelmRender namespace(String namespace) {
        return new HelmRender(
                chart,
                local,
                version,
                repositoryConfig,
                releaseName,
                requireText(namespace, "namespace"),
                kubeVersion,
                valuesFiles,
                sets);
    }

    /**
     * {@code --kube-version}, with or without the leading {@code v}. Always sent: helm-java
     * otherwise assumes v1.20.0.
     */
    public HelmRender kubeVersion(String kubeVersion) {
        return new HelmRender(
                chart,
                local,
                version,
                repositoryConfig,
                releaseName,
                namespace,
                requireText(kubeVersion, "kubeVersion"),
                valuesFiles,
                sets);
    }

    /** {@code -f file}; repeatable, applied in the order given (later files win). */
    public HelmRender valuesFile(Path file) {
        Objects.requireNonNull(file, "file");
        List<Path> files = new ArrayList<>(valuesFiles);
        files.add(file.toAbsolutePath().normalize());
        return new HelmRender(
                chart, local, version, repositoryConfig, releaseName, namespace, kubeVersion, List.copyOf(files), sets);
    }

    /**
     * {@code --set key=value}, for scalars only: the value is typed like --set ({@code "3"} is a
     * number, {@code "true"} a boolean) but commas and braces are not interpreted. Lists and maps
     * need a values file. Applied after all values files; setting a key twice keeps the last value.
     */
    public HelmRender set(String key, String value) {
        Map<String, String> next = new LinkedHashMap<>(sets);
        next.remove(requireText(key, "key"));
        next.put(key, Objects.requireNonNull(value, "value"));
        return new HelmRender(
                chart,
                local,
                version,
                repositoryConfig,
                releaseName,
                namespace,
                kubeVersion,
                valuesFiles,
                Collections.unmodifiableMap(next));
    }

    /**
     * The manifest exactly as Helm prints it.
     *
     * @throws ChartRenderException with Helm's full error text when Helm refuses
     * @throws IllegalArgumentException when the chart or a values file does not exist
     */
    public String manifest() {
        checkInputs();
        TemplateCommand command = Helm.template(chart)
                .withName(releaseName)
                .withNamespace(namespace)
                .withKubeVersion(kubeVersion);
        valuesFiles.forEach(command::withValuesFile);
        sets.forEach(command::set);
        if (version != null) {
            command.withVersion(version);
        }
        if (repositoryConfig != null) {
            command.withRepositoryConfig(repositoryConfig);
        }
        try {
            return HelmJava.call(command::call);
        } catch (IllegalStateException e) {
            // helm-java reports every Go-side error as IllegalStateException(message = Helm's error).
            throw new ChartRenderException("helm template failed for " + describe(), String.valueOf(e.getMessage()), e);
        }
    }

    /**
     * Renders and decodes into fabric8 objects.
     *
     * @throws ChartRenderException when Helm refuses, or when the output cannot be decoded into
     *     Kubernetes objects
     * @throws IllegalArgumentException when the chart or a values file does not exist
     */
    public RenderedRelease render() {
        return RenderedRelease.decode(manifest(), describe());
    }

    /** What this render is, for messages: chart, version, release, namespace, kube version, values, sets. */
    public String describe() {
        StringBuilder text = new StringBuilder(chart);
        if (version != null) {
            text.append(' ').append(version);
        }
        text.append(" (release ")
                .append(releaseName)
                .append(", namespace ")
                .append(namespace)
                .append(", kube ")
                .append(kubeVersion);
        if (!valuesFiles.isEmpty()) {
            text.append(", values ").append(valuesFiles);
        }
        if (!sets.isEmpty()) {
            text.append(", set ").append(sets);
        }
        return text.append(')').toString();
    }

    @Override
    public String toString() {
        return "HelmRender " + describe();
    }

    private void checkInputs() {
        if (local) {
            Path path = Path.of(chart);
            boolean directory = Files.isRegularFile(path.resolve("Chart.yaml"));
            boolean archive = Files.isRegularFile(path) && chart.endsWith(".tgz");
            if (!directory && !archive) {
                throw new IllegalArgumentException(
                        "Not a chart directory (no Chart.yaml) nor a chart package (.tgz): " + chart);
            }
        }
        for (Path file : valuesFiles) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("Values file not found: " + file);
            }
            if (file.toString().contains(",")) {
                // helm-java hands the list to Go as one comma-separated string.
                throw new IllegalArgumentException(
                        "helm-java cannot pass a values file whose path contains a comma: " + file);
            }
        }
    }

    private void requireRepository(String setting) {
        if (local) {
            throw new IllegalStateException(
                    setting + " applies to a repository chart (fromRepository), not to " + chart);
        }
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    private static String pinnedKubernetesVersion() {
        Properties versions = new Properties();
        try (InputStream in = HelmRender.class.getResourceAsStream("versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("versions.properties is missing from the chart-render jar");
            }
            versions.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return requireText(versions.getProperty("kubernetes"), "kubernetes in versions.properties");
    }
}
