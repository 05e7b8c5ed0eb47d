package dev.hamonitoring.binaries;

import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A rendered release running on loopback: declare replicas of rendered workloads, start them
 * (every container of a pod, like the kubelet), kill and restart pods with their data, stop
 * everything on {@link #close()} (call it from {@code @AfterAll}; a JVM shutdown hook is the
 * backstop).
 *
 * <pre>{@code
 * try (Stack stack = Stack.from(release, "thanos", TestTimings.asRendered().prometheusIntervals("2s", "2s"))) {
 *     List<Stack.Pod> prometheus = stack.replicas("monitoring-prometheus", 2);
 *     Stack.Pod query = stack.replicas("monitoring-thanos-query", 1).get(0);
 *     stack.start(prometheus);
 *     stack.start(query);
 * }
 * }</pre>
 *
 * Work directories and logs: {@code chart-tests/target/binaries/<name>/} (pods, shared bucket)
 * and {@code .../<name>/logs/<pod>_<container>.log}; cleaned when a stack of that name starts.
 */
final class Stack implements AutoCloseable {

    /** How long a process may take from start to ready (WAL replay on 2 shared cores included). */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final String name;
    private final LoopbackNetwork network;
    private final LoopbackRewrite rewrite;
    private final Path logs;
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private final Thread shutdownHook;

    /** Stacks not closed yet, for {@link TailsOnFailure}. */
    private static final Set<Stack> OPEN = ConcurrentHashMap.newKeySet();

