package dev.hamonitoring.release;

import dev.hamonitoring.render.ChartArchive;
import dev.hamonitoring.render.FileTrees;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the release tests share, built once per JVM: this build's chart repository (packaged from
 * the chart directory exactly as the package phase does), the package unpacked, the previous
 * release's package, and renders of them. Tests read these and never modify them.
 */
public final class ReleaseFixtures {

    private static final Map<String, Object> CACHE = new ConcurrentHashMap<>();
    private static volatile Path workDir;

    private ReleaseFixtures() {}

    /** A scratch directory for this JVM, deleted at exit. */
    static synchronized Path workDir() {
        if (workDir == null) {
            try {
                workDir = Files.createTempDirectory("ha-monitoring-release-tests");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path dir = workDir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> FileTrees.deleteQuietly(dir)));
        }
        return workDir;
    }

    /** A fresh, empty directory under {@link #workDir()}. */
    static Path newDirectory(String prefix) {
        try {
            return Files.createTempDirectory(workDir(), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This build's chart repository (index.yaml + package), as the package phase writes it. */
    public static ChartRepository repository() {
        return cached(
                "repository",
                () -> ChartRepository.build(
                        ProjectPaths.umbrellaChart(),
                        newDirectory("chart-repo"),
                        ProjectVersion.version(),
                        ProjectVersion.buildTimestamp()));
    }

    /** A chart repository in {@code directory} holding the previous release's package and this build's: an upgrade's source. */
    public static ChartRepository repositoryWithPrevious(Path directory) {
        return ChartRepository.build(
                ProjectPaths.umbrellaChart(),
                directory,
                ProjectVersion.version(),
                ProjectVersion.buildTimestamp(),
                List.of(previousPackageFile()));
    }

    /** This build's chart package. */
    static ChartArchive currentPackage() {
        return cached("current-package", () -> repository().archive());
    }

    /** This build's chart package, unpacked: the chart directory Argo CD renders in. */
    public static Path currentPackageDir() {
        return cached("current-package-dir", () -> currentPackage().extractTo(newDirectory("unpacked")));
    }

    /** {@code chart-release/src/test/resources/release}. */
    static Path resources() {
        return ProjectPaths.root().resolve("chart-release/src/test/resources/release");
    }

    /** The previous release's package (the only .tgz in {@code release/previous/}). */
    public static Path previousPackageFile() {
        List<Path> packages = previousPackages();
        if (packages.size() != 1) {
            throw new AssertionError("Expected exactly one previous release package in "
                    + resources().resolve("previous") + ", found " + packages);
        }
        return packages.get(0);
    }

    /** Every .tgz in {@code release/previous/}. */
    static List<Path> previousPackages() {
        try (Stream<Path> files = Files.list(resources().resolve("previous"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tgz"))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The previous release's package, unpacked. */
    static Path previousPackageDir() {
        return cached(
                "previous-package-dir",
                () -> ChartArchive.read(previousPackageFile()).extractTo(newDirectory("previous")));
    }

    /** The previous release rendered with the overlay shipped in it, as Argo CD (or helm -f) would. */
    static RenderedRelease previousRender(String environment) {
        return cached(
                "previous-render-" + environment,
                () -> HelmRender.chart(previousPackageDir())
                        .valuesFile(previousPackageDir().resolve("environments/" + environment + ".yaml"))
                        .render());
    }

    /** This build's package rendered with the overlay shipped in it. */
    static RenderedRelease currentRender(String environment) {
        return cached("current-render-" + environment, () -> freshCurrentRender(environment));
    }

    /** A new render of this build's package (objects the caller may modify). */
    static RenderedRelease freshCurrentRender(String environment) {
        return HelmRender.chart(currentPackageDir())
                .valuesFile(currentPackageDir().resolve("environments/" + environment + ".yaml"))
                .render();
    }

    /** This build's package rendered with hooks, with an overlay and extra values files of {@code release/values/}. */
    static TemplatesWithHooks withHooks(String environment, String... extraValues) {
        String key = "hooks-" + environment + "-" + String.join(",", extraValues);
        return cached(
                key,
                () -> TemplatesWithHooks.render(currentPackageDir(), render -> {
                    HelmRender r =
                            render.valuesFile(currentPackageDir().resolve("environments/" + environment + ".yaml"));
                    for (String extra : extraValues) {
                        r = r.valuesFile(resources().resolve("values/" + extra + ".yaml"));
                    }
                    return r;
                }));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cached(String key, Supplier<T> supplier) {
        Object value = CACHE.get(key);
        if (value == null) {
            synchronized (CACHE) {
                value = CACHE.get(key);
                if (value == null) {
                    value = supplier.get();
                    CACHE.put(key, value);
                }
            }
        }
        return (T) value;
    }
}
