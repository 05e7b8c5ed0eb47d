package dev.hamonitoring.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * A chart repository folder: {@code index.yaml} plus {@code <name>-<version>.tgz}, servable as
 * is by any static web server (GitHub Pages, S3, nginx): Helm fetches {@code <url>/index.yaml}, then
 * the package by its relative URL.
 *
 * <p>{@link #build} writes the repository of one chart version (this build's). To publish, copy
 * the .tgz next to the already published ones and merge the index ({@code helm repo index
 * --merge}), or regenerate it over all packages.
 *
 * @param directory the repository folder
 * @param chartPackage the chart package in it
 * @param index its index.yaml
 */
public record ChartRepository(Path directory, Path chartPackage, Path index) {

    /** The file name of a repository's index. */
    public static final String INDEX = "index.yaml";

    /**
     * Packages the chart and writes the repository into {@code directory}, replacing the .tgz
     * files and index.yaml already there.
     *
     * @param version the version the chart must have (the project version)
     * @param created the {@code created}/{@code generated} time and the files' modification time
     */
    public static ChartRepository build(Path chartDir, Path directory, String version, Instant created) {
        try {
            Files.createDirectories(directory);
            try (Stream<Path> old = Files.list(directory)) {
                for (Path file : (Iterable<Path>) old::iterator) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".tgz") || name.equals(INDEX)) {
                        Files.delete(file);
                    }
                }
            }
            Path tgz = ChartPackager.chart(chartDir)
                    .expectVersion(version)
                    .requireFiles("Chart.yaml", "values.yaml", "values.schema.json", "README.md")
                    .modifiedAt(created)
                    .packageTo(directory);
            ChartArchive archive = ChartArchive.read(tgz);
            String index = ChartRepositoryIndex.render(
                    List.of(new ChartRepositoryIndex.Entry(archive, tgz.getFileName().toString(), created)), created);
            Path indexFile = directory.resolve(INDEX);
            Files.writeString(indexFile, index, StandardCharsets.UTF_8);
            return new ChartRepository(directory, tgz, indexFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chart package, opened. */
    public ChartArchive archive() {
        return ChartArchive.read(chartPackage);
    }
}
