package dev.hamonitoring.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hamonitoring.render.ChartArchive;
import dev.hamonitoring.render.FileTrees;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.ValuesFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The chart an {@link Overlay} renders: a chart directory, a packaged {@code .tgz} (unpacked once
 * into a directory deleted at exit, so its environments/ overlays can be named), or
 * {@code repo/chart[@version]} of a chart repository. Only a local chart has overlays by name and
 * default values the analysis can read; a repository chart is rendered as it is.
 */
public final class ChartSource {

    private final String label;
    private final Path directory;
    private final String reference;
    private final Path repositoryConfig;

    private ChartSource(String label, Path directory, String reference, Path repositoryConfig) {
        this.label = label;
        this.directory = directory;
        this.reference = reference;
        this.repositoryConfig = repositoryConfig;
    }

    /** charts/ha-monitoring of the checkout the JVM runs in. */
    public static ChartSource checkout() {
        Path chart = ProjectPaths.umbrellaChart();
        return new ChartSource(chart.toString(), chart, null, null);
    }

    /**
     * A chart directory, a {@code .tgz}, or {@code repo/chart[@version]}; {@code repositoryConfig}
     * (may be null: Helm's own) names the repository of a reference.
     *
     * @throws IllegalArgumentException naming {@code spec} when it is none of these
     */
    public static ChartSource of(String spec, Path repositoryConfig) {
        Path path = Path.of(spec);
        if (Files.isRegularFile(path.resolve("Chart.yaml"))) {
            return new ChartSource(spec, path.toAbsolutePath().normalize(), null, null);
        }
        if (Files.isRegularFile(path) && spec.endsWith(".tgz")) {
            return new ChartSource(spec, unpack(path), null, null);
        }
        boolean looksLikePath = spec.startsWith(".") || spec.startsWith("/") || spec.endsWith(".tgz");
        if (Files.exists(path) || looksLikePath || !spec.contains("/")) {
            throw new IllegalArgumentException(
                    "--chart " + spec + " is neither a chart directory (with Chart.yaml), a chart"
                            + " package (.tgz) nor a repository chart (repo/chart or repo/chart@version)");
        }
        HelmRender.fromRepository(spec); // validates the form, naming spec
        return new ChartSource(spec, null, spec, repositoryConfig);
    }

    /** The unpacked chart directory; empty for a repository chart. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** The overlays shipped in the chart's environments/ directory. */
    public List<String> environments() {
        if (directory == null) {
            return List.of();
        }
        Path dir = directory.resolve("environments");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length()))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** environments/NAME.yaml of a local chart, if it ships one. */
    public Optional<Path> environment(String name) {
        return environments().contains(name)
                ? Optional.of(directory.resolve("environments/" + name + ".yaml"))
                : Optional.empty();
    }

    /** The chart's values.yaml; an empty object for a repository chart (its defaults are not read). */
    public JsonNode defaultValues() {
        return directory == null
                ? JsonNodeFactory.instance.objectNode()
                : ValuesFiles.read(directory.resolve("values.yaml"));
    }

    /** A render of this chart with its defaults. */
    public HelmRender render() {
        if (directory != null) {
            return HelmRender.chart(directory);
        }
        HelmRender render = HelmRender.fromRepository(reference);
        return repositoryConfig == null ? render : render.repositoryConfig(repositoryConfig);
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }

    private static Path unpack(Path tgz) {
        try {
            Path temp = Files.createTempDirectory("ha-analyzer-chart");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> FileTrees.deleteQuietly(temp)));
            return ChartArchive.read(tgz).extractTo(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack " + tgz, e);
        }
    }
}
