package dev.hamonitoring.binaries;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * One {@link RenderedProcess} running on this machine: started with exactly its command line and
 * environment, its output appended to a log file (one per process, kept across restarts, each
 * start marked), ready when its rendered readiness probe answers 200. Kill is SIGKILL.
 */
final class LocalProcess {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final RenderedProcess spec;
    private final Path log;
    private Process process;
    private Instant startedAt;
    private Duration lastStartToReady;
    private int starts;

    LocalProcess(RenderedProcess spec, Path log) {
        this.spec = spec;
        this.log = log;
    }

    RenderedProcess spec() {
        return spec;
    }

    Path log() {
        return log;
    }

    synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(spec.name() + " is already running");
        }
        starts++;
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(
                    log,
                    System.lineSeparator() + "===== start #" + starts + " at " + Instant.now() + ": "
                            + String.join(" ", spec.command()) + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(spec.command())
                    .directory(spec.workingDirectory().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().clear();
            builder.environment().putAll(spec.environment());
            Files.createDirectories(spec.workingDirectory());
            startedAt = Instant.now();
            lastStartToReady = null;
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + spec.name(), e);
        }
    }

    /** Waits until the readiness probe answers 200; fails at once, with the log tail, if the process exits. */
    void awaitReady(Duration timeout) {
        URI url = spec.readiness()
                .orElseThrow(() -> new IllegalStateException(
                        spec.name() + " has no rendered httpGet readinessProbe, so nothing says when it is ready"));
        try {
            await(spec.name() + " ready at " + url)
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(200))
                    .failFast(spec.name() + " exited before it was ready", () -> !isAlive())
                    .until(() -> status(url) == 200);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(
                    e.getMessage() + describeExit() + System.lineSeparator() + "Errors in " + log + ":"
                            + System.lineSeparator() + String.join(System.lineSeparator(), grep(ERRORS, 15))
                            + System.lineSeparator()
                            + "Last lines of " + log + ":" + System.lineSeparator() + tail(40),
                    e);
        }
        lastStartToReady = Duration.between(startedAt, Instant.now());
    }

    /** SIGKILL, and wait until the process is gone. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    synchronized void stop(Duration grace) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(grace)) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Time from the last start to readiness; null before it was ready. */
    synchronized Duration startToReady() {
        return lastStartToReady;
    }

    int starts() {
        return starts;
    }

    /** The last {@code lines} lines of the log. */
    String tail(int lines) {
        try {
            if (!Files.exists(log)) {
                return "(no log yet)";
            }
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Lines of the log (all starts) that look like errors: panics, fatal errors, error-level log lines. */
    static final Pattern ERRORS =
            Pattern.compile("panic:|fatal error|SIGSEGV|level=(error|ERROR)|Error parsing|error loading");

    /** Lines of the log (all starts) that warn about the rendered flags or configuration. */
    static final Pattern FLAG_WARNINGS = Pattern.compile("Unknown option|deprecated|Deprecated|unknown flag|no-op");

    /** The first {@code max} log lines matching {@code pattern}. */
    List<String> grep(Pattern pattern, int max) {
        return logText()
                .lines()
                .filter(l -> pattern.matcher(l).find())
                .limit(max)
                .toList();
    }

    /** The whole log. */
    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String describeExit() {
        Process p = process;
        return p != null && !p.isAlive() ? " (exit code " + p.exitValue() + ")" : "";
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static int status(URI url) {
        try {
            HttpResponse<Void> response = HTTP.send(
                    HttpRequest.newBuilder(url)
                            .timeout(Duration.ofSeconds(2))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public String toString() {
        return spec.name() + (isAlive() ? " (running)" : " (stopped)");
    }
}
