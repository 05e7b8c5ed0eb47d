package dev.hamonitoring.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.analysis.topology.NodePool;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.RenderedRelease;
import dev.hamonitoring.render.ValuesFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What to analyse: a chart ({@link ChartSource}) with an environment overlay it ships (dev,
 * staging, prod) or a values file, plus further values files on top, rendered through
 * {@link HelmRender}. The merged values (chart defaults, then the files, as Helm coalesces them)
 * give the overlay's node pool and the Secrets it declares external ({@code existingSecret}).
 */
public final class Overlay {

    private final ChartSource chart;
    private final String label;
    private final List<Path> valuesFiles;

    private Overlay(ChartSource chart, String label, List<Path> valuesFiles) {
        this.chart = chart;
        this.label = label;
        this.valuesFiles = List.copyOf(valuesFiles);
    }

    /** "dev", "staging", "prod" (environments/NAME.yaml) or a values file, of this checkout's chart. */
    public static Overlay of(String nameOrPath) {
        return of(ChartSource.checkout(), nameOrPath);
    }

    /** An overlay the chart ships (environments/NAME.yaml) or a path to a values file. */
    public static Overlay of(ChartSource chart, String nameOrPath) {
        if (chart.environment(nameOrPath).isPresent()) {
            return new Overlay(
                    chart, nameOrPath, List.of(chart.environment(nameOrPath).get()));
        }
        Path file = Path.of(nameOrPath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("No overlay '" + nameOrPath + "': neither one of " + chart.environments()
                    + " (environments/ of " + chart.label() + ") nor an existing values file");
        }
        return new Overlay(chart, file.toString(), List.of(file.toAbsolutePath().normalize()));
    }

    /** The chart with its own values only. */
    public static Overlay defaults(ChartSource chart) {
        return new Overlay(chart, "chart defaults", List.of());
    }

    /** Another values file on top (later files win). */
    public Overlay withValues(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Values file not found: " + file);
        }
        List<Path> files = new ArrayList<>(valuesFiles);
        files.add(file.toAbsolutePath().normalize());
        return new Overlay(chart, label + " + " + file.getFileName(), files);
    }

    public String label() {
        return label;
    }

    public List<Path> valuesFiles() {
        return valuesFiles;
    }

    /** The chart's values.yaml with the files merged over it (maps merge, other values replace, null deletes). */
    public JsonNode mergedValues() {
        JsonNode merged = chart.defaultValues();
        for (Path file : valuesFiles) {
            merged = ValuesFiles.merge(merged, ValuesFiles.read(file));
        }
        return merged;
    }

    /** The node pool the overlay asks for: global.nodePool of the merged values. */
    public NodePool pool() {
        return NodePool.fromValues(mergedValues());
    }

    public ChartSource chart() {
        return chart;
    }

    public ExternalNames externals() {
        return ExternalNames.fromValues(mergedValues());
    }

    /** Renders the chart with these values. */
    public RenderedRelease render(String release, String namespace) {
        HelmRender render = chart.render().releaseName(release).namespace(namespace);
        for (Path file : valuesFiles) {
            render = render.valuesFile(file);
        }
        return render.render();
    }

    @Override
    public String toString() {
        return label + " of " + chart + " ("
                + valuesFiles.stream().map(Path::toString).collect(Collectors.joining(", ")) + ")";
    }
}
