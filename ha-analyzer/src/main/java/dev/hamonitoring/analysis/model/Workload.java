package dev.hamonitoring.analysis.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Something that runs pods: a StatefulSet, a Deployment, a bare Pod, or an operator resource
 * (a CloudNativePG Cluster) whose pods the operator creates from its spec.
 *
 * @param kind the rendered object's kind
 * @param name the rendered object's name
 * @param component the pods' {@code app.kubernetes.io/name} label (the object name if absent)
 * @param replicas desired pods
 * @param surge extra pods a rollout (or an operator's jobs) adds on top of replicas
 * @param podSpec the pod template's spec (synthesised for operator resources)
 * @param podLabels the pod template's labels
 * @param claims PersistentVolumeClaims of one pod
 * @param serviceName a StatefulSet's governing Service (pods get DNS names under it), or null
 * @param source the rendered object
 */
public record Workload(
        WorkloadKind kind,
        String name,
        String component,
        int replicas,
        int surge,
        PodSpec podSpec,
        Map<String, String> podLabels,
        List<Claim> claims,
        String serviceName,
        HasMetadata source) {

    /** One PVC of a pod: its StorageClass (null: the cluster default) and size. */
    public record Claim(String name, String storageClass, BigDecimal bytes, String size) {}

    /** "StatefulSet/monitoring-prometheus". */
    public String ref() {
        return kind + "/" + name;
    }

    /** Every container (init containers excluded). */
    public List<Container> containers() {
        return podSpec.getContainers() == null ? List.of() : podSpec.getContainers();
    }

    /** Roles of the containers, in container order. */
    public Set<Role> roles() {
        Set<Role> roles = new LinkedHashSet<>();
        containers().forEach(c -> roles.add(Role.of(c, podSpec)));
        return roles;
    }

    public boolean has(Role role) {
        return roles().contains(role);
    }

    /** The main role: the first container's, unless a later one is more specific (a sidecar never is). */
    public Role role() {
        for (Role r : roles()) {
            if (r != Role.THANOS_SIDECAR && r != Role.OTHER) {
                return r;
            }
        }
        return roles().stream().findFirst().orElse(Role.OTHER);
    }

    /** The first container with that role. */
    public Optional<Container> container(Role role) {
        return containers().stream().filter(c -> Role.of(c, podSpec) == role).findFirst();
    }

    /** The desired pods, named as their controller names them. */
    public List<PodInstance> pods() {
        List<PodInstance> pods = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            pods.add(pod(i));
        }
        return pods;
    }

    /** One pod standing for all (they share the template's labels and ports). */
    public PodInstance representative() {
        return pod(0);
    }

    private PodInstance pod(int index) {
        Map<String, String> labels = new LinkedHashMap<>(podLabels);
        String podName;
        switch (kind) {
            case STATEFUL_SET -> {
                podName = name + "-" + index;
                labels.put("statefulset.kubernetes.io/pod-name", podName);
                labels.put("apps.kubernetes.io/pod-index", Integer.toString(index));
            }
            case CLUSTER -> {
                podName = name + "-" + (index + 1);
                labels.put("cnpg.io/instanceName", podName);
            }
            case POD -> podName = name;
            default -> podName = name + "-" + index;
        }
        return new PodInstance(this, podName, index, Map.copyOf(labels));
    }

    /** The container port with this name (any container), if any. */
    public Optional<ContainerPort> port(String portName) {
        return containers().stream()
                .filter(c -> c.getPorts() != null)
                .flatMap(c -> c.getPorts().stream())
                .filter(p -> portName.equals(p.getName()))
                .findFirst();
    }

    /** The container port with this number and protocol (any container), if any. */
    public Optional<ContainerPort> port(int number, String protocol) {
        return containers().stream()
                .filter(c -> c.getPorts() != null)
                .flatMap(c -> c.getPorts().stream())
                .filter(p -> p.getContainerPort() != null
                        && p.getContainerPort() == number
                        && protocol.equals(p.getProtocol() == null ? "TCP" : p.getProtocol()))
                .findFirst();
    }

    /** Every container port of the pod. */
    public List<ContainerPort> ports() {
        return containers().stream()
                .filter(c -> c.getPorts() != null)
                .flatMap(c -> c.getPorts().stream())
                .toList();
    }
}
