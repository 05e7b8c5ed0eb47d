package dev.hamonitoring.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.ValuesFiles;
import dev.hamonitoring.render.RenderedRelease;
import dev.hamonitoring.analysis.topology.NodePool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What to analyse: an environment overlay of the umbrella chart (dev, staging, prod) or a values
 * file, plus further values files on top, rendered through {@link HelmRender}. The merged values
 * (chart defaults, then the files, as Helm coalesces them) give the overlay's node pool and the
 * Secrets it declares external ({@code existingSecret}).
 */
public final class Overlay {


    private final String label;
    private final List<Path> valuesFiles;

    private Overlay(String label, List<Path> valuesFiles) {
        this.label = label;
        this.valuesFiles = List.copyOf(valuesFiles);
    }

    /** "dev", "staging", "prod" (environments/NAME.yaml) or a path to a values file. */
    public static Overlay of(String nameOrPath) {
        if (ProjectPaths.environments().contains(nameOrPath)) {
            return new Overlay(nameOrPath, List.of(ProjectPaths.environment(nameOrPath)));
        }
        Path file = Path.of(nameOrPath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("No overlay '" + nameOrPath + "': neither one of " + ProjectPaths.environments()
                    + " nor an existing values file");
        }
        return new Overlay(file.toString(), List.of(file.toAbsolutePath().normalize()));
    }

    /** Another values file on top (later files win). */
    public Overlay withValues(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Values file not found: " + file);
        }
        List<Path> files = new ArrayList<>(valuesFiles);
        files.add(file.toAbsolutePath().normalize());
        return new Overlay(label + " + " + file.getFileName(), files);
    }

    public String label() {
        return label;
    }

    public List<Path> valuesFiles() {
        return valuesFiles;
    }

    /** The chart's values.yaml with the files merged over it (maps merge, other values replace, null deletes). */
    public JsonNode mergedValues() {
        JsonNode merged = ValuesFiles.read(ProjectPaths.chartValues());
        for (Path file : valuesFiles) {
            merged = ValuesFiles.merge(merged, ValuesFiles.read(file));
        }
        return merged;
    }

    public NodePool pool() {
        return NodePool.fromValues(mergedValues());
    }

    public ExternalNames externals() {
        return ExternalNames.fromValues(mergedValues());
    }

    /** Renders the umbrella chart with these values. */
    public RenderedRelease render(String release, String namespace) {
        HelmRender render = HelmRender.chart(ProjectPaths.umbrellaChart()).releaseName(release).namespace(namespace);
        for (Path file : valuesFiles) {
            render = render.valuesFile(file);
        }
        return render.render();
    }

    @Override
    public String toString() {
        return label + " (" + valuesFiles.stream().map(Path::toString).collect(Collectors.joining(", ")) + ")";
    }
}
