package dev.hamonitoring.pods;

import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PruneType;
import com.github.dockerjava.api.model.Volume;
import dev.hamonitoring.binaries.Binaries;
import dev.hamonitoring.cluster.ClusterTopology;
import dev.hamonitoring.cluster.LocalVolumes;
import dev.hamonitoring.render.ProjectPaths;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A Kubernetes cluster of Docker containers, driven by Testcontainers: one control-plane container
 * (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) and one container per node
 * (containerd and runc from Debian, kubelet and kube-proxy at the control plane's version,
 * kube-router enforcing NetworkPolicies), all on one Docker network of their own. The chart's pods
 * run for real inside the node containers.
 *
 * <p>The pod network is a bridge per node plus a route per node on every container (each node's
 * pod CIDR via its address), kept by {@code routes.sh}. Services are kube-proxy's iptables rules;
 * cluster DNS is CoreDNS with no forwarder. Nothing leaves the machine: the node containers have
 * no name resolver and reject traffic to anything but this network, the pods and the Services.
 *
 * <p>Node containers need what a kubelet needs, short of {@code --privileged} (refused here: one
 * capability is not in the sandbox's bounding set): every other capability by name, seccomp and
 * AppArmor unconfined, the host's cgroup hierarchy read-write with the host cgroup namespace,
 * tmpfs on /run, and containerd's state on a volume (overlayfs cannot hold its snapshots).
 *
 * <p>{@link #close()} removes every container, volume and the network, and first copies every
 * container's component logs to {@code logDir} when asked to ({@link #keepLogs()}).
 */
public final class RealCluster implements PodCluster {

    public static final String SERVICE_CIDR = "10.96.0.0/16";
    public static final String CLUSTER_CIDR = "10.244.0.0/16";
    public static final String CLUSTER_DNS = "10.96.0.10";
    private static final String LOG_DIR = "/var/log/kubernetes";
    private static final Duration NODE_START = Duration.ofMinutes(3);
    private static final String CLUSTER_LABEL = "ha-monitoring.test/cluster";
    private static final String OWNER_LABEL = "ha-monitoring.test/owner-pid";

    /** Every capability Docker 20.10 knows except SYS_RESOURCE, which this sandbox cannot grant. */
    private static final List<String> CAPABILITIES = List.of(
            "AUDIT_CONTROL",
            "AUDIT_READ",
            "AUDIT_WRITE",
            "BLOCK_SUSPEND",
            "CHOWN",
            "DAC_OVERRIDE",
            "DAC_READ_SEARCH",
            "FOWNER",
            "FSETID",
            "IPC_LOCK",
            "IPC_OWNER",
            "KILL",
            "LEASE",
            "LINUX_IMMUTABLE",
            "MAC_ADMIN",
            "MAC_OVERRIDE",
            "MKNOD",
            "NET_ADMIN",
            "NET_BIND_SERVICE",
            "NET_BROADCAST",
            "NET_RAW",
            "SETFCAP",
            "SETGID",
            "SETPCAP",
            "SETUID",
            "SYS_ADMIN",
            "SYS_BOOT",
            "SYS_CHROOT",
            "SYS_MODULE",
            "SYS_NICE",
            "SYS_PACCT",
            "SYS_PTRACE",
            "SYS_RAWIO",
            "SYS_TIME",
            "SYS_TTY_CONFIG",
            "SYSLOG",
            "WAKE_ALARM");

    private final String name;
    private final ClusterTopology topology;
    private final Network network;
    private final String pkiVolume;
    private final GenericContainer<?> controlPlane;
    private final Map<String, GenericContainer<?>> nodes;
    private final Path kubeconfig;
    private final KubernetesClient client;
    private final double startSeconds;
    private volatile boolean keepLogs;
    private final Path logDir;

    private RealCluster(Builder builder) {
        long t0 = System.nanoTime();
        this.name = "ha-" + UUID.randomUUID().toString().substring(0, 8);
        this.topology = builder.topology;
        this.logDir = builder.workDir.resolve("logs").resolve(name);
        DockerClient docker = DockerClientFactory.instance().client();
        this.network = Network.builder()
                .createNetworkCmdModifier(cmd -> cmd.withLabels(Map.of(CLUSTER_LABEL, name)))
                .build();
        this.pkiVolume = name + "-pki";
        docker.createVolumeCmd().withName(pkiVolume).exec();
        Map<String, String> nodeZones = topology.nodeZones();
        List<GenericContainer<?>> started = new ArrayList<>();
        try {
            this.controlPlane = container(
                            builder.images.nodeImage(), name + "-control-plane", "/opt/pods/control-plane.sh")
                    .withEnv("NODES", String.join(" ", nodeZones.keySet()))
                    .withEnv("SERVICE_CIDR", SERVICE_CIDR)
                    .withEnv("CLUSTER_CIDR", CLUSTER_CIDR)
                    .withEnv("API_SERVER_NAME", name + "-control-plane")
                    .withFileSystemBind(Binaries.directory("etcd").toString(), "/opt/etcd/bin", BindMode.READ_ONLY)
                    .withExposedPorts(6443)
                    .waitingFor(Wait.forLogMessage(".*control plane ready.*", 1).withStartupTimeout(NODE_START));
            controlPlane.withCreateContainerCmdModifier(cmd -> nodeHost(cmd, name + "-control-plane", false));
            controlPlane.start();
            started.add(controlPlane);
            this.kubeconfig = hostKubeconfig(builder.workDir);
            this.nodes = new LinkedHashMap<>();
            for (Map.Entry<String, String> node : nodeZones.entrySet()) {
                GenericContainer<?> container = container(
                                builder.images.nodeImage(), node.getKey(), "/opt/pods/node.sh")
                        .withEnv("NODE_NAME", node.getKey())
                        .withEnv("NODE_LABELS", nodeLabels(node.getValue()))
                        .withEnv("NODE_TAINTS", topology.hasPoolTaint() ? poolTaint() : "")
                        .withEnv("SERVICE_CIDR", SERVICE_CIDR)
                        .withEnv("CLUSTER_CIDR", CLUSTER_CIDR)
                        .withEnv("CLUSTER_DNS", CLUSTER_DNS)
                        .withEnv("SANDBOX_IMAGE", PodImages.PAUSE)
                        .withFileSystemBind(
                                builder.images.archive().toString(), "/images/workloads.tar", BindMode.READ_ONLY)
                        .withFileSystemBind(
                                Binaries.directory("kube-router").toString(),
                                "/opt/kube-router/bin",
                                BindMode.READ_ONLY)
                        .waitingFor(Wait.forLogMessage(".*node " + node.getKey() + " started.*", 1)
                                .withStartupTimeout(NODE_START));
                container.withCreateContainerCmdModifier(cmd -> nodeHost(cmd, node.getKey(), true));
                nodes.put(node.getKey(), container);
                started.add(container);
            }
            // Node containers start in parallel: each imports the image archive into its containerd.
            CompletableFuture.allOf(nodes.values().stream()
                            .map(c -> CompletableFuture.runAsync(c::start))
                            .toArray(CompletableFuture[]::new))
                    .join();
            Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
            // fabric8 would retry a 429 (a refused eviction) by itself for minutes.
            config.setRequestRetryBackoffLimit(0);
            this.client = new KubernetesClientBuilder().withConfig(config).build();
            awaitNodesReady();
            applyCoreDns(client);
            createVolumes(builder.volumes);
        } catch (RuntimeException | IOException e) {
            keepLogs = true;
            copyLogs(started);
            started.forEach(GenericContainer::stop);
            network.close();
            removeVolume(pkiVolume);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        this.startSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("[pods] cluster %s (%s) started in %.1f s%n", name, topology, startSeconds);
    }

    /**
     * Removes what a killed test JVM left behind (its close never ran): every container labelled
     * as this layer's, then its volumes and networks. Docker has no Ryuk here to do it.
     */
    public static void removeLeftovers() {
        DockerClient docker = DockerClientFactory.instance().client();
        Set<String> orphaned = new HashSet<>();
        for (Container c : docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(List.of(CLUSTER_LABEL))
                .exec()) {
            // Another test run on this machine may own live clusters: leave them alone.
            String owner = c.getLabels().getOrDefault(OWNER_LABEL, "0");
            if (ProcessHandle.of(Long.parseLong(owner))
                    .map(ProcessHandle::isAlive)
                    .orElse(false)) {
                continue;
            }
            orphaned.add(c.getLabels().get(CLUSTER_LABEL));
            docker.removeContainerCmd(c.getId())
                    .withForce(true)
                    .withRemoveVolumes(true)
                    .exec();
        }
        for (String cluster : orphaned) {
            removeVolume(cluster + "-pki");
        }
        if (!orphaned.isEmpty()) {
            docker.pruneCmd(PruneType.NETWORKS).withLabelFilter(CLUSTER_LABEL).exec();
            System.out.printf("[pods] removed clusters left behind by a killed run: %s%n", orphaned);
        }
    }

    /** A cluster of this topology whose nodes run these images. */
    public static Builder builder(ClusterTopology topology, PodImages.Built images, Path workDir) {
        return new Builder(topology, images, workDir);
    }

    /** Options of a cluster start. */
    public static final class Builder {
        private final ClusterTopology topology;
        private final PodImages.Built images;
        private final Path workDir;
        private LocalVolumes volumes = LocalVolumes.none();

        private Builder(ClusterTopology topology, PodImages.Built images, Path workDir) {
            this.topology = topology;
            this.images = images;
            this.workDir = workDir;
        }

        /** Local PersistentVolumes every node gets (directories in the node container). */
        public Builder volumes(LocalVolumes perNode) {
            this.volumes = perNode;
            return this;
        }

        public RealCluster start() {
            return new RealCluster(this);
        }
    }

    private GenericContainer<?> container(String image, String hostname, String entrypoint) {
        Path scripts = scripts();
        GenericContainer<?> container = new GenericContainer<>(image);
        return container
                .withNetwork(network)
                .withNetworkAliases(hostname)
                .withCommand(entrypoint)
                .withFileSystemBind(scripts.toString(), "/opt/pods", BindMode.READ_ONLY)
                .withFileSystemBind(
                        Binaries.directory("kubernetes").toString(), "/opt/kubernetes/bin", BindMode.READ_ONLY)
                .withLabel(CLUSTER_LABEL, name)
                .withLabel(OWNER_LABEL, Long.toString(ProcessHandle.current().pid()));
    }

    /** The containers' entry points and the CoreDNS manifest. */
    private static Path scripts() {
        return ProjectPaths.root().resolve("chart-tests/src/test/resources/pods");
    }

    private void nodeHost(CreateContainerCmd cmd, String hostname, boolean runsPods) {
        cmd.withHostName(hostname).withName(name + "-" + hostname.replace(name + "-", ""));
        HostConfig host = cmd.getHostConfig();
        List<Bind> binds = new ArrayList<>(host.getBinds() == null ? List.of() : List.of(host.getBinds()));
        binds.add(new Bind(pkiVolume, new Volume("/pki"), runsPods ? AccessMode.ro : AccessMode.rw));
        host.withBinds(binds);
        if (!runsPods) {
            // The control plane only keeps routes to the pods.
            host.withCapAdd(Capability.NET_ADMIN);
            return;
        }
        binds.add(new Bind("/sys/fs/cgroup", new Volume("/sys/fs/cgroup")));
        host.withBinds(binds)
                .withCapAdd(CAPABILITIES.stream().map(Capability::valueOf).toArray(Capability[]::new))
                .withSecurityOpts(List.of("seccomp=unconfined", "apparmor=unconfined"))
                .withCgroupnsMode("host")
                .withTmpFs(Map.of("/run", "rw,exec", "/tmp", "rw,exec"))
                .withDevices(new Device("rwm", "/dev/kmsg", "/dev/kmsg"));
        cmd.withVolumes(new Volume("/var/lib/containerd"), new Volume("/var/lib/kubelet"));
    }

    private String nodeLabels(String zone) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ClusterTopology.ZONE_LABEL, zone);
        if (topology.hasMonitoringPool()) {
            labels.put(ClusterTopology.POOL_LABEL_KEY, ClusterTopology.POOL_LABEL_VALUE);
        }
        return labels.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    private static String poolTaint() {
        return ClusterTopology.POOL_TAINT_KEY + "=" + ClusterTopology.POOL_TAINT_VALUE + ":"
                + ClusterTopology.POOL_TAINT_EFFECT;
    }

    /** The admin kubeconfig, pointed at the control plane's port on this machine's loopback. */
    private Path hostKubeconfig(Path workDir) throws IOException {
        String config = run(controlPlane, "control-plane", "cat", "/pki/admin.kubeconfig")
                .replace("https://127.0.0.1:6443", "https://127.0.0.1:" + controlPlane.getMappedPort(6443));
        Path file = workDir.resolve(name + ".kubeconfig");
        Files.createDirectories(workDir);
        Files.writeString(file, config);
        return file;
    }

    private void awaitNodesReady() {
        await("every node of " + topology + " Ready")
                .atMost(NODE_START)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> client.nodes().list().getItems().stream()
                                .filter(RealCluster::ready)
                                .count()
                        == topology.nodeZones().size());
    }

    static boolean ready(Node node) {
        List<NodeCondition> conditions =
                node.getStatus() == null ? null : node.getStatus().getConditions();
        return conditions != null
                && conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** CoreDNS of this project's build at {@link #CLUSTER_DNS}, answering cluster names only (no forwarder). */
    static void applyCoreDns(KubernetesClient client) throws IOException {
        String coredns = Files.readString(scripts().resolve("coredns.yaml"))
                .replace("ha-monitoring.test/coredns:VERSION", PodImages.COREDNS)
                .replace("CLUSTER_DNS", CLUSTER_DNS);
        List<HasMetadata> objects = client.load(new ByteArrayInputStream(coredns.getBytes(StandardCharsets.UTF_8)))
                .items();
        for (HasMetadata object : objects) {
            client.resource(object).create();
        }
        await("CoreDNS Ready")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Deployment deployment = client.apps()
                            .deployments()
                            .inNamespace("kube-system")
                            .withName("coredns")
                            .get();
                    Integer ready = deployment.getStatus() == null
                            ? null
                            : deployment.getStatus().getReadyReplicas();
                    return ready != null && ready.equals(deployment.getSpec().getReplicas());
                });
    }

    /** Runs a command in a node container (or the control plane: {@code "control-plane"}) and returns stdout. */
    @Override
    public String exec(String container, String... command) {
        GenericContainer<?> target = "control-plane".equals(container) ? controlPlane : nodes.get(container);
        if (target == null) {
            throw new IllegalArgumentException("No container " + container + " (nodes: " + nodes.keySet() + ")");
        }
        return run(target, container, command);
    }

    /** A command in a container, its stdout; fails naming the command and container on a non-zero exit. */
    static String run(GenericContainer<?> target, String container, String... command) {
        try {
            ExecResult result = target.execInContainer(command);
            if (result.getExitCode() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " in " + container + " exited "
                        + result.getExitCode() + ": " + result.getStderr());
            }
            return result.getStdout();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The node's container stays (stopped) until {@link #close()}. */
    @Override
    public void kill(String node) {
        GenericContainer<?> target = nodes.get(node);
        if (target == null) {
            throw new IllegalArgumentException("No node " + node + " (nodes: " + nodes.keySet() + ")");
        }
        powerOff(target);
    }

    /** SIGKILL to a node's container: everything in it stops at once. */
    static void powerOff(GenericContainer<?> node) {
        DockerClientFactory.instance()
                .client()
                .killContainerCmd(node.getContainerId())
                .withSignal("SIGKILL")
                .exec();
    }

    @Override
    public String kubectl(String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "/opt/kubernetes/bin/kubectl";
        command[1] = "--kubeconfig=/pki/admin.kubeconfig";
        System.arraycopy(args, 0, command, 2, args.length);
        return exec("control-plane", command);
    }

    @Override
    public void killContainerProcess(String node, String containerId) {
        exec(node, "ctr", "-n", "k8s.io", "task", "kill", "-s", "SIGKILL", containerId);
    }

    @Override
    public KubernetesClient client() {
        return client;
    }

    @Override
    public Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    public ClusterTopology topology() {
        return topology;
    }

    @Override
    public List<String> nodeNames() {
        return List.copyOf(nodes.keySet());
    }

    @Override
    public double startSeconds() {
        return startSeconds;
    }

    @Override
    public void keepLogs() {
        keepLogs = true;
    }

    @Override
    public void close() {
        List<GenericContainer<?>> all = new ArrayList<>();
        all.add(controlPlane);
        all.addAll(nodes.values());
        if (keepLogs) {
            copyLogs(all);
        }
        client.close();
        all.forEach(GenericContainer::stop);
        network.close();
        removeVolume(pkiVolume);
    }

    private void copyLogs(List<GenericContainer<?>> containers) {
        for (GenericContainer<?> container : containers) {
            if (!container.isRunning()) {
                continue;
            }
            String host = container.getContainerInfo().getConfig().getHostName();
            Path dir = logDir.resolve(host);
            try {
                Files.createDirectories(dir);
                ExecResult list = container.execInContainer("ls", LOG_DIR);
                for (String file : list.getStdout().split("\\s+")) {
                    if (!file.isBlank()) {
                        container.copyFileFromContainer(
                                LOG_DIR + "/" + file, dir.resolve(file).toString());
                    }
                }
                Files.writeString(dir.resolve("container.log"), container.getLogs());
                // Every pod's container logs, as kubelet keeps them.
                if (container
                                .execInContainer("tar", "-C", "/var/log", "-cf", "/var/log/pod-logs.tar", "pods")
                                .getExitCode()
                        == 0) {
                    container.copyFileFromContainer(
                            "/var/log/pod-logs.tar", dir.resolve("pod-logs.tar").toString());
                }
            } catch (IOException | RuntimeException e) {
                System.out.printf("[pods] could not copy the logs of %s: %s%n", host, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        System.out.printf("[pods] component logs of cluster %s kept in %s%n", name, logDir);
    }

    private static void removeVolume(String volume) {
        try {
            DockerClientFactory.instance().client().removeVolumeCmd(volume).exec();
        } catch (RuntimeException e) {
            System.out.printf("[pods] could not remove volume %s: %s%n", volume, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "cluster " + name + " (" + topology + ")";
    }
}
