package dev.hamonitoring.analysis.model;

import dev.hamonitoring.render.MountedFiles;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The rendered release as the analysis reads it: its workloads (including the pods an operator
 * creates from a custom resource), Services (rendered and operator-created), configuration files
 * as the pods see them, and the DNS names that lead from one to another.
 */
public final class StackModel {

    private final String release;
    private final String namespace;
    private final List<HasMetadata> objects;
    private final List<Workload> workloads = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();
    private final List<CloudNativePg> postgresClusters = new ArrayList<>();

    public StackModel(List<HasMetadata> objects, String release, String namespace) {
        this.objects = List.copyOf(objects);
        this.release = release;
        this.namespace = namespace;
        for (HasMetadata o : objects) {
            if (o instanceof StatefulSet sts) {
                workloads.add(statefulSet(sts));
            } else if (o instanceof Deployment deployment) {
                workloads.add(deployment(deployment));
            } else if (o instanceof Pod pod && !isHook(pod)) {
                workloads.add(new Workload(
                        WorkloadKind.POD,
                        pod.getMetadata().getName(),
                        component(
                                pod.getMetadata().getLabels(), pod.getMetadata().getName()),
                        1,
                        0,
                        pod.getSpec(),
                        labels(pod.getMetadata().getLabels()),
                        List.of(),
                        null,
                        pod));
            } else if (CloudNativePg.isCluster(o)) {
                CloudNativePg cluster = new CloudNativePg((GenericKubernetesResource) o, namespace);
                postgresClusters.add(cluster);
                workloads.add(cluster.workload());
            } else if (o instanceof Service service) {
                services.add(service);
            }
        }
        postgresClusters.forEach(c -> services.addAll(c.services()));
    }

    private static boolean isHook(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey("helm.sh/hook");
    }

    private static Workload statefulSet(StatefulSet sts) {
        var spec = sts.getSpec();
        List<Workload.Claim> claims = new ArrayList<>();
        if (spec.getVolumeClaimTemplates() != null) {
            for (PersistentVolumeClaim pvc : spec.getVolumeClaimTemplates()) {
                var storage = pvc.getSpec().getResources() == null
                                || pvc.getSpec().getResources().getRequests() == null
                        ? null
                        : pvc.getSpec().getResources().getRequests().get("storage");
                claims.add(new Workload.Claim(
                        pvc.getMetadata().getName(),
                        pvc.getSpec().getStorageClassName(),
                        Quantities.amount(storage),
                        storage == null ? null : storage.toString()));
            }
        }
        Map<String, String> labels = labels(spec.getTemplate().getMetadata().getLabels());
        // One pod at a time is replaced; its successor is admitted while the quota may still
        // count the deleted pod (usage is only recalculated by the quota controller).
        int replicas = spec.getReplicas() == null ? 1 : spec.getReplicas();
        return new Workload(
                WorkloadKind.STATEFUL_SET,
                sts.getMetadata().getName(),
                component(labels, sts.getMetadata().getName()),
                replicas,
                replicas > 0 ? 1 : 0,
                spec.getTemplate().getSpec(),
                labels,
                List.copyOf(claims),
                spec.getServiceName(),
                sts);
    }

    private static Workload deployment(Deployment deployment) {
        var spec = deployment.getSpec();
        int replicas = spec.getReplicas() == null ? 1 : spec.getReplicas();
        Map<String, String> labels = labels(spec.getTemplate().getMetadata().getLabels());
        return new Workload(
                WorkloadKind.DEPLOYMENT,
                deployment.getMetadata().getName(),
                component(labels, deployment.getMetadata().getName()),
                replicas,
                surge(spec.getStrategy(), replicas),
                spec.getTemplate().getSpec(),
                labels,
                List.of(),
                null,
                deployment);
    }

    /** Extra pods of a rolling update: maxSurge (default 25%, rounded up); none for Recreate. */
    public static int surge(DeploymentStrategy strategy, int replicas) {
        if (strategy != null && "Recreate".equals(strategy.getType())) {
            return 0;
        }
        IntOrString maxSurge = strategy == null || strategy.getRollingUpdate() == null
                ? null
                : strategy.getRollingUpdate().getMaxSurge();
        if (maxSurge == null) {
            return (int) Math.ceil(replicas * 0.25);
        }
        if (maxSurge.getIntVal() != null) {
            return maxSurge.getIntVal();
        }
        String percent = maxSurge.getStrVal().replace("%", "").trim();
        return (int) Math.ceil(replicas * Integer.parseInt(percent) / 100.0);
    }

    private static Map<String, String> labels(Map<String, String> labels) {
        return labels == null ? Map.of() : Map.copyOf(labels);
    }

