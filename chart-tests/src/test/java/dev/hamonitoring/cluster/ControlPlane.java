package dev.hamonitoring.cluster;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Kubernetes control plane without containers: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler and the KWOK controller, started as local processes by
 * {@code kwokctl create cluster --runtime=binary} from the binaries {@code ci/build-binaries.sh}
 * builds (see {@code ci/binaries/README.md}, "Offline control plane with KWOK").
 *
 * <pre>{@code
 * try (ControlPlane cluster = ControlPlane.start()) {
 *     cluster.topology(ClusterTopology.zones(3).nodesPerZone(2).monitoringPool());
 *     cluster.client().pods().inNamespace("monitoring").list();
 * }
 * }</pre>
 *
 * <p>Every instance has its own {@code KWOK_WORKDIR} (a temporary directory) and a unique cluster
 * name, binds every component to 127.0.0.1, and is stopped by {@link #close()}: kwokctl delete,
 * then each process of the cluster (from its pid file) is waited for and, if still alive, killed.
 * A JVM shutdown hook does the same if close() was never called. Processes left behind by a JVM
 * that was killed outright are stopped by the next {@link #start()} (only processes whose command
 * line names that cluster's directory).
 */
public final class ControlPlane implements AutoCloseable {

    /** System property: keep the work directory (component logs, etcd data) after close. */
    public static final String KEEP_WORKDIR_PROPERTY = "hamonitoring.cluster.keepWorkdir";

    private static final String WORKDIR_PREFIX = "ha-monitoring-cp-";
    private static final String OWNER_FILE = "owner.pid";
    private static final AtomicInteger STARTS = new AtomicInteger();
    private static final Duration CREATE_TIMEOUT = Duration.ofMinutes(3);

    private final ClusterBinaries binaries;
    private final Path workDir;
    private final String name;
    private final Path clusterDir;
    private final Path kubeconfig;
    private final KubernetesClient client;
    private final List<Long> pids;
    private final double startSeconds;
    private final boolean cold;
    private final Thread shutdownHook;
    private final Nodes nodes;
    private boolean closed;

    private ControlPlane(
            ClusterBinaries binaries,
            Path workDir,
            String name,
            KubernetesClient client,
            List<Long> pids,
            double startSeconds,
            boolean cold) {
        this.binaries = binaries;
        this.workDir = workDir;
        this.name = name;
        this.clusterDir = workDir.resolve("clusters").resolve(name);
        this.kubeconfig = clusterDir.resolve("kubeconfig.yaml");
        this.client = client;
        this.pids = List.copyOf(pids);
        this.startSeconds = startSeconds;
        this.cold = cold;
        this.nodes = new Nodes(client);
        this.shutdownHook = new Thread(this::stop, "control-plane-shutdown-" + name);
    }

    /** Starts a control plane from the binaries pinned in this repository. */
    public static ControlPlane start() {
        return start(ClusterBinaries.locate());
    }

    /**
     * Starts a control plane and waits until the apiserver's {@code /readyz} answers {@code ok}.
     *
     * @throws IllegalStateException with kwokctl's output and the components' log tails when it
     *     does not come up
     */
    public static ControlPlane start(ClusterBinaries binaries) {
        stopLeftovers();
        boolean cold = STARTS.getAndIncrement() == 0;
        long t0 = System.nanoTime();
        Path workDir;
        try {
            workDir = Files.createTempDirectory(WORKDIR_PREFIX);
            Files.writeString(
                    workDir.resolve(OWNER_FILE),
                    Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = "ha-" + ProcessHandle.current().pid() + "-" + STARTS.get();
        Path clusterDir = workDir.resolve("clusters").resolve(name);
        List<Long> pids = new ArrayList<>();
        KubernetesClient client = null;
        try {
            Path config = workDir.resolve("kwokctl.yaml");
            Files.writeString(config, kwokctlConfiguration(binaries));
            run(
                    binaries,
                    workDir,
                    CREATE_TIMEOUT,
                    workDir.resolve("create.log"),
                    binaries.kwokctl().toString(),
                    "--config",
                    config.toString(),
                    "create",
                    "cluster",
                    "--name",
                    name,
                    "--kubeconfig",
                    "");
            pids.addAll(readPids(clusterDir));
            Config clientConfig = Config.fromKubeconfig(Files.readString(clusterDir.resolve("kubeconfig.yaml")));
            clientConfig.setRequestTimeout(30_000);
            // fabric8 retries 429 and 5xx answers by itself (up to 10 times, exponential backoff):
            // an eviction refused by a PodDisruptionBudget would take minutes to come back and
            // never be seen as refused. Tests must see exactly what the apiserver answered.
            clientConfig.setRequestRetryBackoffLimit(0);
            KubernetesClient c =
                    new KubernetesClientBuilder().withConfig(clientConfig).build();
            client = c;
            await("apiserver /readyz of " + name)
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> "ok".equals(c.raw("/readyz")));
            // Namespaces cannot take pods before their default ServiceAccount exists; the
            // controller-manager being up is what creates it.
            await("default ServiceAccount of " + name)
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> c.serviceAccounts()
                                    .inNamespace("default")
                                    .withName("default")
                                    .get()
                            != null);
        } catch (IOException | RuntimeException | Error e) {
            String logs = tail(clusterDir.resolve("logs"), 30) + tailFile(workDir.resolve("create.log"), 30);
            if (client != null) {
                client.close();
            }
            stopProcesses(binaries, workDir, name, pids);
            deleteTree(workDir);
            throw new IllegalStateException("Control plane " + name + " did not start: " + e + "\n" + logs, e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        ControlPlane plane = new ControlPlane(binaries, workDir, name, client, pids, seconds, cold);
        Runtime.getRuntime().addShutdownHook(plane.shutdownHook);
        System.out.printf(
                "[cluster] control plane %s ready in %.1f s (%s start; %s, etcd %s, kwok %s; pids %s)%n",
                name,
                seconds,
                cold ? "cold" : "warm",
                binaries.kubeVersion(),
                binaries.etcdDir().getFileName(),
                binaries.kwokDir().getFileName(),
                pids);
        return plane;
    }

    static String kwokctlConfiguration(ClusterBinaries b) {
        // bindAddress is only settable here; the default 0.0.0.0 would expose etcd (no TLS, no
        // auth) on every interface. kubeAuthorization/kubeAdmission are the defaults, spelled out
        // because the tests rely on RBAC and on the PodSecurity/ResourceQuota/LimitRanger plugins.
        return "apiVersion: config.kwok.x-k8s.io/v1alpha1\n"
                + "kind: KwokctlConfiguration\n"
                + "options:\n"
                + "  runtime: binary\n"
                + "  kubeVersion: " + b.kubeVersion() + "\n"
                + "  bindAddress: 127.0.0.1\n"
                + "  kubeAuthorization: true\n"
                + "  kubeAdmission: true\n"
                + "  etcdBinary: " + b.etcd() + "\n"
                + "  kubeApiserverBinary: " + b.kubeApiserver() + "\n"
                + "  kubeControllerManagerBinary: " + b.kubeControllerManager() + "\n"
                + "  kubeSchedulerBinary: " + b.kubeScheduler() + "\n"
                + "  kwokControllerBinary: " + b.kwok() + "\n"
                + "  kubectlBinary: " + b.kubectl() + "\n";
    }

    /** A client with cluster-admin rights (kwokctl's admin certificate). Closed by {@link #close()}. */
    public KubernetesClient client() {
        return client;
    }

    /** The kubeconfig kwokctl wrote ({@code https://127.0.0.1:<port>}, client certificate). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The unique cluster name. */
    public String name() {
        return name;
    }

    /** The pinned Kubernetes version the binaries report. */
    public String kubeVersion() {
        return binaries.kubeVersion();
    }

    /** Seconds from {@link #start()} until the apiserver was ready. */
    public double startSeconds() {
        return startSeconds;
    }

    /** Whether this was the first start in this JVM. */
    public boolean coldStart() {
        return cold;
    }

    /** The pids of etcd, the Kubernetes components and the KWOK controller. */
    public List<Long> pids() {
        return pids;
    }

    /** Fake nodes and their local PersistentVolumes. */
    public Nodes nodes() {
        return nodes;
    }

    /**
     * Replaces every node with the given topology: pods and harness volumes of the old nodes are
     * removed first, then the new nodes are created, waited for until Ready, and given their local
     * PersistentVolumes. Namespaces and releases are left alone.
     *
     * @return the nodes created, zone by zone
     */
    public List<Node> topology(ClusterTopology topology) {
        return nodes.replaceWith(topology);
    }

    /** The last lines of every component's log, for failure messages. */
    public String logTails(int lines) {
        return tail(clusterDir.resolve("logs"), lines);
    }

    /** Stops every process of this control plane and removes its work directory. Idempotent. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs (or ran) stop() itself.
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        client.close();
        stopProcesses(binaries, workDir, name, pids);
        if (Boolean.getBoolean(KEEP_WORKDIR_PROPERTY)) {
            System.out.println("[cluster] kept " + workDir);
        } else {
            deleteTree(workDir);
        }
        System.out.printf("[cluster] control plane %s stopped in %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * kwokctl delete cluster, then wait for each process to exit; TERM, then KILL, what is left.
     * The processes are identified before kwokctl signals them, while their command lines still
     * name the cluster's directory (an exiting process's command line reads empty); a
     * ProcessHandle also remembers its start time, so a reused pid is never waited for or killed.
     */
    private static void stopProcesses(ClusterBinaries binaries, Path workDir, String name, List<Long> knownPids) {
        Path clusterDir = workDir.resolve("clusters").resolve(name);
        List<Long> pids = new ArrayList<>(knownPids);
        try {
            readPids(clusterDir).stream().filter(p -> !pids.contains(p)).forEach(pids::add);
        } catch (IOException e) {
            // No pid directory: kwokctl never got as far as starting anything.
        }
        List<ProcessHandle> processes = new ArrayList<>();
        for (long pid : pids) {
            ProcessHandle.of(pid).filter(h -> belongsTo(h, clusterDir)).ifPresent(processes::add);
        }
        try {
            run(
                    binaries,
                    workDir,
                    Duration.ofMinutes(1),
                    workDir.resolve("delete.log"),
                    binaries.kwokctl().toString(),
                    "--config",
                    workDir.resolve("kwokctl.yaml").toString(),
                    "delete",
                    "cluster",
                    "--name",
                    name);
        } catch (RuntimeException e) {
            System.out.println(
                    "[cluster] kwokctl delete cluster " + name + " failed (killing by pid): " + e.getMessage());
        }
        for (ProcessHandle h : processes) {
            terminate(h);
        }
    }

    private static void terminate(ProcessHandle h) {
        if (waitForExit(h, Duration.ofSeconds(10))) {
            return;
        }
        h.destroy();
        if (waitForExit(h, Duration.ofSeconds(5))) {
            return;
        }
        h.destroyForcibly();
        if (!waitForExit(h, Duration.ofSeconds(5))) {
            System.out.println("[cluster] process " + h.pid() + " survived SIGKILL");
        }
    }

    /** Polls until the process has exited (a zombie counts as exited, see {@link #running(long)}); false at the timeout. */
    private static boolean waitForExit(ProcessHandle h, Duration timeout) {
        try {
            await("exit of process " + h.pid())
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> !h.isAlive() || !running(h.pid()));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /**
     * Whether the process still runs. A process that has exited but was not yet reaped (a zombie:
     * the components are re-parented to PID 1 when kwokctl exits, and in a container PID 1 may
     * reap late or never) has not: {@link ProcessHandle#isAlive()} would still say it is alive.
     */
    public static boolean running(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.isDirectory(Path.of("/proc/self"))) {
            try {
                String text = Files.readString(stat);
                int close = text.lastIndexOf(')');
                char state = close >= 0 && close + 2 < text.length() ? text.charAt(close + 2) : '?';
                return state != 'Z' && state != 'X';
            } catch (IOException e) {
                return false; // no such process
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Guards against pid reuse: only a process whose command line names the cluster's directory. */
    private static boolean belongsTo(ProcessHandle h, Path clusterDir) {
        if (!running(h.pid())) {
            return false;
        }
        String commandLine = h.info().commandLine().orElse("");
        return commandLine.contains(clusterDir.toString());
    }

    /**
     * Stops control planes of earlier JVMs that died without closing them (their owner pid is
     * gone) and removes their work directories.
     */
    private static void stopLeftovers() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(WORKDIR_PREFIX))
                    .collect(Collectors.toList())) {
                Path owner = dir.resolve(OWNER_FILE);
                if (!Files.isRegularFile(owner)) {
                    continue;
                }
                long ownerPid = Long.parseLong(Files.readString(owner).strip());
                if (ProcessHandle.of(ownerPid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                Path clusters = dir.resolve("clusters");
                if (Files.isDirectory(clusters)) {
                    try (Stream<Path> names = Files.list(clusters)) {
                        for (Path clusterDir : names.collect(Collectors.toList())) {
                            for (long pid : readPids(clusterDir)) {
                                ProcessHandle.of(pid)
                                        .filter(h -> belongsTo(h, clusterDir))
                                        .ifPresent(h -> {
                                            System.out.println(
                                                    "[cluster] stopping leftover process " + pid + " of " + clusterDir);
                                            terminate(h);
                                        });
                            }
                        }
                    }
                }
                deleteTree(dir);
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("[cluster] could not clean up leftover control planes: " + e);
        }
    }

    private static List<Long> readPids(Path clusterDir) throws IOException {
        Path dir = clusterDir.resolve("pids");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f :
                    files.filter(f -> f.toString().endsWith(".pid")).sorted().collect(Collectors.toList())) {
                String text = Files.readString(f).strip();
                if (!text.isEmpty()) {
                    pids.add(Long.parseLong(text));
                }
            }
        }
        return pids;
    }

    /** Runs a command with KWOK_WORKDIR set and the built kubectl first on PATH. */
    private static void run(ClusterBinaries binaries, Path workDir, Duration timeout, Path log, String... command) {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("KWOK_WORKDIR", workDir.toString());
        // kwokctl checks the cluster with the first kubectl on PATH (it would download one otherwise).
        env.put("PATH", binaries.kubernetesDir() + File.pathSeparator + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.remove("KUBECONFIG");
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        String.join(" ", command) + " timed out after " + timeout + ":\n" + tailFile(log, 40));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", command) + " exited " + process.exitValue() + ":\n" + tailFile(log, 40));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String tail(Path logs, int lines) {
        if (!Files.isDirectory(logs)) {
            return "";
        }
        Map<String, String> tails = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(logs)) {
            files.sorted().forEach(f -> tails.put(f.getFileName().toString(), tailFile(f, lines)));
        } catch (IOException e) {
            return "(cannot read " + logs + ": " + e + ")";
        }
        StringBuilder out = new StringBuilder();
        tails.forEach(
                (file, text) -> out.append("==> ").append(file).append(" <==\n").append(text));
        return out.toString();
    }

    private static String tailFile(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.out.println("[cluster] could not remove " + dir + ": " + e);
        }
    }

    @Override
    public String toString() {
        return "ControlPlane " + name + " (" + kubeconfig + ")";
    }
}
