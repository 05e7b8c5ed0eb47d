package dev.hamonitoring.analysis;

import dev.hamonitoring.analysis.topology.Topology;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Renders overlays (plus values files from src/test/resources/analysis) once per JVM and runs the
 * analysis on them. Renders are cached by their inputs; tests that mutate objects get a fresh
 * decode of the cached manifest, so the cache is never modified.
 */
final class AnalysisFixtures {

    static final Path VALUES_DIR = ProjectPaths.root().resolve("ha-analyzer/src/test/resources/analysis");

    private static final Map<String, RenderedRelease> RENDERS = new ConcurrentHashMap<>();

    private AnalysisFixtures() {}

    /** An overlay with values files from src/test/resources/analysis (file names without directory). */
    static Overlay overlay(String overlay, String... valuesFiles) {
        Overlay result = Overlay.of(overlay);
        for (String file : valuesFiles) {
            result = result.withValues(VALUES_DIR.resolve(file));
        }
        return result;
    }

    /** The render of the overlay with those values files, cached. */
    static RenderedRelease render(String overlay, String... valuesFiles) {
        String key = overlay + Arrays.stream(valuesFiles).map(f -> "+" + f).collect(Collectors.joining());
        return RENDERS.computeIfAbsent(key, k -> overlay(overlay, valuesFiles).render("monitoring", "monitoring"));
    }

    /** The analysis of an overlay on a preset topology whose nodes carry the overlay's node pool. */
    static HaAnalysis analysis(String overlay, String topology, String... valuesFiles) {
        Overlay o = overlay(overlay, valuesFiles);
        return HaAnalysis.of(render(overlay, valuesFiles))
                .overlay(o.label())
                .topology(Topology.preset(topology, o.pool()))
                .externals(o.externals());
    }

    static HaReport report(String overlay, String topology, String... valuesFiles) {
        return analysis(overlay, topology, valuesFiles).run();
    }

    /** Freshly decoded objects of the (cached) render, safe to mutate. */
    static List<HasMetadata> mutableObjects(String overlay, String... valuesFiles) {
        return new ArrayList<>(
                RenderedRelease.decode(render(overlay, valuesFiles).manifest(), "copy for mutation")
                        .objects());
    }

    /** The analysis of (mutated) objects of an overlay on a preset topology. */
    static HaReport report(List<HasMetadata> objects, String overlay, String topology) {
        Overlay o = overlay(overlay);
        return HaAnalysis.of(objects)
                .overlay(o.label() + " (mutated)")
                .topology(Topology.preset(topology, o.pool()))
                .externals(o.externals())
                .run();
    }

    /** The one rendered object of that type and name. */
    static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(o -> name.equals(o.getMetadata().getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    /** Check ids of the findings. */
    static List<String> checkIds(HaReport report) {
        return report.findings().stream().map(Finding::check).distinct().toList();
    }

    /** The findings, one per line, for assertion messages. */
    static String describe(HaReport report) {
        return report.findings().stream().map(Finding::toString).collect(Collectors.joining("\n"));
    }
}
