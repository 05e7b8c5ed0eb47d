package dev.hamonitoring.release;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.hamonitoring.render.HelmJava;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.RenderedRelease;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code helm template} of any chart reference helm-java accepts: a chart directory, a packaged
 * {@code .tgz}, or {@code <repo>/<chart>} of a repository added with {@code Helm.repo().add()}
 * (with {@link #repositoryConfig} and {@link #version}). {@link HelmRender} covers chart
 * directories for the render tests; this is the same call for packages and repositories. Like
 * every helm-java template, the output has neither hooks nor NOTES.txt (see
 * {@link TemplatesWithHooks} for hooks).
 */
public final class ChartRender {

    private final String chart;
    private final String releaseName;
    private final String namespace;
    private final String kubeVersion;
    private final List<Path> valuesFiles;
    private final String version;
    private final Path repositoryConfig;

    private ChartRender(String chart, String releaseName, String namespace, String kubeVersion, List<Path> valuesFiles,
                        String version, Path repositoryConfig) {
        this.chart = chart;
        this.releaseName = releaseName;
        this.namespace = namespace;
        this.kubeVersion = kubeVersion;
        this.valuesFiles = valuesFiles;
        this.version = version;
        this.repositoryConfig = repositoryConfig;
    }

    /** A chart directory or package; defaults: release and namespace {@code monitoring}, {@link HelmRender#DEFAULT_KUBE_VERSION}. */
    public static ChartRender of(Path chart) {
        return reference(chart.toAbsolutePath().normalize().toString());
    }

    /** Any reference helm-java resolves ({@code repo/chart} needs {@link #repositoryConfig}). */
    public static ChartRender reference(String chart) {
        return new ChartRender(Objects.requireNonNull(chart, "chart"), "monitoring", "monitoring",
                HelmRender.DEFAULT_KUBE_VERSION, List.of(), null, null);
    }

    /** {@code helm template <releaseName>}. */
    public ChartRender releaseName(String releaseName) {
        return new ChartRender(chart, releaseName, namespace, kubeVersion, valuesFiles, version, repositoryConfig);
    }

    /** {@code --namespace}. */
    public ChartRender namespace(String namespace) {
        return new ChartRender(chart, releaseName, namespace, kubeVersion, valuesFiles, version, repositoryConfig);
    }

    /** {@code --kube-version}. */
    public ChartRender kubeVersion(String kubeVersion) {
        return new ChartRender(chart, releaseName, namespace, kubeVersion, valuesFiles, version, repositoryConfig);
    }

    /** {@code -f file}, repeatable, in order. */
    public ChartRender valuesFile(Path file) {
        List<Path> files = new ArrayList<>(valuesFiles);
        files.add(file.toAbsolutePath().normalize());
        return new ChartRender(chart, releaseName, namespace, kubeVersion, List.copyOf(files), version, repositoryConfig);
    }

    /** {@code --version} (for a repository reference). */
    public ChartRender version(String version) {
        return new ChartRender(chart, releaseName, namespace, kubeVersion, valuesFiles, version, repositoryConfig);
    }

    /** {@code --repository-config}: the repositories.yaml holding the repository of a {@code repo/chart} reference. */
    public ChartRender repositoryConfig(Path repositoryConfig) {
        return new ChartRender(chart, releaseName, namespace, kubeVersion, valuesFiles, version, repositoryConfig);
    }

    /**
     * The manifest exactly as Helm prints it.
     *
     * @throws IllegalStateException with Helm's error text when Helm refuses
     */
    public String manifest() {
        for (Path file : valuesFiles) {
            if (file.toString().contains(",")) {
                throw new IllegalArgumentException("helm-java cannot pass a values file whose path contains a comma: " + file);
            }
        }
        TemplateCommand command = Helm.template(chart)
                .withName(releaseName)
                .withNamespace(namespace)
                .withKubeVersion(kubeVersion);
        valuesFiles.forEach(command::withValuesFile);
        if (version != null) {
            command.withVersion(version);
        }
        if (repositoryConfig != null) {
            command.withRepositoryConfig(repositoryConfig);
        }
        try {
            return HelmJava.call(command::call);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("helm template failed for " + describe() + ":" + System.lineSeparator() + e.getMessage(), e);
        }
    }

    /** Renders and decodes into fabric8 objects. */
    public RenderedRelease render() {
        return RenderedRelease.decode(manifest(), describe());
    }

    /** What this render is, for messages. */
    public String describe() {
        return chart + (version == null ? "" : " " + version) + " (release " + releaseName + ", namespace " + namespace
                + ", kube " + kubeVersion + (valuesFiles.isEmpty() ? "" : ", values " + valuesFiles) + ")";
    }

    @Override
    public String toString() {
        return "ChartRender " + describe();
    }
}
