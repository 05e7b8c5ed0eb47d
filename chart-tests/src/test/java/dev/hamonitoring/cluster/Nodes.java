package dev.hamonitoring.cluster;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The fake nodes of a {@link ControlPlane}: creating a {@link ClusterTopology}, cordoning, deleting.
 *
 * <p>A fake node is a plain Node object with the annotation {@code kwok.x-k8s.io/node: fake}; the
 * KWOK controller (started with {@code --manage-all-nodes}) makes it Ready, renews its lease and
 * makes every pod bound to it Running and Ready. No container ever runs.
 */
public final class Nodes {

    /** Label on every PersistentVolume the harness creates. */
    public static final String VOLUME_LABEL = "ha-monitoring.dev/local-volume";

    private final KubernetesClient client;

    Nodes(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Removes every node (force-deleting the pods bound to them) and every harness volume, then
     * creates the topology's nodes, waits until each is Ready and schedulable (no not-ready
     * taint), and creates their local volumes, waiting until each is Available.
     */
    public List<Node> replaceWith(ClusterTopology topology) {
        long t0 = System.nanoTime();
        removeAll();
        List<Node> created = new ArrayList<>();
        topology.nodeZones()
                .forEach((name, zone) -> created.add(
                        client.nodes().resource(node(topology, name, zone)).create()));
        List<String> names =
                created.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toList());
        await("nodes Ready: " + names)
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> names.stream().allMatch(this::readyAndUntainted));
        List<String> volumes = new ArrayList<>();
        topology.nodeZones().keySet().forEach(node -> {
            for (LocalVolumes.Entry entry : topology.volumes().perNode()) {
                for (int i = 1; i <= entry.count(); i++) {
                    PersistentVolume pv = volume(node, entry, i);
                    client.persistentVolumes().resource(pv).create();
                    volumes.add(pv.getMetadata().getName());
                }
            }
        });
        await(volumes.size() + " local volumes Available")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> client.persistentVolumes().withLabel(VOLUME_LABEL).list().getItems().stream()
                                .filter(pv -> pv.getStatus() != null
                                        && "Available".equals(pv.getStatus().getPhase()))
                                .count()
                        == volumes.size());
        System.out.printf(
                "[cluster] topology %s: %d nodes Ready, %d local volumes Available in %.1f s%n",
                topology, names.size(), volumes.size(), (System.nanoTime() - t0) / 1e9);
        return created;
    }

    /** Force-deletes the pods bound to any node, deletes every node and every harness volume. */
    public void removeAll() {
        List<String> names = names();
        for (String node : names) {
            forceDeletePodsOn(node);
        }
        client.nodes().delete();
        for (PersistentVolume pv :
                client.persistentVolumes().withLabel(VOLUME_LABEL).list().getItems()) {
            client.persistentVolumes()
                    .withName(pv.getMetadata().getName())
                    .withGracePeriod(0)
                    .delete();
            // Bound volumes keep the kubernetes.io/pv-protection finalizer while their claim exists.
            try {
                client.persistentVolumes().withName(pv.getMetadata().getName()).edit(v -> {
                    v.getMetadata().setFinalizers(List.of());
                    return v;
                });
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
        await("old nodes and volumes gone")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> client.nodes().list().getItems().isEmpty()
                        && client.persistentVolumes()
                                .withLabel(VOLUME_LABEL)
                                .list()
                                .getItems()
                                .isEmpty());
    }

    /** Pods bound to the node, in every namespace. */
    public List<Pod> podsOn(String node) {
        return client.pods()
                .inAnyNamespace()
                .withField("spec.nodeName", node)
                .list()
                .getItems();
    }

    /** Deletes the pods bound to the node with grace period 0 (what {@code kubectl delete --force} does). */
    public int forceDeletePodsOn(String node) {
        List<Pod> pods = podsOn(node);
        for (Pod pod : pods) {
            client.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .withGracePeriod(0)
                    .delete();
        }
        return pods.size();
    }

    /** Names of every node, sorted. */
    public List<String> names() {
        return client.nodes().list().getItems().stream()
                .map(n -> n.getMetadata().getName())
                .sorted()
                .collect(Collectors.toList());
    }

    /** Node name → zone label, for every node. */
    public Map<String, String> zones() {
        Map<String, String> zones = new LinkedHashMap<>();
        client.nodes().list().getItems().stream()
                .sorted((a, b) ->
                        a.getMetadata().getName().compareTo(b.getMetadata().getName()))
                .forEach(n -> zones.put(
                        n.getMetadata().getName(), n.getMetadata().getLabels().get(ClusterTopology.ZONE_LABEL)));
        return zones;
    }

    /** {@code kubectl cordon}. */
    public void cordon(String node) {
        setUnschedulable(node, true);
    }

    /** {@code kubectl uncordon}. */
    public void uncordon(String node) {
        setUnschedulable(node, false);
    }

    private void setUnschedulable(String node, boolean unschedulable) {
        client.nodes().withName(node).edit(n -> {
            n.getSpec().setUnschedulable(unschedulable ? Boolean.TRUE : null);
            return n;
        });
    }

    /** Deletes Node objects (only the objects: their pods are left to the control plane). */
    public void delete(Collection<String> nodes) {
        for (String node : nodes) {
            client.nodes().withName(node).delete();
        }
    }

    /** Condition Ready=True, and no taint the node lifecycle controller adds while a node is not ready. */
    boolean readyAndUntainted(String name) {
        Node node = client.nodes().withName(name).get();
        if (node == null || node.getStatus() == null || node.getStatus().getConditions() == null) {
            return false;
        }
        boolean ready = node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        List<Taint> taints =
                node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
        return ready && taints.stream().noneMatch(t -> t.getKey().startsWith("node.kubernetes.io/"));
    }

    static Node node(ClusterTopology topology, String name, String zone) {
        Map<String, Quantity> resources = new LinkedHashMap<>();
        topology.allocatable().forEach((k, v) -> resources.put(k, new Quantity(v)));
        NodeBuilder builder = new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToAnnotations("kwok.x-k8s.io/node", "fake")
                .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
                .withLabels(topology.labels(name, zone))
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .withNewStatus()
                .withCapacity(resources)
                .withAllocatable(resources)
                .endStatus();
        if (topology.hasPoolTaint()) {
            builder.editSpec()
                    .withTaints(new TaintBuilder()
                            .withKey(ClusterTopology.POOL_TAINT_KEY)
                            .withValue(ClusterTopology.POOL_TAINT_VALUE)
                            .withEffect(ClusterTopology.POOL_TAINT_EFFECT)
                            .build())
                    .endSpec();
        }
        return builder.build();
    }

    public static PersistentVolume volume(String node, LocalVolumes.Entry entry, int index) {
        String name = node + "-" + entry.storageClassName() + "-" + index;
        return new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels(VOLUME_LABEL, "true")
                .addToLabels(ClusterTopology.HOSTNAME_LABEL, node)
                .endMetadata()
                .withNewSpec()
                .addToCapacity("storage", entry.size())
                .withAccessModes("ReadWriteOnce")
                .withVolumeMode("Filesystem")
                // Retain: nothing could delete a local volume's data; the harness removes the objects itself.
                .withPersistentVolumeReclaimPolicy("Retain")
                .withStorageClassName(entry.storageClassName())
                .withNewLocal()
                .withPath("/mnt/local-volumes/" + name)
                .endLocal()
                .withNewNodeAffinity()
                .withNewRequired()
                .addNewNodeSelectorTerm()
                .addNewMatchExpression()
                .withKey(ClusterTopology.HOSTNAME_LABEL)
                .withOperator("In")
                .withValues(node)
                .endMatchExpression()
                .endNodeSelectorTerm()
                .endRequired()
                .endNodeAffinity()
                .endSpec()
                .build();
    }
}
