package dev.hamonitoring.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A packaged chart ({@code <name>-<version>.tgz}) as Helm and chart repositories see it: every
 * file under one {@code <name>/} directory, {@code <name>/Chart.yaml} first, subcharts under
 * {@code <name>/charts/<sub>/}.
 */
public final class ChartArchive {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String description;
    private final byte[] bytes;
    private final Map<String, byte[]> entries;
    private final String root;
    private final JsonNode chartYaml;

    private ChartArchive(
            String description, byte[] bytes, Map<String, byte[]> entries, String root, JsonNode chartYaml) {
        this.description = description;
        this.bytes = bytes;
        this.entries = entries;
        this.root = root;
        this.chartYaml = chartYaml;
    }

    /**
     * Opens a chart package.
     *
     * @throws IllegalArgumentException when it is not a chart package (files outside one top
     *     directory, no Chart.yaml, unreadable Chart.yaml)
     */
    public static ChartArchive read(Path tgz) {
        return of(TarGz.readAll(tgz), tgz.toString());
    }

    /** A chart package from its bytes; {@code description} names it in messages. */
    public static ChartArchive of(byte[] tgz, String description) {
        Map<String, byte[]> entries = TarGz.read(tgz);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("Empty chart package: " + description);
        }
        String first = entries.keySet().iterator().next();
        int slash = first.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException(
                    "Chart package " + description + " has a file outside a chart directory: " + first);
        }
        String root = first.substring(0, slash);
        for (String path : entries.keySet()) {
            if (!path.startsWith(root + "/") || path.contains("/../") || path.endsWith("/..")) {
                throw new IllegalArgumentException(
                        "Chart package " + description + " has a file outside " + root + "/: " + path);
            }
        }
        byte[] chart = entries.get(root + "/Chart.yaml");
        if (chart == null) {
            throw new IllegalArgumentException("Chart package " + description + " has no " + root + "/Chart.yaml");
        }
        JsonNode chartYaml;
        try {
            chartYaml = YAML.readTree(chart);
        } catch (IOException e) {
            throw new IllegalArgumentException("Unreadable Chart.yaml in " + description + ": " + e.getMessage(), e);
        }
        return new ChartArchive(description, tgz.clone(), entries, root, chartYaml);
    }

    /** The archive bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Hex SHA-256 of the archive: the {@code digest} of its index.yaml entry. */
    public String sha256() {
        return sha256(bytes);
    }

    /** Hex SHA-256 of any bytes (a served package, a file read back). */
    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every file path, as stored ({@code ha-monitoring/templates/...}), in archive order. */
    public List<String> paths() {
        return List.copyOf(entries.keySet());
    }

    /** Every file, in archive order (path as stored to content). */
    public Map<String, byte[]> entries() {
        return entries;
    }

    /** Chart.yaml as Helm wrote it into the package. */
    public JsonNode chartYaml() {
        return chartYaml.deepCopy();
    }

    /** {@code name} of Chart.yaml. */
    public String name() {
        return chartYaml.path("name").asText();
    }

    /** {@code version} of Chart.yaml. */
    public String version() {
        return chartYaml.path("version").asText();
    }

    /** {@code appVersion} of Chart.yaml. */
    public String appVersion() {
        return chartYaml.path("appVersion").asText();
    }

    /** Whether the chart holds that file; the path is relative to the chart ({@code environments/prod.yaml}). */
    public boolean contains(String pathInChart) {
        return entries.containsKey(root + "/" + pathInChart);
    }

    /** A file of the chart, by path relative to the chart ({@code environments/prod.yaml}). */
    public Optional<byte[]> file(String pathInChart) {
        return Optional.ofNullable(entries.get(root + "/" + Objects.requireNonNull(pathInChart, "pathInChart")))
                .map(byte[]::clone);
    }

    /**
     * A text file of the chart (UTF-8).
     *
     * @throws AssertionError naming the package when the file is not in it
     */
    public String text(String pathInChart) {
        return new String(
                file(pathInChart)
                        .orElseThrow(
                                () -> new AssertionError("No " + pathInChart + " in chart package " + description)),
                StandardCharsets.UTF_8);
    }

    /**
     * Writes one file of the chart into {@code directory} under its own file name and returns its
     * path ({@code environments/prod.yaml} becomes {@code directory/prod.yaml}), e.g. for {@code -f}.
     *
     * @throws AssertionError naming the package when the file is not in it
     */
    public Path extractFile(String pathInChart, Path directory) {
        byte[] content = file(pathInChart)
                .orElseThrow(() -> new AssertionError("No " + pathInChart + " in chart package " + description));
        try {
            Files.createDirectories(directory);
            return Files.write(directory.resolve(Path.of(pathInChart).getFileName()), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes every file under {@code directory} and returns the chart directory
     * ({@code directory/<name>}), which Helm renders like the package itself.
     */
    public Path extractTo(Path directory) {
        try {
            Path base = directory.toAbsolutePath().normalize();
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                Path target = base.resolve(entry.getKey()).normalize();
                if (!target.startsWith(base)) {
                    throw new IllegalArgumentException("Refusing to extract " + entry.getKey() + " outside " + base);
                }
                Files.createDirectories(target.getParent());
                Files.write(target, entry.getValue());
            }
            return base.resolve(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "ChartArchive " + description + " (" + name() + " " + version() + ", " + entries.size() + " files)";
    }
}
