package dev.hamonitoring.render;

import java.nio.file.Path;

/**
 * The fixture chart the render API is tested against: chart-render/src/test/resources/fixtures/tiny-chart,
 * a umbrella "tiny" with a file:// subchart "tinysub", a values.schema.json (draft-07, with an
 * x-optional keyword), a kubeVersion constraint and dev/prod overlays. Tests use it, never the
 * real chart (chart-tests reuses it through this module's test-jar), so they hold while the real chart changes.
 */
final class TinyChart {

    private TinyChart() {}

    static Path dir() {
        return ProjectPaths.root().resolve("chart-render/src/test/resources/fixtures/tiny-chart");
    }

    static Path environment(String name) {
        return dir().resolve("environments/" + name + ".yaml");
    }

    static HelmRender render() {
        return HelmRender.chart(dir()).releaseName("monitoring").namespace("monitoring");
    }
}
