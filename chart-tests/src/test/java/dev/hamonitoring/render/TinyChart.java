package dev.hamonitoring.render;

import java.nio.file.Path;

/**
 * The fixture chart the render API is tested against: chart-tests/src/test/resources/fixtures/tiny-chart,
 * a umbrella "tiny" with a file:// subchart "tinysub", a values.schema.json (draft-07, with an
 * x-optional keyword), a kubeVersion constraint and dev/prod overlays. Tests use it, never the
 * real chart, so they hold while the real chart changes.
 */
final class TinyChart {

    private TinyChart() {
    }

    static Path dir() {
        return ProjectPaths.root().resolve("chart-tests/src/test/resources/fixtures/tiny-chart");
    }

    static Path environment(String name) {
        return dir().resolve("environments/" + name + ".yaml");
    }

    /** Where the fixture's own snapshots live (not the real chart's snapshot directory). */
    static Path snapshots() {
        return ProjectPaths.root().resolve("chart-tests/src/test/resources/fixtures/tiny-chart-snapshots");
    }

    static HelmRender render() {
        return HelmRender.chart(dir()).releaseName("monitoring").namespace("monitoring");
    }
}
