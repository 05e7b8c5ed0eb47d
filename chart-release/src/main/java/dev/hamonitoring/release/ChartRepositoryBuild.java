package dev.hamonitoring.release;

import dev.hamonitoring.render.ChartArchive;
import java.nio.file.Path;

/**
 * The {@code package} phase of chart-tests (exec-maven-plugin, execution {@code chart-repository}):
 * {@code ChartRepositoryBuild <chartDir> <repositoryDir> <projectVersion> <outputTimestamp>}
 * writes the chart repository ({@code chart-tests/target/chart-repo/}). It fails the build when
 * Chart.yaml's version is not the project version, or the generated values.schema.json or the
 * chart README is missing.
 */
public final class ChartRepositoryBuild {

    private ChartRepositoryBuild() {}

    /** Command line entry point (see the class documentation). */
    public static void main(String[] args) {
        if (args.length != 4) {
            throw new IllegalArgumentException(
                    "usage: ChartRepositoryBuild <chartDir> <repositoryDir> <projectVersion> <outputTimestamp>");
        }
        ChartRepository repository = ChartRepository.build(
                Path.of(args[0]), Path.of(args[1]), args[2], ProjectVersion.parseTimestamp(args[3]));
        ChartArchive archive = repository.archive();
        System.out.println("[chart-repository] " + repository.chartPackage() + " (" + archive.bytes().length
                + " bytes, " + archive.paths().size() + " files, sha256 " + archive.sha256() + ")");
        System.out.println("[chart-repository] " + repository.index());
    }
}