    private static String component(Map<String, String> labels, String fallback) {
        return labels != null && labels.get("app.kubernetes.io/name") != null
                ? labels.get("app.kubernetes.io/name")
                : fallback;
    }

    public String release() {
        return release;
    }

    public String namespace() {
        return namespace;
    }

    public List<HasMetadata> objects() {
        return objects;
    }

    public <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    public List<Workload> workloads() {
        return workloads;
    }

    public List<Workload> workloads(Role role) {
        return workloads.stream().filter(w -> w.has(role)).collect(Collectors.toList());
    }

    public List<CloudNativePg> postgresClusters() {
        return postgresClusters;
    }

    /** Rendered Services plus those an operator creates. */
    public List<Service> services() {
        return services;
    }

    public Optional<Service> service(String name) {
        return services.stream()
                .filter(s -> name.equals(s.getMetadata().getName()))
                .findFirst();
    }

    public static boolean isHeadless(Service service) {
        return "None".equals(service.getSpec().getClusterIP());
    }

    public List<PodDisruptionBudget> pdbs() {
        return all(PodDisruptionBudget.class);
    }

    public List<NetworkPolicy> networkPolicies() {
        return all(NetworkPolicy.class);
    }

    public List<ResourceQuota> quotas() {
        return all(ResourceQuota.class);
    }

    public List<LimitRange> limitRanges() {
        return all(LimitRange.class);
    }

    /** Every desired pod of every workload. */
    public List<PodInstance> pods() {
        return workloads.stream().flatMap(w -> w.pods().stream()).collect(Collectors.toList());
    }

    /** Workloads whose pods a Service selects. */
    public List<Workload> selectedBy(Service service) {
        Map<String, String> selector = service.getSpec().getSelector();
        return workloads.stream()
                .filter(w -> Labels.matches(selector, w.podLabels()))
                .collect(Collectors.toList());
    }

    // ------------------------------------------------------------------------------------- DNS

    /** What a host name leads to inside the release's namespace: a Service, and a pod when it names one. */
    public record HostTarget(Service service, PodInstance pod) {}

    /**
     * Resolves {@code svc}, {@code svc.ns}, {@code svc.ns.svc[.domain]} and
     * {@code pod.svc.ns.svc[.domain]} (a StatefulSet pod under its governing headless Service).
     * Empty for other namespaces, unknown Services and non-Kubernetes names.
     */
    public Optional<HostTarget> resolve(String host) {
        if (host == null || host.isBlank()) {
            return Optional.empty();
        }
        String[] parts = host.replaceAll("\\.$", "").split("\\.");
        String svc;
        String ns;
        String pod = null;
        int svcIndex = -1;
        for (int i = 0; i < parts.length; i++) {
            if ("svc".equals(parts[i]) && i >= 2) {
                svcIndex = i;
                break;
            }
        }
        if (svcIndex >= 0) {
            ns = parts[svcIndex - 1];
            svc = parts[svcIndex - 2];
            if (svcIndex == 3) {
                pod = parts[0];
            } else if (svcIndex > 3) {
                return Optional.empty();
            }
        } else if (parts.length == 2) {
            svc = parts[0];
            ns = parts[1];
        } else if (parts.length == 1) {
            svc = parts[0];
            ns = namespace;
        } else {
            return Optional.empty();
        }
        if (!namespace.equals(ns)) {
            return Optional.empty();
        }
        Optional<Service> service = service(svc);
        if (service.isEmpty()) {
            return Optional.empty();
        }
        if (pod == null) {
            return Optional.of(new HostTarget(service.get(), null));
        }
        String podName = pod;
        Optional<PodInstance> instance = workloads.stream()
                .filter(w -> svc.equals(w.serviceName())
                        && Labels.matches(service.get().getSpec().getSelector(), w.podLabels()))
                .flatMap(w -> w.pods().stream())
                .filter(p -> p.name().equals(podName))
                .findFirst();
        return instance.map(p -> new HostTarget(service.get(), p));
    }

    /** A port a client reaches on a pod of a workload. */
    public record Endpoint(Workload workload, int port, String protocol, String portName) {}

    /** The pod ports behind one Service port (resolving a named targetPort on each selected workload). */
    public List<Endpoint> endpoints(Service service, ServicePort servicePort) {
        List<Endpoint> endpoints = new ArrayList<>();
        String protocol = servicePort.getProtocol() == null ? "TCP" : servicePort.getProtocol();
        for (Workload w : selectedBy(service)) {
            IntOrString target = servicePort.getTargetPort();
            if (target == null || (target.getIntVal() == null && target.getStrVal() == null)) {
                endpoints.add(endpoint(w, servicePort.getPort(), protocol));
            } else if (target.getIntVal() != null) {
                endpoints.add(endpoint(w, target.getIntVal(), protocol));
            } else {
                w.ports().stream()
                        .filter(p -> target.getStrVal().equals(p.getName())
                                && protocol.equals(p.getProtocol() == null ? "TCP" : p.getProtocol()))
                        .findFirst()
                        .ifPresent(p -> endpoints.add(new Endpoint(w, p.getContainerPort(), protocol, p.getName())));
            }
        }
        return endpoints;
    }

