package dev.hamonitoring.binaries;

import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import java.nio.file.Path;

/** Renders of the chart for the binary tests: the prod overlay plus values files of chart-tests/src/test/resources/binaries. */
final class BinariesRender {

    private BinariesRender() {}

    /** prod + the named values files, in order. */
    static RenderedRelease prodWith(String... valuesFiles) {
        HelmRender render = HelmRender.chart(ProjectPaths.umbrellaChart()).valuesFile(ProjectPaths.environment("prod"));
        for (String name : valuesFiles) {
            render = render.valuesFile(values(name));
        }
        return render.render();
    }

    static Path values(String name) {
        return ProjectPaths.root()
                .resolve("chart-tests/src/test/resources/binaries")
                .resolve(name + ".yaml");
    }
}
