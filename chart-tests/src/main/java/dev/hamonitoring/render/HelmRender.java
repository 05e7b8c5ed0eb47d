package dev.hamonitoring.render;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code helm template} through helm-java, offline and without a helm CLI.
 *
 * <pre>{@code
 * RenderedRelease release = HelmRender.chart(ProjectPaths.umbrellaChart())
 *     .releaseName("monitoring").namespace("monitoring")
 *     .valuesFile(ProjectPaths.environment("prod"))
 *     .set("grafana.replicas", "1")
 *     .render();
 * }</pre>
 *
 * <p>Instances are immutable: every setter returns a new one, so a base configuration can be
 * shared between tests. Defaults: release {@code monitoring}, namespace {@code monitoring},
 * Kubernetes {@value #DEFAULT_KUBE_VERSION}, the chart's own values.yaml only. See
 * {@link HelmJava} for what helm-java does and does not do.
 */
public final class HelmRender {

    /** The Kubernetes version rendered against unless {@link #kubeVersion(String)} says otherwise. */
    public static final String DEFAULT_KUBE_VERSION = "v1.34.4";

    private final Path chart;
    private final String releaseName;
    private final String namespace;
    private final String kubeVersion;
    private final List<Path> valuesFiles;
    private final Map<String, String> sets;

    private HelmRender(Path chart, String releaseName, String namespace, String kubeVersion,
                       List<Path> valuesFiles, Map<String, String> sets) {
        this.chart = chart;
        this.releaseName = releaseName;
        this.namespace = namespace;
        this.kubeVersion = kubeVersion;
        this.valuesFiles = valuesFiles;
        this.sets = sets;
    }

    /** Starts a render of the chart directory (the one holding Chart.yaml). */
    public static HelmRender chart(Path chartDir) {
        Objects.requireNonNull(chartDir, "chartDir");
        return new HelmRender(chartDir.toAbsolutePath().normalize(), "monitoring", "monitoring",
                DEFAULT_KUBE_VERSION, List.of(), Map.of());
    }

    /** {@code helm template <releaseName>}. */
    public HelmRender releaseName(String releaseName) {
        return new HelmRender(chart, requireText(releaseName, "releaseName"), namespace, kubeVersion, valuesFiles, sets);
    }

    /** {@code --namespace}; becomes {@code .Release.Namespace}. */
    public HelmRender namespace(String namespace) {
        return new HelmRender(chart, releaseName, requireText(namespace, "namespace"), kubeVersion, valuesFiles, sets);
    }

    /**
     * {@code --kube-version}, with or without the leading {@code v}. Always sent: helm-java
     * otherwise assumes v1.20.0.
     */
    public HelmRender kubeVersion(String kubeVersion) {
        return new HelmRender(chart, releaseName, namespace, requireText(kubeVersion, "kubeVersion"), valuesFiles, sets);
    }

    /** {@code -f file}; repeatable, applied in the order given (later files win). */
    public HelmRender valuesFile(Path file) {
        Objects.requireNonNull(file, "file");
        List<Path> files = new ArrayList<>(valuesFiles);
        files.add(file.toAbsolutePath().normalize());
        return new HelmRender(chart, releaseName, namespace, kubeVersion, List.copyOf(files), sets);
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
        return new HelmRender(chart, releaseName, namespace, kubeVersion, valuesFiles, Collections.unmodifiableMap(next));
    }

    /**
     * Renders and decodes the chart.
     *
     * @throws ChartRenderException with Helm's full error text when Helm refuses, or when the
     *     output cannot be decoded into Kubernetes objects
     * @throws IllegalArgumentException when the chart directory or a values file does not exist
     */
    public RenderedRelease render() {
        checkInputs();
        TemplateCommand command = Helm.template(chart.toString())
                .withName(releaseName)
                .withNamespace(namespace)
                .withKubeVersion(kubeVersion);
        valuesFiles.forEach(command::withValuesFile);
        sets.forEach(command::set);
        String manifest;
        try {
            synchronized (HelmJava.LOCK) {
                manifest = command.call();
            }
        } catch (IllegalStateException e) {
            // helm-java reports every Go-side error as IllegalStateException(message = Helm's error).
            throw new ChartRenderException("helm template failed for " + describe(), String.valueOf(e.getMessage()), e);
        }
        return RenderedRelease.decode(manifest, describe());
    }

    /** What this render is, for messages: chart, release, namespace, kube version, values, sets. */
    public String describe() {
        StringBuilder text = new StringBuilder(chart.toString())
                .append(" (release ").append(releaseName)
                .append(", namespace ").append(namespace)
                .append(", kube ").append(kubeVersion);
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
        if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
            throw new IllegalArgumentException("Not a chart directory (no Chart.yaml): " + chart);
        }
        for (Path file : valuesFiles) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("Values file not found: " + file);
            }
            if (file.toString().contains(",")) {
                // helm-java hands the list to Go as one comma-separated string.
                throw new IllegalArgumentException("helm-java cannot pass a values file whose path contains a comma: " + file);
            }
        }
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}
