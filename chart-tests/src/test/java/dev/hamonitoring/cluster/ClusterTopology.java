package dev.hamonitoring.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fake nodes of a test: zones × nodes per zone, optionally labelled and tainted like the prod
 * overlay's dedicated pool, each with local PersistentVolumes.
 *
 * <pre>{@code
 * cluster.topology(ClusterTopology.zones(3).nodesPerZone(2).monitoringPool().volumes(LocalVolumes.forRelease(rendered)));
 * }</pre>
 *
 * <p>Nodes are named {@code zone-a-1}, {@code zone-a-2}, {@code zone-b-1}... (the same names the
 * HA analysis uses for its presets) and carry {@code kubernetes.io/hostname},
 * {@code topology.kubernetes.io/zone}, {@code kubernetes.io/os=linux}, {@code type=kwok} and the
 * annotation {@code kwok.x-k8s.io/node: fake}. Immutable.
 */
public final class ClusterTopology {

    /** Label of the prod overlay's dedicated node pool ({@code global.nodePool.nodeSelector}). */
    public static final String POOL_LABEL_KEY = "workload-pool";

    public static final String POOL_LABEL_VALUE = "monitoring";
    /** Taint of that pool, tolerated by the prod overlay ({@code global.nodePool.tolerations}). */
    public static final String POOL_TAINT_KEY = "dedicated";

    public static final String POOL_TAINT_VALUE = "monitoring";
    public static final String POOL_TAINT_EFFECT = "NoSchedule";

    public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    private final int zones;
    private final int nodesPerZone;
    private final boolean monitoringPool;
    private final boolean poolTaint;
    private final LocalVolumes volumes;
    private final Map<String, String> allocatable;

    private ClusterTopology(
            int zones,
            int nodesPerZone,
            boolean monitoringPool,
            boolean poolTaint,
            LocalVolumes volumes,
            Map<String, String> allocatable) {
        if (zones < 1 || zones > 26 || nodesPerZone < 1) {
            throw new IllegalArgumentException(
                    "1 to 26 zones and at least one node per zone, got " + zones + " x " + nodesPerZone);
        }
        this.zones = zones;
        this.nodesPerZone = nodesPerZone;
        this.monitoringPool = monitoringPool;
        this.poolTaint = poolTaint;
        this.volumes = Objects.requireNonNull(volumes, "volumes");
        this.allocatable = Map.copyOf(allocatable);
    }

    /** {@code zones} zones of one node each, no pool, no volumes; 32 CPU / 128Gi / 110 pods per node. */
    public static ClusterTopology zones(int zones) {
        return new ClusterTopology(
                zones,
                1,
                false,
                false,
                LocalVolumes.none(),
                Map.of("cpu", "32", "memory", "128Gi", "pods", "110", "ephemeral-storage", "500Gi"));
    }

    /** The default: 3 zones × 2 nodes. */
    public static ClusterTopology standard() {
        return zones(3).nodesPerZone(2);
    }

    public ClusterTopology nodesPerZone(int count) {
        return new ClusterTopology(zones, count, monitoringPool, poolTaint, volumes, allocatable);
    }

    /** Labels ({@code workload-pool=monitoring}) and taints ({@code dedicated=monitoring:NoSchedule}) every node like the prod pool. */
    public ClusterTopology monitoringPool() {
        return new ClusterTopology(zones, nodesPerZone, true, true, volumes, allocatable);
    }

    /**
     * Only the pool label, no taint: pods of an overlay without the pool's toleration (dev) can
     * still use the nodes, and pods that select the pool (prod) can too.
     */
    public ClusterTopology monitoringPoolLabelOnly() {
        return new ClusterTopology(zones, nodesPerZone, true, false, volumes, allocatable);
    }

    /** The local PersistentVolumes every node gets. */
    public ClusterTopology volumes(LocalVolumes perNode) {
        return new ClusterTopology(zones, nodesPerZone, monitoringPool, poolTaint, perNode, allocatable);
    }

    /** Capacity and allocatable of every node, such as {@code ("cpu", "32")}. */
    public ClusterTopology allocatable(String resource, String quantity) {
        Map<String, String> next = new LinkedHashMap<>(allocatable);
        next.put(resource, quantity);
        return new ClusterTopology(zones, nodesPerZone, monitoringPool, poolTaint, volumes, next);
    }

    public int zoneCount() {
        return zones;
    }

    public int nodesPerZone() {
        return nodesPerZone;
    }

    public boolean hasMonitoringPool() {
        return monitoringPool;
    }

    /** Whether the pool's nodes carry its NoSchedule taint. */
    public boolean hasPoolTaint() {
        return poolTaint;
    }

    public LocalVolumes volumes() {
        return volumes;
    }

    public Map<String, String> allocatable() {
        return allocatable;
    }

    /** {@code zone-a}, {@code zone-b}, ... */
    public List<String> zoneNames() {
        List<String> names = new ArrayList<>();
        for (int z = 0; z < zones; z++) {
            names.add("zone-" + (char) ('a' + z));
        }
        return names;
    }

    /** Every node's name mapped to its zone, zone by zone. */
    public Map<String, String> nodeZones() {
        Map<String, String> nodes = new LinkedHashMap<>();
        for (String zone : zoneNames()) {
            for (int n = 1; n <= nodesPerZone; n++) {
                nodes.put(zone + "-" + n, zone);
            }
        }
        return nodes;
    }

    /** The labels of one node. */
    public Map<String, String> labels(String node, String zone) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(HOSTNAME_LABEL, node);
        labels.put(ZONE_LABEL, zone);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("type", "kwok");
        if (monitoringPool) {
            labels.put(POOL_LABEL_KEY, POOL_LABEL_VALUE);
        }
        return labels;
    }

    @Override
    public String toString() {
        return zones + " zone" + (zones == 1 ? "" : "s") + " x " + nodesPerZone + " node"
                + (nodesPerZone == 1 ? "" : "s")
                + (monitoringPool
                        ? poolTaint ? ", monitoring pool (label and taint)" : ", monitoring pool (label only)"
                        : "")
                + ", volumes per node: " + volumes;
    }
}
