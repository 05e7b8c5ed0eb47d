package dev.hamonitoring.pods;

import static org.awaitility.Awaitility.await;

import dev.hamonitoring.cluster.ClusterTopology;
import dev.hamonitoring.cluster.LocalVolumes;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The second backend of the real-pod layer: Testcontainers' k3s module. One k3s server (no agent
 * of its own, so it runs no pods) and one k3s agent per node of the topology, all from the
 * rancher/k3s image, with the same zone labels, pool label and taint, cluster CIDRs, node-loss
 * timings and local volumes as {@link RealCluster}. k3s brings its own pod network (flannel),
 * Service proxy and NetworkPolicy controller; CoreDNS is this project's, as in the other backend.
 * The workload images are preloaded: every agent imports the same archive at start (k3s' images
 * directory), so nothing but the k3s image itself comes from a registry.
 *
 * <p>Selected with {@code -Dpods.backend=k3s} where the image is in the local Docker engine
 * ({@code docker pull} it first); see {@link PodClusterBackend}.
 */
final class K3sCluster implements PodCluster {

    private static final String SERVER = "k3s-server";
    private static final Duration NODE_START = Duration.ofMinutes(3);

    private final ClusterTopology topology;
    private final Network network;
    private final K3sContainer server;
    private final Map<String, GenericContainer<?>> agents = new LinkedHashMap<>();
    private final Path kubeconfig;
    private final KubernetesClient client;
    private final Path logDir;
    private final double startSeconds;
    private volatile boolean keepLogs;

    K3sCluster(String image, ClusterTopology topology, PodImages.Built images, Path workDir, LocalVolumes volumes) {
        long t0 = System.nanoTime();
        String name = "k3s-" + UUID.randomUUID().toString().substring(0, 8);
        String token = UUID.randomUUID().toString();
        this.topology = topology;
        this.logDir = workDir.resolve("logs").resolve(name);
        this.network = Network.newNetwork();
        DockerImageName k3s = DockerImageName.parse(image).asCompatibleSubstituteFor("rancher/k3s");
        this.server = new K3sContainer(k3s);
        server.withNetwork(network)
                .withNetworkAliases(SERVER)
                .withCommand(
                        "server",
                        "--disable-agent",
                        "--disable=traefik,servicelb,metrics-server,local-storage,coredns",
                        "--tls-san=" + server.getHost(),
                        "--token=" + token,
                        "--service-cidr=" + RealCluster.SERVICE_CIDR,
                        "--cluster-cidr=" + RealCluster.CLUSTER_CIDR,
                        "--cluster-dns=" + RealCluster.CLUSTER_DNS,
                        "--kube-controller-manager-arg=node-monitor-grace-period=20s",
                        "--kube-apiserver-arg=default-not-ready-toleration-seconds=30",
                        "--kube-apiserver-arg=default-unreachable-toleration-seconds=30")
                // Without an agent the server never logs its node controller's first sync.
                .waitingFor(Wait.forLogMessage(".*Wrote kubeconfig.*", 1).withStartupTimeout(NODE_START));
        List<GenericContainer<?>> started = new ArrayList<>();
        try {
            server.start();
            started.add(server);
            kubeconfig = workDir.resolve(name + ".kubeconfig");
            Files.createDirectories(workDir);
            Files.writeString(kubeconfig, server.getKubeConfigYaml());
            Config config = Config.fromKubeconfig(server.getKubeConfigYaml());
            config.setRequestRetryBackoffLimit(0);
            client = new KubernetesClientBuilder().withConfig(config).build();
            for (Map.Entry<String, String> node : topology.nodeZones().entrySet()) {
                GenericContainer<?> agent = agent(k3s, node.getKey(), node.getValue(), token, images);
                agents.put(node.getKey(), agent);
                started.add(agent);
            }
            CompletableFuture.allOf(agents.values().stream()
                            .map(c -> CompletableFuture.runAsync(c::start))
                            .toArray(CompletableFuture[]::new))
                    .join();
            await("every k3s agent of " + topology + " Ready")
                    .atMost(NODE_START)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> client.nodes().list().getItems().stream()
                                    .filter(RealCluster::ready)
                                    .count()
                            == agents.size());
            RealCluster.applyCoreDns(client);
            createVolumes(volumes);
        } catch (RuntimeException | IOException e) {
            keepLogs = true;
            copyLogs(started);
            started.forEach(GenericContainer::stop);
            network.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        this.startSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("[pods] k3s cluster %s (%s) started in %.1f s%n", name, topology, startSeconds);
    }

