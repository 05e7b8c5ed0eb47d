package dev.hamonitoring.pods;

import static org.awaitility.Awaitility.await;

import dev.hamonitoring.cluster.ClusterTopology;
import dev.hamonitoring.cluster.LocalVolumes;
import dev.hamonitoring.cluster.Nodes;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A Kubernetes cluster whose nodes run the chart's pods for real: what the real-pod tests need of
 * one, whichever backend made it ({@link RealCluster}: containers of this project's own build;
 * {@link K3sCluster}: rancher/k3s). Nodes are named and zoned as {@link ClusterTopology} says.
 */
interface PodCluster extends AutoCloseable {

    KubernetesClient client();

    /** An admin kubeconfig reaching the API server from this machine. */
    Path kubeconfig();

    ClusterTopology topology();

    default List<String> nodeNames() {
        return List.copyOf(topology().nodeZones().keySet());
    }

    /** Runs a command in a node's container and returns stdout (fails on a non-zero exit). */
    String exec(String node, String... command);

    /** kubectl with the cluster's admin credentials, run next to the API server (stdout). */
    String kubectl(String... args);

    /**
     * Drops every node's connection tracking entries to this port (TCP and UDP), so traffic a
     * NetworkPolicy now denies cannot go on as an established flow: policy engines accept
     * established traffic before they look at policies, and a steady UDP exchange never expires.
     * Returns how many entries were dropped.
     */
    default int forgetConnections(int port) {
        int dropped = 0;
        for (String node : nodeNames()) {
            // conntrack reports the count on stderr and exits 1 when nothing matched.
            String counts = exec(
                    node,
                    "sh",
                    "-c",
                    "command -v conntrack >/dev/null && for p in udp tcp; do conntrack -D -p $p --dport " + port
                            + " 2>&1 | sed -n 's/.* \\([0-9][0-9]*\\) flow entries.*/\\1/p'; done");
            for (String count : counts.trim().split("\\s+")) {
                dropped += count.isEmpty() ? 0 : Integer.parseInt(count);
            }
        }
        return dropped;
    }

    /** SIGKILL to one container's process through its node's containerd: no graceful stop, no preStop. */
    void killContainerProcess(String node, String containerId);

    /**
     * Powers a node off: SIGKILL to its container, so kubelet, containerd and every pod on it stop
     * at once, with no drain and no goodbye to the API server.
     */
    void kill(String node);

    /** Copy every node's component logs next to the test reports on close (a test failed). */
    void keepLogs();

    double startSeconds();

    @Override
    void close();

    /** Creates the local PersistentVolumes every node gets: a directory in the node's container and its PV. */
    default void createVolumes(LocalVolumes volumes) {
        for (String node : nodeNames()) {
            for (LocalVolumes.Entry entry : volumes.perNode()) {
                for (int i = 0; i < entry.count(); i++) {
                    PersistentVolume pv = Nodes.volume(node, entry, i);
                    exec(
                            node,
                            "mkdir",
                            "-p",
                            "-m",
                            "0777",
                            pv.getSpec().getLocal().getPath());
                    client().persistentVolumes().resource(pv).create();
                }
            }
        }
    }

    /**
     * Makes the local volumes a deleted namespace's claims released Available again, emptied: the
     * next release in this cluster binds them like new ones.
     */
    default void recycleReleasedVolumes() {
        KubernetesClient client = client();
        for (PersistentVolume pv : client.persistentVolumes().list().getItems()) {
            if (pv.getStatus() == null || !"Released".equals(pv.getStatus().getPhase())) {
                continue;
            }
            String node = pv.getMetadata().getLabels().get(ClusterTopology.HOSTNAME_LABEL);
            String path = pv.getSpec().getLocal().getPath();
            client.persistentVolumes().resource(pv).withGracePeriod(0).delete();
            await("volume " + pv.getMetadata().getName() + " deleted")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> client.persistentVolumes()
                                    .withName(pv.getMetadata().getName())
                                    .get()
                            == null);
            exec(node, "sh", "-c", "rm -rf '" + path + "' && mkdir -p -m 0777 '" + path + "'");
            String name = pv.getMetadata().getName();
            client.persistentVolumes()
                    .resource(Nodes.volume(
                            node,
                            new LocalVolumes.Entry(
                                    pv.getSpec().getStorageClassName(),
                                    pv.getSpec().getCapacity().get("storage"),
                                    1),
                            Integer.parseInt(name.substring(name.lastIndexOf('-') + 1))))
                    .create();
        }
    }
}
