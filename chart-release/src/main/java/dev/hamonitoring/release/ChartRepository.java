package dev.hamonitoring.release;

import dev.hamonitoring.render.ChartArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A chart repository folder: {@code index.yaml} plus {@code <name>-<version>.tgz}, servable as
 * is by any static web server (GitHub Pages, S3, nginx): Helm fetches {@code <url>/index.yaml}, then
 * the package by its relative URL.
 *
 * <p>{@link #build} writes the repository of one chart version (this build's); given packages
 * already published, it writes the repository as it stands after publishing this version: those
 * packages next to the new one and one index over all of them. To publish for real, copy the .tgz
 * next to the already published ones and merge the index ({@code helm repo index --merge}), or
 * regenerate it over all packages.
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
        return build(chartDir, directory, version, created, List.of());
    }

    /**
     * Like {@link #build(Path, Path, String, Instant)}, with packages published earlier copied next
     * to this build's and listed in the same index (their {@code created} time is {@code created}
     * too: a package does not record when it was published).
     *
     * @throws IllegalArgumentException when a published package has this build's version or two
     *     published packages have the same version
     */
    public static ChartRepository build(
            Path chartDir, Path directory, String version, Instant created, List<Path> published) {
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
            List<ChartRepositoryIndex.Entry> entries = new ArrayList<>();
            entries.add(
                    new ChartRepositoryIndex.Entry(archive, tgz.getFileName().toString(), created));
            Set<String> versions = new HashSet<>(Set.of(archive.version()));
            for (Path earlier : published) {
                ChartArchive publishedArchive = ChartArchive.read(earlier);
                if (!versions.add(publishedArchive.version())) {
                    throw new IllegalArgumentException("Published package " + earlier + " has version "
                            + publishedArchive.version() + ", which the repository already holds");
                }
                Path copy = directory.resolve(publishedArchive.name() + "-" + publishedArchive.version() + ".tgz");
                Files.copy(earlier, copy);
                Files.setLastModifiedTime(copy, FileTime.from(created));
                entries.add(new ChartRepositoryIndex.Entry(
                        publishedArchive, copy.getFileName().toString(), created));
            }
            String index = ChartRepositoryIndex.render(entries, created);
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