    private Stack(String name, RenderedRelease release, TestTimings timings) {
        this.name = name;
        Path root = ProjectPaths.root().resolve("chart-tests/target/binaries").resolve(name);
        deleteRecursively(root);
        // The chart's global.clusterDomain default; a render with another domain fails loudly at the first name.
        this.network = new LoopbackNetwork(release, root, "cluster.local");
        this.rewrite = new LoopbackRewrite(network, timings);
        this.logs = root.resolve("logs");
        this.shutdownHook = new Thread(this::stopAll, "stop stack " + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        OPEN.add(this);
    }

    /** A stack of a rendered release; {@code name} names its directory. */
    static Stack from(RenderedRelease release, String name, TestTimings timings) {
        return new Stack(name, release, timings);
    }

    String name() {
        return name;
    }

    LoopbackNetwork network() {
        return network;
    }

    LoopbackRewrite rewrite() {
        return rewrite;
    }

    /** Declares (or returns) replicas 0..n-1 of a rendered StatefulSet or Deployment. */
    synchronized List<Pod> replicas(String workload, int replicas) {
        List<Pod> result = new ArrayList<>();
        for (LoopbackPod pod : network.declareReplicas(workload, replicas)) {
            result.add(pods.computeIfAbsent(pod.name(), n -> new Pod(pod, ArgsMutation.NONE)));
        }
        return result;
    }

    /** One more pod of a workload, whose containers' rendered args get {@code mutation} first. */
    synchronized Pod extraPod(String workload, String podName, ArgsMutation mutation) {
        Pod pod = new Pod(network.declareExtraPod(workload, podName), mutation);
        pods.put(podName, pod);
        return pod;
    }

    synchronized Pod pod(String podName) {
        Pod pod = pods.get(podName);
        if (pod == null) {
            throw new IllegalArgumentException("No pod " + podName + " in stack " + name + "; pods: " + pods.keySet());
        }
        return pod;
    }

    /** Starts every container of every pod given, then waits until all are ready. */
    void start(List<Pod> toStart) {
        toStart.forEach(Pod::launch);
        toStart.forEach(Pod::awaitReady);
    }

    void start(Pod... toStart) {
        start(Arrays.asList(toStart));
    }

    /** Every process started so far, for summaries. */
    synchronized List<LocalProcess> processes() {
        return pods.values().stream()
                .flatMap(p -> p.processes.values().stream())
                .toList();
    }

    /** "name ready in 1.2 s" for every process that became ready, for the summary. */
    String startTimes() {
        List<String> parts = new ArrayList<>();
        for (LocalProcess process : processes()) {
            Duration d = process.startToReady();
            parts.add(process.spec().name() + "="
                    + (d == null ? "not ready" : String.format("%.1fs", d.toMillis() / 1000.0))
                    + (process.starts() > 1 ? " (start #" + process.starts() + ")" : ""));
        }
        return String.join(", ", parts);
    }

    /**
     * Distinct log lines, over every process, that warn about a rendered flag or setting (an
     * unknown feature flag, a deprecated flag), with the processes that logged them, for the summary.
     */
    String flagWarnings() {
        Map<String, List<String>> byMessage = new LinkedHashMap<>();
        for (LocalProcess process : processes()) {
            for (String line : process.grep(LocalProcess.FLAG_WARNINGS, 20)) {
                String message = line.replaceFirst("^(ts|time)=\\S+ ", "");
                List<String> who = byMessage.computeIfAbsent(message, m -> new ArrayList<>());
                if (!who.contains(process.spec().name())) {
                    who.add(process.spec().name());
                }
            }
        }
        if (byMessage.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        byMessage.forEach((message, who) -> parts.add(message + " (" + who.size() + " processes: " + who + ")"));
        return String.join("; ", parts);
    }

    /**
     * Runs a binary once (a tool: promtool, amtool, thanos tools) with {@code args}, in
     * {@code workingDirectory}, with an empty environment; output goes to a log named {@code label}.
     */
    ToolResult run(String label, String binary, Path workingDirectory, Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Binaries.path(binary).toString());
        command.addAll(List.of(args));
        return run(label, command, Map.of(), workingDirectory, timeout);
    }

    /**
     * Runs a command once with exactly {@code environment} as its environment, in
     * {@code workingDirectory}; output goes to a log named {@code label}.
     */
    ToolResult run(
            String label,
            List<String> command,
            Map<String, String> environment,
            Path workingDirectory,
            Duration timeout) {
        Path out = logs.resolve("tool-" + label + ".log");
        try {
            Files.createDirectories(logs);
            Files.createDirectories(workingDirectory);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new ToolResult(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops every process (SIGTERM, then SIGKILL after 10 s), all at once. */
    @Override
    public void close() {
        OPEN.remove(this);
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down.
        }
    }

    private void stopAll() {
        List<LocalProcess> running =
                processes().stream().filter(LocalProcess::isAlive).toList();
        running.parallelStream().forEach(p -> p.stop(Duration.ofSeconds(10)));
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The error lines and last lines of every process of the stack, for a failure report. */
    String tails(int lines) {
        StringBuilder text = new StringBuilder();
        for (LocalProcess process : processes()) {
            text.append(System.lineSeparator())
                    .append("--- ")
                    .append(process)
                    .append(", log ")
                    .append(process.log())
                    .append(System.lineSeparator());
            process.grep(LocalProcess.ERRORS, 5)
                    .forEach(l -> text.append("  error: ").append(l).append(System.lineSeparator()));
            process.tail(lines).lines().forEach(l -> text.append("  ").append(l).append(System.lineSeparator()));
        }
        return text.toString();
    }

    /**
     * Prints the tails of every open stack's process logs when a test fails (registered on the IT
     * classes; @Nested classes inherit it), so a failed wait shows what the processes said.
     */
    static final class TailsOnFailure implements TestWatcher {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            for (Stack stack : OPEN) {
                System.out.println("[binaries] " + context.getDisplayName() + " failed; logs of stack " + stack.name()
                        + ":" + stack.tails(15));
            }
        }
    }

    /** The outcome of a tool run. */
    record ToolResult(List<String> command, int exitCode, String output) {
        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + System.lineSeparator() + output;
        }
    }

    /** A declared pod: its containers as processes. */
    final class Pod {
        private final LoopbackPod pod;
        private final ArgsMutation mutation;
        private final Map<String, LocalProcess> processes = new LinkedHashMap<>();
        private List<String> containers;

        private Pod(LoopbackPod pod, ArgsMutation mutation) {
            this.pod = pod;
            this.mutation = mutation;
        }

        String name() {
            return pod.name();
        }

        LoopbackPod loopback() {
            return pod;
        }

        /** Only these containers run when the pod starts (default: every container of the pod). */
        Pod containers(String... names) {
            this.containers = List.of(names);
            return this;
        }

        /** The process of a container (rewritten on first use). */
        synchronized LocalProcess process(String container) {
            return processes.computeIfAbsent(container, c -> {
                RenderedProcess spec = rewrite.process(pod, c, mutation);
                return new LocalProcess(spec, logs.resolve(pod.name() + "_" + c + ".log"));
            });
        }

        /** The rewritten process of a container. */
        RenderedProcess rendered(String container) {
            return process(container).spec();
        }

        private List<String> containerNames() {
            return containers != null
                    ? containers
                    : pod.spec().getContainers().stream()
                            .map(Container::getName)
                            .toList();
        }

        void launch() {
            // Rewrite every container first, so a rewrite failure starts nothing.
            List<LocalProcess> all =
                    containerNames().stream().map(this::process).toList();
            all.forEach(LocalProcess::start);
        }

        void awaitReady() {
            containerNames().forEach(c -> process(c).awaitReady(READY_TIMEOUT));
        }

        /** SIGKILL every running container of the pod (the pod dies; its volumes stay, like its PVC). */
        void kill() {
            processes.values().forEach(LocalProcess::kill);
        }

        /** Starts the pod's containers again with the same data, and waits until they are ready. */
        Instant restart() {
            Instant at = Instant.now();
            launch();
            awaitReady();
            return at;
        }

        boolean isRunning() {
            return processes.values().stream().anyMatch(LocalProcess::isAlive);
        }

        /** The loopback port of a container port of this pod. */
        int port(int containerPort) {
            return pod.hostPort(containerPort);
        }

        /** {@code http://127.0.0.1:<port of containerPort><path>}. */
        URI http(int containerPort, String path) {
            return URI.create("http://127.0.0.1:" + port(containerPort) + path);
        }

        /** A volume's directory. */
        Path volume(String volumeName) {
            pod.prepareVolumes();
            return pod.volumeDirectory(volumeName);
        }

        @Override
        public String toString() {
            return pod.toString();
        }
    }
}
