package dev.hamonitoring.cluster;

import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The local PersistentVolumes each fake node gets: for each StorageClass name, how many volumes of
 * what size. They are {@code local} volumes with a required node affinity on the node's hostname,
 * which is what the chart's {@code provider: local} StorageClasses (no provisioner,
 * {@code WaitForFirstConsumer}) expect: the scheduler's volume binding takes part in placement and
 * the PV controller binds the claim to a volume of the node the pod went to.
 *
 * @param perNode one entry per StorageClass name
 */
public record LocalVolumes(List<Entry> perNode) {

    /**
     * Volumes of one StorageClass on every node.
     *
     * @param storageClassName the StorageClass the claims name
     * @param size each volume's capacity
     * @param count volumes per node
     */
    public record Entry(String storageClassName, Quantity size, int count) {
        public Entry {
            Objects.requireNonNull(storageClassName, "storageClassName");
            Objects.requireNonNull(size, "size");
            if (count < 1) {
                throw new IllegalArgumentException("count must be positive: " + count);
            }
        }

        @Override
        public String toString() {
            return count + " x " + size + " " + storageClassName;
        }
    }

    public LocalVolumes {
        perNode = List.copyOf(perNode);
    }

    public static LocalVolumes none() {
        return new LocalVolumes(List.of());
    }

    /** Adds {@code count} volumes of {@code size} in {@code storageClassName} to every node. */
    public LocalVolumes and(String storageClassName, String size, int count) {
        List<Entry> next = new ArrayList<>(perNode);
        next.add(new Entry(storageClassName, new Quantity(size), count));
        return new LocalVolumes(next);
    }

    /**
     * What the StatefulSets of a rendered release can claim on one node, twice over. Per
     * StorageClass: one volume per StatefulSet whose pods are kept on distinct nodes by a required
     * pod anti-affinity on the hostname (so at most one of its claims lands on a node), otherwise
     * one per replica; each as large as the largest claim of that class. Doubling leaves a spare
     * for each, for pods that come back elsewhere and for a second install next to a kept claim.
     */
    public static LocalVolumes forRelease(RenderedRelease release) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, Quantity> sizes = new LinkedHashMap<>();
        for (StatefulSet sts : release.all(StatefulSet.class)) {
            List<PersistentVolumeClaim> claims = sts.getSpec().getVolumeClaimTemplates();
            if (claims == null) {
                continue;
            }
            int replicas =
                    sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
            int perNode = spreadOverHostnames(sts.getSpec().getTemplate().getSpec()) ? 1 : replicas;
            for (PersistentVolumeClaim claim : claims) {
                String sc = claim.getSpec().getStorageClassName();
                Quantity size = claim.getSpec().getResources().getRequests().get("storage");
                if (sc == null || size == null) {
                    continue;
                }
                counts.computeIfAbsent(sc, k -> new int[1])[0] += perNode;
                sizes.merge(sc, size, (a, b) -> bytes(a).compareTo(bytes(b)) >= 0 ? a : b);
            }
        }
        List<Entry> entries = new ArrayList<>();
        counts.forEach((sc, n) -> entries.add(new Entry(sc, sizes.get(sc), 2 * n[0])));
        return new LocalVolumes(entries);
    }

    private static boolean spreadOverHostnames(PodSpec spec) {
        if (spec.getAffinity() == null || spec.getAffinity().getPodAntiAffinity() == null) {
            return false;
        }
        List<PodAffinityTerm> required =
                spec.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        return required != null
                && required.stream().anyMatch(t -> ClusterTopology.HOSTNAME_LABEL.equals(t.getTopologyKey()));
    }

    private static BigDecimal bytes(Quantity q) {
        return Quantity.getAmountInBytes(q);
    }

    /** Volumes per node, all classes. */
    public int count() {
        return perNode.stream().mapToInt(Entry::count).sum();
    }

    @Override
    public String toString() {
        return perNode.isEmpty()
                ? "none"
                : perNode.stream().map(Entry::toString).collect(Collectors.joining(", "));
    }
}
