package dev.hamonitoring.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Locations in the repository, found from wherever the JVM runs (Surefire runs in the module
 * directory, an IDE often in the repository root).
 *
 * <p>The root is the first directory, walking up from {@code user.dir}, that holds
 * {@code charts/ha-monitoring/Chart.yaml} or the reactor pom (a {@code pom.xml} next to
 * {@code .mvn/}). Set the system property {@value #ROOT_PROPERTY} to point elsewhere.
 */
public final class ProjectPaths {

    /** System property overriding the detected repository root. */
    public static final String ROOT_PROPERTY = "hamonitoring.root";

    private static volatile Path root;

    private ProjectPaths() {}

    /** The repository root (absolute, normalized). */
    public static Path root() {
        Path found = root;
        if (found == null) {
            found = findRoot(Path.of(System.getProperty(ROOT_PROPERTY, System.getProperty("user.dir"))));
            root = found;
        }
        return found;
    }

    /**
     * Walks up from {@code start} to the repository root.
     *
     * @throws IllegalStateException when no parent directory looks like the repository root
     */
    public static Path findRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("charts/ha-monitoring/Chart.yaml"))
                    || (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve(".mvn")))) {
                return dir;
            }
        }
        throw new IllegalStateException("Cannot find the ha-monitoring repository root above " + start.toAbsolutePath()
                + " (looked for charts/ha-monitoring/Chart.yaml or pom.xml next to .mvn/); set -D" + ROOT_PROPERTY
                + "=<dir>");
    }

    /** {@code charts/ha-monitoring}: the umbrella chart. */
    public static Path umbrellaChart() {
        return root().resolve("charts/ha-monitoring");
    }

    /** {@code charts/ha-monitoring/values.yaml}. */
    public static Path chartValues() {
        return umbrellaChart().resolve("values.yaml");
    }

    /** {@code charts/ha-monitoring/values.schema.json} (generated from the values-schema module's source and committed). */
    public static Path valuesSchemaJson() {
        return umbrellaChart().resolve("values.schema.json");
    }

    /** {@code values-schema/src/main/schema/values.schema.yaml}: the schema's single source. */
    public static Path valuesSchemaSource() {
        return root().resolve("values-schema/src/main/schema/values.schema.yaml");
    }

    /** {@code charts/ha-monitoring/environments}. */
    public static Path environmentsDir() {
        return umbrellaChart().resolve("environments");
    }

    /**
     * {@code charts/ha-monitoring/environments/<name>.yaml}.
     *
     * @throws IllegalArgumentException naming the environments that do exist when it is missing
     */
    public static Path environment(String name) {
        Path file = environmentsDir().resolve(name + ".yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("No environment overlay " + file + "; available: " + environments());
        }
        return file;
    }

    /** Names of the environment overlays ({@code dev}, {@code prod}, ...), sorted; empty when there are none. */
    public static List<String> environments() {
        return environmentNames(environmentsDir());
    }

    static List<String> environmentNames(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length()))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
