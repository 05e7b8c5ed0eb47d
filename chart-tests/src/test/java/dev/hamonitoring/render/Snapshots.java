package dev.hamonitoring.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Snapshot assertions: a backstop that makes every change to rendered output visible in review.
 *
 * <p>{@code Snapshots.assertMatches("prod", manifest)} compares {@code manifest} with
 * {@code chart-tests/src/test/resources/snapshots/prod.yaml}. A missing snapshot is a failure
 * (so a forgotten file cannot make the check pass silently); a mismatch fails with a unified-style
 * diff of the first differing lines.
 *
 * <p>To write or rewrite snapshots, run the build with the system property
 * {@value #UPDATE_PROPERTY} set to {@code true}:
 * <pre>{@code ./mvnw verify -Dsnapshots.update=true}</pre>
 * (Surefire passes {@code -D} user properties on to the test JVM.) Then review the diff with
 * {@code git diff chart-tests/src/test/resources/snapshots} and commit it with the change that
 * caused it. Line endings are compared as LF.
 */
public final class Snapshots {

    /** The system property that switches from comparing to (re)writing snapshot files. */
    public static final String UPDATE_PROPERTY = "snapshots.update";

    /** How to (re)write snapshots, quoted in failure messages. */
    public static final String UPDATE_COMMAND = "./mvnw verify -D" + UPDATE_PROPERTY + "=true";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final int CONTEXT = 3;
    private static final int MAX_SHOWN = 40;

    private final Path directory;
    private final boolean update;

    private Snapshots(Path directory, boolean update) {
        this.directory = directory;
        this.update = update;
    }

    /**
     * Compares with (or, under {@code -Dsnapshots.update=true}, writes)
     * {@code chart-tests/src/test/resources/snapshots/<name>.yaml}.
     *
     * @throws AssertionError when the snapshot is missing or differs
     */
    public static void assertMatches(String name, String content) {
        in(chartSnapshots()).check(name, content);
    }

    /** {@code chart-tests/src/test/resources/snapshots}: the real chart's snapshots, one per overlay. */
    public static Path chartSnapshots() {
        return ProjectPaths.root().resolve("chart-tests/src/test/resources/snapshots");
    }

    /**
     * Snapshots kept in {@code directory}; updating when {@code -Dsnapshots.update=true} is set,
     * comparing otherwise (see {@link #updating(boolean)} to decide explicitly).
     */
    public static Snapshots in(Path directory) {
        return new Snapshots(Objects.requireNonNull(directory, "directory"), Boolean.getBoolean(UPDATE_PROPERTY));
    }

    /** Whether {@link #check} rewrites files instead of comparing. */
    public Snapshots updating(boolean update) {
        return new Snapshots(directory, update);
    }

    /** The file a snapshot name maps to. */
    public Path file(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "Snapshot names are file names without extension ([A-Za-z0-9._-]), got: " + name);
        }
        return directory.resolve(name + ".yaml");
    }

    /**
     * Compares {@code content} with the snapshot {@code name}, or writes it when updating.
     *
     * @throws AssertionError when the snapshot is missing or differs (never when updating)
     */
    public void check(String name, String content) {
        Path file = file(name);
        String actual = normalize(Objects.requireNonNull(content, "content"));
        try {
            boolean exists = Files.isRegularFile(file);
            String expected = exists ? normalize(Files.readString(file, StandardCharsets.UTF_8)) : null;
            if (update) {
                if (!actual.equals(expected)) {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                    Files.writeString(file, actual, StandardCharsets.UTF_8);
                    System.out.println("[snapshots] " + (exists ? "updated " : "wrote ") + file);
                }
                return;
            }
            if (!exists) {
                throw new AssertionError("Snapshot '" + name + "' does not exist: " + file + "\n"
                        + "Review the rendered output, then write it with:\n    " + UPDATE_COMMAND + "\n"
                        + "and commit the new file.");
            }
            if (!actual.equals(expected)) {
                throw new AssertionError("Rendered output differs from snapshot '" + name + "' (" + file + ").\n"
                        + "If the change is intended, rewrite it with:\n    " + UPDATE_COMMAND + "\n"
                        + diff(file.getFileName().toString(), expected, actual));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One unified-style hunk around the differing region: common leading and trailing lines are
     * skipped (three kept as context), at most {@value #MAX_SHOWN} lines of each side are shown.
     */
    static String diff(String fileName, String expected, String actual) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        int prefix = 0;
        while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < a.size() - prefix
                && suffix < b.size() - prefix
                && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
            suffix++;
        }
        int start = Math.max(0, prefix - CONTEXT);
        int aEnd = a.size() - suffix;
        int bEnd = b.size() - suffix;
        int aTail = Math.min(a.size(), aEnd + CONTEXT);
        int bTail = Math.min(b.size(), bEnd + CONTEXT);

        StringBuilder out = new StringBuilder()
                .append("--- ")
                .append(fileName)
                .append(" (snapshot)\n")
                .append("+++ ")
                .append(fileName)
                .append(" (rendered)\n")
                .append("@@ -")
                .append(start + 1)
                .append(',')
                .append(aTail - start)
                .append(" +")
                .append(start + 1)
                .append(',')
                .append(bTail - start)
                .append(" @@\n");
        for (int i = start; i < prefix; i++) {
            out.append(' ').append(a.get(i)).append('\n');
        }
        appendSide(out, '-', a.subList(prefix, aEnd));
        appendSide(out, '+', b.subList(prefix, bEnd));
        for (int i = aEnd; i < aTail; i++) {
            out.append(' ').append(a.get(i)).append('\n');
        }
        if (a.size() == b.size() && prefix == a.size()) {
            out.append("(only the line endings at the end of the file differ)\n");
        }
        return out.toString();
    }

    private static void appendSide(StringBuilder out, char marker, List<String> lines) {
        for (int i = 0; i < Math.min(lines.size(), MAX_SHOWN); i++) {
            out.append(marker).append(lines.get(i)).append('\n');
        }
        if (lines.size() > MAX_SHOWN) {
            out.append(marker).append("... ").append(lines.size() - MAX_SHOWN).append(" more lines\n");
        }
    }

    private static String normalize(String text) {
        return text.replace("\r\n", "\n");
    }
}
