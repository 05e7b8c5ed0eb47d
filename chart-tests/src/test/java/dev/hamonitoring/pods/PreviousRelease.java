package dev.hamonitoring.pods;

import dev.hamonitoring.release.ReleaseFixtures;
import dev.hamonitoring.render.ChartArchive;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.RenderedRelease;
import java.nio.file.Path;
import java.util.List;

/**
 * The last released package (chart-release's fixture under {@code release/previous/}) in the
 * real-pod layer: the prod overlay shipped inside it, then {@code pods/real-pods-previous.yaml},
 * the profile of {@code real-pods.yaml} in that version's keys.
 */
final class PreviousRelease {

    private PreviousRelease() {}

    static Path packageFile() {
        return ReleaseFixtures.previousPackageFile();
    }

    static ChartArchive archive() {
        return ChartArchive.read(packageFile());
    }

    /** {@code pods/real-pods-previous.yaml} in the test resources. */
    static Path valuesFile() {
        return RealPodsProfile.resource("real-pods-previous.yaml");
    }

    /** The values files of its install: its own prod overlay (extracted into {@code directory}), then the profile. */
    static List<Path> valuesFiles(Path directory) {
        return List.of(archive().extractFile("environments/prod.yaml", directory), valuesFile());
    }

    /** The previous release as the profile renders it. */
    static RenderedRelease render(Path directory) {
        HelmRender render = HelmRender.chart(packageFile())
                .releaseName(RealPodsProfile.RELEASE)
                .namespace(RealPodsProfile.NAMESPACE);
        for (Path file : valuesFiles(directory)) {
            render = render.valuesFile(file);
        }
        return render.render();
    }
}