    private static Endpoint endpoint(Workload w, int port, String protocol) {
        String name = w.port(port, protocol).map(ContainerPort::getName).orElse(null);
        return new Endpoint(w, port, protocol, name);
    }

    /** The Service port with this number and protocol. */
    public static Optional<ServicePort> servicePort(Service service, int port, String protocol) {
        return service.getSpec().getPorts() == null
                ? Optional.empty()
                : service.getSpec().getPorts().stream()
                        .filter(p -> p.getPort() != null
                                && p.getPort() == port
                                && protocol.equals(p.getProtocol() == null ? "TCP" : p.getProtocol()))
                        .findFirst();
    }

    /** The Service port with this name. */
    public static Optional<ServicePort> servicePort(Service service, String name) {
        return service.getSpec().getPorts() == null
                ? Optional.empty()
                : service.getSpec().getPorts().stream()
                        .filter(p -> name.equals(p.getName()))
                        .findFirst();
    }

    /**
     * Where a client connecting to host:port lands: the pod ports behind that Service port, or
     * the pod itself for a pod DNS name (a headless Service forwards nothing: the port is the
     * pod's). Empty when the name or port leads nowhere.
     */
    public List<Endpoint> connect(String host, int port, String protocol) {
        Optional<HostTarget> target = resolve(host);
        if (target.isEmpty()) {
            return List.of();
        }
        HostTarget t = target.get();
        if (t.pod() != null) {
            Workload w = t.pod().workload();
            return w.port(port, protocol).isPresent() ? List.of(endpoint(w, port, protocol)) : List.of();
        }
        if (isHeadless(t.service())) {
            // A headless Service's A records are the pod IPs: the client's port is the pod's port.
            List<Endpoint> direct = new ArrayList<>();
            for (Workload w : selectedBy(t.service())) {
                if (w.port(port, protocol).isPresent()) {
                    direct.add(endpoint(w, port, protocol));
                }
            }
            if (!direct.isEmpty()) {
                return direct;
            }
        }
        return servicePort(t.service(), port, protocol)
                .map(sp -> endpoints(t.service(), sp))
                .orElse(List.of());
    }

    // ---------------------------------------------------------------------- configuration files

    public Optional<ConfigMap> configMap(String name) {
        return all(ConfigMap.class).stream()
                .filter(c -> name.equals(c.getMetadata().getName()))
                .findFirst();
    }

    public Optional<Secret> secret(String name) {
        return all(Secret.class).stream()
                .filter(s -> name.equals(s.getMetadata().getName()))
                .findFirst();
    }

    /** The content of a file as the container sees it through a ConfigMap or Secret volume, if rendered. */
    public Optional<String> file(Workload workload, Container container, String path) {
        return Optional.ofNullable(files(workload, container).get(path));
    }

    /** Every file the container sees through ConfigMap and Secret volumes rendered in this release: path → content. */
    public Map<String, String> files(Workload workload, Container container) {
        Map<String, String> files = new LinkedHashMap<>();
        if (container.getVolumeMounts() == null || workload.podSpec().getVolumes() == null) {
            return files;
        }
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = workload.podSpec().getVolumes().stream()
                    .filter(v -> Objects.equals(v.getName(), mount.getName()))
                    .findFirst()
                    .orElse(null);
            if (volume == null) {
                continue;
            }
            Map<String, String> content =
                    MountedFiles.of(volume, objects, MountedFiles.Missing.SKIP).orElse(Map.of());
            String base = mount.getMountPath().replaceAll("/$", "");
            if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
                String value = content.get(mount.getSubPath());
                if (value != null) {
                    files.put(base, value);
                }
            } else {
                content.forEach((relative, value) -> files.put(base + "/" + relative, value));
            }
        }
        return files;
    }

    /** The literal value of an env var of the container (null when absent or not a literal). */
    public static String env(Container container, String name) {
        if (container.getEnv() == null) {
            return null;
        }
        return container.getEnv().stream()
                .filter(e -> name.equals(e.getName()))
                .map(e -> e.getValue())
                .filter(Objects::nonNull)
                .reduce((a, b) -> b)
                .orElse(null);
    }
}