    private GenericContainer<?> agent(
            DockerImageName image, String node, String zone, String token, PodImages.Built images) {
        List<String> command = new ArrayList<>(List.of(
                "agent",
                "--server=https://" + SERVER + ":6443",
                "--token=" + token,
                "--node-name=" + node,
                "--node-label=" + ClusterTopology.ZONE_LABEL + "=" + zone,
                "--pause-image=" + PodImages.PAUSE));
        if (topology.hasMonitoringPool()) {
            command.add("--node-label=" + ClusterTopology.POOL_LABEL_KEY + "=" + ClusterTopology.POOL_LABEL_VALUE);
        }
        if (topology.hasPoolTaint()) {
            command.add("--node-taint=" + ClusterTopology.POOL_TAINT_KEY + "=" + ClusterTopology.POOL_TAINT_VALUE + ":"
                    + ClusterTopology.POOL_TAINT_EFFECT);
        }
        GenericContainer<?> agent = new GenericContainer<>(image);
        return agent.withNetwork(network)
                .withNetworkAliases(node)
                .withPrivilegedMode(true)
                .withCreateContainerCmdModifier(cmd -> cmd.withHostName(node))
                .withTmpFs(Map.of("/run", "rw", "/var/run", "rw"))
                // k3s imports every archive in this directory into its containerd at start.
                .withFileSystemBind(
                        images.archive().toString(),
                        "/var/lib/rancher/k3s/agent/images/workloads.tar",
                        BindMode.READ_ONLY)
                .withCommand(command.toArray(String[]::new))
                .waitingFor(
                        Wait.forLogMessage(".*k3s agent is up and running.*", 1).withStartupTimeout(NODE_START));
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
    public String exec(String node, String... command) {
        GenericContainer<?> agent = agents.get(node);
        if (agent == null) {
            throw new IllegalArgumentException("No k3s agent " + node + " (agents: " + agents.keySet() + ")");
        }
        return RealCluster.run(agent, node, command);
    }

    @Override
    public String kubectl(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "kubectl";
        System.arraycopy(args, 0, command, 1, args.length);
        return RealCluster.run(server, SERVER, command);
    }

    @Override
    public void killContainerProcess(String node, String containerId) {
        exec(node, "k3s", "ctr", "-n", "k8s.io", "task", "kill", "-s", "SIGKILL", containerId);
    }

    @Override
    public void kill(String node) {
        GenericContainer<?> agent = agents.get(node);
        if (agent == null) {
            throw new IllegalArgumentException("No k3s agent " + node + " (agents: " + agents.keySet() + ")");
        }
        RealCluster.powerOff(agent);
    }

    @Override
    public void keepLogs() {
        keepLogs = true;
    }

    @Override
    public double startSeconds() {
        return startSeconds;
    }

    @Override
    public void close() {
        List<GenericContainer<?>> all = new ArrayList<>();
        all.add(server);
        all.addAll(agents.values());
        if (keepLogs) {
            copyLogs(all);
        }
        client.close();
        all.forEach(GenericContainer::stop);
        network.close();
    }

    /** k3s logs to its container's output: that is what is kept. */
    private void copyLogs(List<GenericContainer<?>> containers) {
        for (GenericContainer<?> container : containers) {
            if (!container.isRunning()) {
                continue;
            }
            try {
                Files.createDirectories(logDir);
                String host = container.getContainerInfo().getConfig().getHostName();
                Files.writeString(logDir.resolve(host + ".log"), container.getLogs());
            } catch (IOException | RuntimeException e) {
                System.out.printf("[pods] could not keep the logs of a k3s container: %s%n", e);
            }
        }
        System.out.printf("[pods] k3s logs kept in %s%n", logDir);
    }
}
