package dev.hamonitoring.binaries;

import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The "cluster network" of a loopback stack: the pods that exist (declared replicas of rendered
 * workloads and pods the test serves), the rendered Services, and a DNS that answers the names
 * the chart uses the way cluster DNS would, with loopback addresses:
 *
 * <ul>
 *   <li>{@code <svc>.<ns>.svc[.<domain>]} of a headless Service: every declared pod it selects;
 *       of a ClusterIP Service: the first declared pod it selects (there is no virtual IP, so no
 *       load balancing), with the Service port mapped through its {@code targetPort};</li>
 *   <li>{@code <pod>.<svc>.<ns>.svc[.<domain>]}: that pod, only if it is a StatefulSet pod whose
 *       {@code serviceName} is that headless Service and the Service selects it (else Kubernetes
 *       would not create the record either);</li>
 *   <li>{@code _<port>._tcp.<svc>...} (SRV): the named Service port of every selected pod;</li>
 *   <li>{@code 127.0.0.1}, {@code localhost}, {@code 0.0.0.0} and the pod IP: the asking pod itself.</li>
 * </ul>
 *
 * Every pod has IP {@value #POD_IP}; each container port of each pod is a distinct loopback port
 * ({@link LoopbackPod#hostPort(int)}). Names no rendered Service answers for fail loudly. All
 * declared pods are answered for, ready or not (like {@code publishNotReadyAddresses}).
 */
public final class LoopbackNetwork {

    /** The IP of every pod: {@code status.podIP} and {@code $(POD_IP)} become this. */
    public static final String POD_IP = "127.0.0.1";

    private static final Set<String> SELF = Set.of("", "127.0.0.1", "localhost", "0.0.0.0", "::", "::1");

    private final RenderedRelease release;
    private final Path root;
    private final String clusterDomain;
    private final Map<String, LoopbackPod> pods = new LinkedHashMap<>();
    private final List<Service> testServices = new ArrayList<>();

    /**
     * @param release       the rendered objects (Services, ConfigMaps, Secrets, workloads)
     * @param root          directory holding every pod's directory and the shared directory
     * @param clusterDomain the chart's {@code global.clusterDomain} ({@code cluster.local})
     */
    public LoopbackNetwork(RenderedRelease release, Path root, String clusterDomain) {
        this.release = Objects.requireNonNull(release, "release");
        this.root = root.toAbsolutePath().normalize();
        this.clusterDomain = clusterDomain;
    }

    public RenderedRelease release() {
        return release;
    }

    /** Directory of this stack on this machine. */
    public Path root() {
        return root;
    }

    /**
     * A directory shared by every pod, standing in for storage outside the cluster (the
     * FILESYSTEM object store bucket lives under it).
     */
    public Path sharedDirectory() {
        return root.resolve("shared");
    }

    /** The rendered object of that class and name, or a failure naming what needed it. */
    public <T extends HasMetadata> T rendered(Class<T> type, String name, String neededBy) {
        return release.find(type, name)
                .orElseThrow(
                        () -> new LoopbackRewriteException(
                                neededBy + " needs " + type.getSimpleName() + " " + name
                                        + ", which the chart did not render (an existingSecret? then this test needs values that render it)"));
    }

    // -------------------------------------------------------------------------------- pods

    /**
     * Declares replicas {@code 0..replicas-1} of a rendered StatefulSet or Deployment (pods
     * {@code <name>-<i>}); already declared ones are returned as they are.
     */
    public synchronized List<LoopbackPod> declareReplicas(String workloadName, int replicas) {
        HasMetadata workload = workload(workloadName);
        List<LoopbackPod> declared = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            String podName = workloadName + "-" + i;
            int ordinal = i;
            declared.add(pods.computeIfAbsent(podName, n -> LoopbackPod.replica(this, workload, ordinal, n)));
        }
        return declared;
    }

    /**
     * Declares one more pod of a rendered workload under another name (for a variant started
     * with deliberately mutated arguments); it carries the workload's labels, so Services select
     * it too, after the regular replicas.
     */
    public synchronized LoopbackPod declareExtraPod(String workloadName, String podName) {
        if (pods.containsKey(podName)) {
            throw new IllegalArgumentException("Pod " + podName + " is already declared");
        }
        LoopbackPod pod = LoopbackPod.replica(this, workload(workloadName), -1, podName);
        pods.put(podName, pod);
        return pod;
    }

    /**
     * Declares a pod the test serves on loopback {@code port} (an exporter, a webhook), with
     * labels, in the release namespace, with one container port named {@code portName}.
     */
    public synchronized LoopbackPod declareTestPod(String name, Map<String, String> labels, String portName, int port) {
        if (pods.containsKey(name)) {
            throw new IllegalArgumentException("Pod " + name + " is already declared");
        }
        LoopbackPod pod = LoopbackPod.servedByTest(this, name, namespace(), labels, portName, port);
        pods.put(name, pod);
        return pod;
    }

    /**
     * Adds a ClusterIP Service in the release namespace selecting {@code selector}, for a server
     * of the test that the chart's configuration names (a webhook receiver), port {@code port}
     * forwarding to the pod's port named {@code targetPortName}.
     */
    public synchronized void addTestService(
            String name, Map<String, String> selector, int port, String targetPortName) {
        testServices.add(new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace())
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(selector)
                .addNewPort()
                .withName(targetPortName)
                .withPort(port)
                .withNewTargetPort(targetPortName)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build());
    }

    public synchronized LoopbackPod pod(String name) {
        LoopbackPod pod = pods.get(name);
        if (pod == null) {
            throw new IllegalArgumentException("No pod " + name + " declared; declared: " + pods.keySet());
        }
        return pod;
    }

    /** Every declared pod, in declaration order. */
    public synchronized List<LoopbackPod> pods() {
        return List.copyOf(pods.values());
    }

    /** The namespace of the release (that of its first namespaced workload). */
    public String namespace() {
        return release.objects().stream()
                .map(o -> o.getMetadata().getNamespace())
                .filter(Objects::nonNull)
                .findFirst()
                .orElse("default");
    }

    private HasMetadata workload(String name) {
        List<HasMetadata> matches = new ArrayList<>();
        release.find(StatefulSet.class, name).ifPresent(matches::add);
        release.find(Deployment.class, name).ifPresent(matches::add);
        if (matches.size() != 1) {
            throw new IllegalArgumentException(
                    "No single StatefulSet or Deployment named " + name + " was rendered; rendered: "
                            + release.all(StatefulSet.class).stream()
                                    .map(s -> s.getMetadata().getName())
                                    .toList() + " "
                            + release.all(Deployment.class).stream()
                                    .map(s -> s.getMetadata().getName())
                                    .toList());
        }
        return matches.get(0);
    }

    // ------------------------------------------------------------------------------ resolution

    /**
     * Where a client inside {@code from} reaches {@code host:port}: the pod itself for loopback
     * hosts, else through DNS (one address: a pod name, or a Service, whose port is a Service port).
     */
    public HostPort resolve(String host, int port, LoopbackPod from, String what) {
        if (SELF.contains(host.toLowerCase(Locale.ROOT))) {
            if (from == null) {
                throw new LoopbackRewriteException(what + ": '" + host + "' means the asking pod, and there is none");
            }
            return HostPort.loopback(from.hostPort(port));
        }
        DnsName name = parse(host, what);
        if (name.pod() != null) {
            return HostPort.loopback(podByDns(name, what).hostPort(port));
        }
        Service service = service(name, what);
        if (isHeadless(service)) {
            List<LoopbackPod> selected = selected(service);
            if (selected.isEmpty()) {
                throw new LoopbackRewriteException(
                        what + ": headless Service " + name.service() + " selects no declared pod");
            }
            return HostPort.loopback(selected.get(0).hostPort(port));
        }
        ServicePort servicePort = service.getSpec().getPorts().stream()
                .filter(p -> p.getPort() == port)
                .findFirst()
                .orElseThrow(() -> new LoopbackRewriteException(
                        what + ": Service " + name.service() + " has no port " + port + " (ports: "
                                + service.getSpec().getPorts().stream()
                                        .map(ServicePort::getPort)
                                        .toList() + ")"));
        LoopbackPod pod = selected(service).stream()
                .findFirst()
                .orElseThrow(() -> new LoopbackRewriteException(
                        what + ": Service " + name.service() + " selects no declared pod (selector "
                                + service.getSpec().getSelector() + ")"));
        return HostPort.loopback(pod.hostPort(pod.containerPort(targetPort(servicePort), what)));
    }

    /** The A records of {@code host} with a client-chosen {@code port} (Prometheus dns_sd type A). */
    public List<HostPort> lookupA(String host, int port, String what) {
        DnsName name = parse(host, what);
        if (name.pod() != null) {
            return List.of(HostPort.loopback(podByDns(name, what).hostPort(port)));
        }
        Service service = service(name, what);
        if (!isHeadless(service)) {
            return List.of(resolve(host, port, null, what));
        }
        return selected(service).stream()
                .map(p -> HostPort.loopback(p.hostPort(port)))
                .toList();
    }

    /** The SRV records {@code _<port-name>._<proto>.<service name>}: the named port of every selected pod. */
    public List<HostPort> lookupSrv(String srvName, String what) {
        String[] parts = srvName.split("\\.", 3);
        if (parts.length < 3 || !parts[0].startsWith("_") || !parts[1].startsWith("_")) {
            throw new LoopbackRewriteException(
                    what + ": '" + srvName + "' is not an SRV name _<port>._<proto>.<service>");
        }
        String portName = parts[0].substring(1);
        String protocol = parts[1].substring(1).toUpperCase(Locale.ROOT);
        DnsName name = parse(parts[2], what);
        if (name.pod() != null) {
            throw new LoopbackRewriteException(what + ": SRV records exist for Services, not pods: " + srvName);
        }
        Service service = service(name, what);
        ServicePort servicePort = service.getSpec().getPorts().stream()
                .filter(p -> portName.equals(p.getName())
                        && protocol.equals(p.getProtocol() == null ? "TCP" : p.getProtocol()))
                .findFirst()
                .orElseThrow(() -> new LoopbackRewriteException(what + ": Service " + name.service()
                        + " has no " + protocol + " port named '" + portName + "', so " + srvName
                        + " has no SRV record (ports: "
                        + service.getSpec().getPorts().stream()
                                .map(ServicePort::getName)
                                .toList() + ")"));
        List<LoopbackPod> selected = selected(service);
        if (!isHeadless(service)) {
            selected = selected.isEmpty() ? selected : selected.subList(0, 1);
        }
        return selected.stream()
                .map(p -> HostPort.loopback(p.hostPort(p.containerPort(targetPort(servicePort), what))))
                .toList();
    }

    /** Every Service of the release and of the test. */
    public synchronized List<Service> services() {
        List<Service> all = new ArrayList<>(release.all(Service.class));
        all.addAll(testServices);
        return all;
    }

    /** The declared pods a Service selects, in declaration order. */
    public List<LoopbackPod> selected(Service service) {
        Map<String, String> selector = service.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            return List.of();
        }
        return pods().stream()
                .filter(p -> p.namespace().equals(service.getMetadata().getNamespace()))
                .filter(p -> p.labels().entrySet().containsAll(selector.entrySet()))
                .toList();
    }

    private static IntOrString targetPort(ServicePort port) {
        return port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
    }

    private static boolean isHeadless(Service service) {
        return "None".equals(service.getSpec().getClusterIP());
    }

    private LoopbackPod podByDns(DnsName name, String what) {
        Service service = service(name, what);
        LoopbackPod pod = pods().stream()
                .filter(p -> p.name().equals(name.pod()) && p.namespace().equals(name.namespace()))
                .findFirst()
                .orElseThrow(() -> new LoopbackRewriteException(
                        what + ": no declared pod " + name.pod() + " in " + name.namespace() + " (declared: "
                                + pods().stream().map(LoopbackPod::name).toList() + ")"));
        if (!isHeadless(service)) {
            throw new LoopbackRewriteException(
                    what + ": " + name + " needs Service " + name.service() + " to be headless");
        }
        if (!pod.subdomain().map(name.service()::equals).orElse(false)) {
            throw new LoopbackRewriteException(what + ": pod " + pod.name() + " has no DNS name under " + name.service()
                    + " (its StatefulSet serviceName is " + pod.subdomain().orElse("unset") + ")");
        }
        if (!selected(service).contains(pod)) {
            throw new LoopbackRewriteException(
                    what + ": Service " + name.service() + " does not select pod " + pod.name());
        }
        return pod;
    }

    private Service service(DnsName name, String what) {
        return services().stream()
                .filter(s -> s.getMetadata().getName().equals(name.service())
                        && name.namespace().equals(s.getMetadata().getNamespace()))
                .findFirst()
                .orElseThrow(() -> new LoopbackRewriteException(
                        what + ": no Service " + name.service() + " in namespace " + name.namespace()
                                + " was rendered, so '" + name + "' would not resolve in the cluster either"));
    }

    private DnsName parse(String host, String what) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.endsWith("." + clusterDomain)) {
            name = name.substring(0, name.length() - clusterDomain.length() - 1);
        }
        if (!name.endsWith(".svc")) {
            throw new LoopbackRewriteException(
                    what + ": '" + host + "' is not a cluster DNS name <service>.<namespace>.svc[." + clusterDomain
                            + "]; the loopback rewrite cannot reach hosts outside the release");
        }
        String[] parts = name.substring(0, name.length() - 4).split("\\.");
        if (parts.length == 2) {
            return new DnsName(null, parts[0], parts[1]);
        }
        if (parts.length == 3) {
            return new DnsName(parts[0], parts[1], parts[2]);
        }
        throw new LoopbackRewriteException(
                what + ": cannot read '" + host + "' as <service>.<namespace>.svc or <pod>.<service>.<namespace>.svc");
    }

    private record DnsName(String pod, String service, String namespace) {
        @Override
        public String toString() {
            return (pod == null ? "" : pod + ".") + service + "." + namespace + ".svc";
        }
    }
}
