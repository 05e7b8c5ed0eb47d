package dev.hamonitoring.binaries;

import dev.hamonitoring.render.MountedFiles;
import dev.hamonitoring.render.PodTemplates;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One pod of the loopback "cluster": a replica of a rendered StatefulSet or Deployment (its
 * containers become processes), or a pod served by the test itself (an exporter, a webhook) that
 * only exists so rendered Services and service discovery can find it.
 *
 * <p>Every pod has the IP {@value LoopbackNetwork#POD_IP}; what tells pods apart is a per-pod map
 * from container port to a free loopback port, which every address of the pod goes through
 * (listen, advertise, peers, URLs, probes). Volumes are directories under the pod's directory:
 * ConfigMap and Secret volumes are written from the rendered objects, claim templates and
 * emptyDirs are empty directories that outlive process restarts (as a PVC does), and the
 * ServiceAccount token mount exists when the pod would get one.
 */
public final class LoopbackPod {

    /** Where Kubernetes mounts the ServiceAccount token when automounting is on. */
    public static final String SERVICE_ACCOUNT_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

    private static final String SERVICE_ACCOUNT_VOLUME = "kube-api-access";

    private final LoopbackNetwork network;
    private final String name;
    private final String namespace;
    private final Map<String, String> labels;
    private final Map<String, String> annotations;
    private final PodSpec spec;
    private final HasMetadata workload;
    private final int ordinal;
    private final boolean servedByTest;
    private final Map<Integer, Integer> hostPorts = new LinkedHashMap<>();
    private boolean volumesReady;

    private LoopbackPod(
            LoopbackNetwork network,
            String name,
            String namespace,
            Map<String, String> labels,
            Map<String, String> annotations,
            PodSpec spec,
            HasMetadata workload,
            int ordinal,
            boolean servedByTest) {
        this.network = network;
        this.name = name;
        this.namespace = namespace;
        this.labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        this.annotations = Collections.unmodifiableMap(new TreeMap<>(annotations == null ? Map.of() : annotations));
        this.spec = spec;
        this.workload = workload;
        this.ordinal = ordinal;
        this.servedByTest = servedByTest;
    }

    /** Replica {@code ordinal} of a StatefulSet ({@code <name>-<ordinal>}) or Deployment ({@code <name>-<ordinal>}, no hash). */
    static LoopbackPod replica(LoopbackNetwork network, HasMetadata workload, int ordinal, String podName) {
        PodTemplateSpec template = PodTemplates.of(workload)
                .orElseThrow(() -> new LoopbackRewriteException(
                        workload.getKind() + " " + workload.getMetadata().getName() + " has no pod template"));
        Map<String, String> labels = template.getMetadata().getLabels();
        return new LoopbackPod(
                network,
                podName,
                workload.getMetadata().getNamespace(),
                labels == null ? Map.of() : labels,
                template.getMetadata().getAnnotations(),
                template.getSpec(),
                workload,
                ordinal,
                false);
    }

    /**
     * A pod the test serves itself, listening on {@code port} on loopback: its container port is
     * that same number, so Services and discovery find the test's server.
     */
    static LoopbackPod servedByTest(
            LoopbackNetwork network,
            String name,
            String namespace,
            Map<String, String> labels,
            String portName,
            int port) {
        PodSpec spec = new PodSpecBuilder()
                .withContainers(new ContainerBuilder()
                        .withName(name)
                        .addNewPort()
                        .withName(portName)
                        .withContainerPort(port)
                        .withProtocol("TCP")
                        .endPort()
                        .build())
                .build();
        LoopbackPod pod = new LoopbackPod(network, name, namespace, labels, Map.of(), spec, null, -1, true);
        pod.hostPorts.put(port, port);
        return pod;
    }

    public String name() {
        return name;
    }

    public String namespace() {
        return namespace;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public Map<String, String> annotations() {
        return annotations;
    }

    public PodSpec spec() {
        return spec;
    }

    /** The StatefulSet or Deployment this pod is a replica of; empty for pods the test serves. */
    public Optional<HasMetadata> workload() {
        return Optional.ofNullable(workload);
    }

    /** The StatefulSet ordinal or Deployment replica index; -1 for pods the test serves. */
    public int ordinal() {
        return ordinal;
    }

    public boolean servedByTest() {
        return servedByTest;
    }

    /** {@code spec.serviceName} of the StatefulSet: the subdomain under which the pod has a DNS name. */
    public Optional<String> subdomain() {
        return workload instanceof StatefulSet statefulSet
                ? Optional.ofNullable(statefulSet.getSpec().getServiceName())
                : Optional.empty();
    }

    /** Directory of this pod on this machine (volumes, working directory). */
    public Path directory() {
        return network.root().resolve("pods").resolve(name);
    }

    /** The container of this pod with that name. */
    public Container container(String containerName) {
        return spec.getContainers().stream()
                .filter(c -> c.getName().equals(containerName))
                .findFirst()
                .orElseThrow(() -> new LoopbackRewriteException("Pod " + name + " has no container " + containerName
                        + "; it has "
                        + spec.getContainers().stream().map(Container::getName).toList()));
    }

    /**
     * The loopback port standing in for {@code containerPort} of this pod: the same one every time
     * (so a restarted process listens where its clients expect it), allocated on first use.
     */
    public synchronized int hostPort(int containerPort) {
        return hostPorts.computeIfAbsent(containerPort, p -> {
            if (servedByTest) {
                throw new LoopbackRewriteException("Pod " + name + " (served by the test) does not listen on port " + p
                        + "; it listens on " + hostPorts.keySet());
            }
            return FreePorts.allocate();
        });
    }

    /** Container port to loopback port, for every port mapped so far. */
    public synchronized Map<Integer, Integer> hostPorts() {
        return Map.copyOf(hostPorts);
    }

    /** Every declared container port of every container, in order. */
    public List<ContainerPort> containerPorts() {
        List<ContainerPort> ports = new ArrayList<>();
        for (Container container : spec.getContainers()) {
            if (container.getPorts() != null) {
                ports.addAll(container.getPorts());
            }
        }
        return ports;
    }

    /**
     * Resolves a Service targetPort or probe port (a number, or a name declared by one of the
     * pod's containers) to a container port number.
     */
    public int containerPort(IntOrString port, String what) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        String portName = port.getStrVal();
        return containerPorts().stream()
                .filter(p -> portName.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new LoopbackRewriteException(what + ": pod " + name + " declares no container port"
                        + " named '" + portName + "' (it declares "
                        + containerPorts().stream().map(ContainerPort::getName).toList()
                        + "); Kubernetes would not route it either"));
    }

    // ------------------------------------------------------------------------------------ volumes

    /** The directory of one volume of this pod (ConfigMap, Secret, claim template, emptyDir, token). */
    public Path volumeDirectory(String volumeName) {
        return directory().resolve("volumes").resolve(volumeName);
    }

    /**
     * Where a path inside {@code container} lives on this machine, through the container's volume
     * mounts (the longest mount path that contains it), like the kubelet's bind mounts.
     *
     * @throws LoopbackRewriteException when no volume is mounted there: the process would not find
     *     the file in Kubernetes either
     */
    public Path hostPath(Container container, String containerPath) {
        prepareVolumes();
        if (!containerPath.startsWith("/")) {
            throw new LoopbackRewriteException(name + "/" + container.getName() + ": relative path '" + containerPath
                    + "' depends on the image's working directory; the chart should use absolute paths");
        }
        VolumeMount best = null;
        for (VolumeMount mount : mounts(container)) {
            String mountPath = trimSlash(mount.getMountPath());
            if ((containerPath.equals(mountPath) || containerPath.startsWith(mountPath + "/"))
                    && (best == null
                            || mountPath.length()
                                    > trimSlash(best.getMountPath()).length())) {
                best = mount;
            }
        }
        if (best == null) {
            throw new LoopbackRewriteException(name + "/" + container.getName() + ": no volume is mounted at '"
                    + containerPath
                    + "' (mounts: "
                    + mounts(container).stream().map(VolumeMount::getMountPath).toList()
                    + "); the file would not exist in the container either");
        }
        Path base = volumeDirectory(best.getName());
        if (best.getSubPath() != null && !best.getSubPath().isEmpty()) {
            base = base.resolve(best.getSubPath());
        }
        String rest = containerPath.substring(trimSlash(best.getMountPath()).length());
        return rest.isEmpty() || rest.equals("/") ? base : base.resolve(rest.substring(1));
    }

    /** The container's mounts, plus the ServiceAccount token mount when the pod would get one. */
    public List<VolumeMount> mounts(Container container) {
        List<VolumeMount> mounts =
                new ArrayList<>(container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts());
        if (automountsServiceAccountToken()) {
            mounts.add(new VolumeMountBuilder()
                    .withName(SERVICE_ACCOUNT_VOLUME)
                    .withMountPath(SERVICE_ACCOUNT_MOUNT)
                    .withReadOnly(true)
                    .build());
        }
        return mounts;
    }

    /**
     * Writes every volume of the pod once: ConfigMap and Secret data (honouring {@code items}),
     * empty directories for claim templates and emptyDirs, the ServiceAccount token files.
     * Data directories survive process kills and restarts.
     */
    public synchronized void prepareVolumes() {
        if (volumesReady || servedByTest) {
            return;
        }
        try {
            Files.createDirectories(directory());
            List<Volume> volumes = spec.getVolumes() == null ? List.of() : spec.getVolumes();
            for (Volume volume : volumes) {
                Path dir = volumeDirectory(volume.getName());
                Files.createDirectories(dir);
                Optional<Map<String, String>> files;
                try {
                    files = MountedFiles.of(volume, network.release().objects(), MountedFiles.Missing.FAIL);
                } catch (IllegalArgumentException e) {
                    throw new LoopbackRewriteException("Pod " + name + ": " + e.getMessage());
                }
                if (files.isPresent()) {
                    writeFiles(dir, files.get());
                } else if (volume.getEmptyDir() == null && volume.getPersistentVolumeClaim() == null) {
                    throw new LoopbackRewriteException(
                            "Pod " + name + ": volume " + volume.getName() + " is neither ConfigMap, Secret,"
                                    + " projected, emptyDir nor PVC; the loopback rewrite does not know how to provide it");
                }
            }
            if (workload instanceof StatefulSet statefulSet
                    && statefulSet.getSpec().getVolumeClaimTemplates() != null) {
                for (PersistentVolumeClaim claim : statefulSet.getSpec().getVolumeClaimTemplates()) {
                    Files.createDirectories(volumeDirectory(claim.getMetadata().getName()));
                }
            }
            if (automountsServiceAccountToken()) {
                Path dir = volumeDirectory(SERVICE_ACCOUNT_VOLUME);
                Files.createDirectories(dir);
                // Placeholders: nothing here talks to a Kubernetes API; tools that check the files exist find them.
                Files.writeString(dir.resolve("token"), "loopback-test-token-not-a-real-credential\n");
                Files.writeString(
                        dir.resolve("ca.crt"), "placeholder CA of the loopback binary tests (not a certificate)\n");
                Files.writeString(dir.resolve("namespace"), namespace);
            }
            for (Container container : spec.getContainers()) {
                for (VolumeMount mount :
                        container.getVolumeMounts() == null ? List.<VolumeMount>of() : container.getVolumeMounts()) {
                    if (!Files.isDirectory(volumeDirectory(mount.getName()))) {
                        throw new LoopbackRewriteException(
                                "Pod " + name + "/" + container.getName() + " mounts volume '" + mount.getName()
                                        + "', which neither the pod nor a volumeClaimTemplate defines; Kubernetes would reject the pod");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the volumes of pod " + name, e);
        }
        volumesReady = true;
    }

    /** Whether Kubernetes would mount a ServiceAccount token (pod setting, else the ServiceAccount's, else yes). */
    public boolean automountsServiceAccountToken() {
        if (servedByTest) {
            return false;
        }
        if (spec.getAutomountServiceAccountToken() != null) {
            return spec.getAutomountServiceAccountToken();
        }
        if (spec.getServiceAccountName() != null) {
            Optional<ServiceAccount> account =
                    network.release().find(ServiceAccount.class, spec.getServiceAccountName());
            if (account.isPresent() && account.get().getAutomountServiceAccountToken() != null) {
                return account.get().getAutomountServiceAccountToken();
            }
        }
        return true;
    }

    private static void writeFiles(Path dir, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> entry : files.entrySet()) {
            Path file = dir.resolve(entry.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, entry.getValue(), StandardCharsets.UTF_8);
        }
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    @Override
    public String toString() {
        return "pod " + namespace + "/" + name + (servedByTest ? " (served by the test)" : "") + " ports "
                + hostPorts();
    }
}
