package dev.hamonitoring.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintCommand;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code helm lint [--strict] [-f values...]} through helm-java.
 *
 * <p>helm-java 0.0.21's lint takes only a chart path (see {@link HelmJava}). To lint with values
 * files, this lints a temporary copy of the chart whose values.yaml is the chart's values.yaml
 * with the files merged over it the way Helm merges {@code -f} files (maps merge key by key, other
 * values replace, {@code null} deletes the key). The copy's values.yaml is written by Jackson, so
 * YAML 1.1 oddities (an unquoted {@code yes} meaning true) do not survive; write booleans as
 * {@code true}/{@code false}. Lint always uses Kubernetes v1.20.0 capabilities.
 */
public final class HelmLint {

    private final Path chart;
    private final boolean strict;
    private final List<Path> valuesFiles;

    private HelmLint(Path chart, boolean strict, List<Path> valuesFiles) {
        this.chart = chart;
        this.strict = strict;
        this.valuesFiles = valuesFiles;
    }

    /** Starts a lint of the chart directory; strict by default. */
    public static HelmLint chart(Path chartDir) {
        Objects.requireNonNull(chartDir, "chartDir");
        return new HelmLint(chartDir.toAbsolutePath().normalize(), true, List.of());
    }

    /** {@code --strict} on or off: strict lint fails on warnings too. */
    public HelmLint strict(boolean strict) {
        return new HelmLint(chart, strict, valuesFiles);
    }

    /** {@code -f file}; repeatable, later files win. */
    public HelmLint valuesFile(Path file) {
        List<Path> files = new ArrayList<>(valuesFiles);
        files.add(Objects.requireNonNull(file, "file").toAbsolutePath().normalize());
        return new HelmLint(chart, strict, List.copyOf(files));
    }

    /** Runs lint; never throws for lint findings, see {@link LintReport#failed()}. */
    public LintReport run() {
        if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
            throw new IllegalArgumentException("Not a chart directory (no Chart.yaml): " + chart);
        }
        if (valuesFiles.isEmpty()) {
            return lint(chart);
        }
        Path temp = null;
        try {
            temp = Files.createTempDirectory("ha-monitoring-lint");
            // Same directory name: lint messages and file:// dependencies stay as they would be.
            Path copy = temp.resolve(chart.getFileName().toString());
            FileTrees.copy(chart, copy);
            Files.writeString(copy.resolve("values.yaml"), ValuesFiles.toYaml(mergedValues()));
            return lint(copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.deleteQuietly(temp);
        }
    }

    private LintReport lint(Path dir) {
        LintCommand command = new Helm(dir).lint();
        if (strict) {
            command.strict();
        }
        LintResult result;
        synchronized (HelmJava.LOCK) {
            result = command.call();
        }
        return LintReport.parse(result.getMessages(), result.isFailed());
    }

    private JsonNode mergedValues() throws IOException {
        Path chartValues = chart.resolve("values.yaml");
        JsonNode merged = Files.isRegularFile(chartValues)
                ? ValuesFiles.read(chartValues)
                : JsonNodeFactory.instance.objectNode();
        for (Path file : valuesFiles) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("Values file not found: " + file);
            }
            merged = ValuesFiles.merge(merged, ValuesFiles.read(file));
        }
        return merged;
    }
}
