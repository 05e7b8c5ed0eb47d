package dev.hamonitoring.binaries;

import dev.hamonitoring.render.ProjectPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One line per test with the numbers it saw (queries issued and failed, series counts,
 * notifications, start times), on stdout and appended to {@code chart-tests/target/binaries-summary.txt}.
 */
final class Summary {

    private Summary() {}

    static synchronized void line(String test, String numbers) {
        String line = "[binaries] " + test + ": " + numbers;
        System.out.println(line);
        Path file = ProjectPaths.root().resolve("chart-tests/target/binaries-summary.txt");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(
                    file,
                    Instant.now() + " " + line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("[binaries] cannot write " + file + ": " + e);
        }
    }
}
