package dev.hamonitoring.cluster;

import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One release of the chart in the shared control plane: rendered locally (to size the local
 * volumes), installed with helm-java into a fresh PodSecurity-restricted namespace that holds the
 * overlay's Secrets, and removed again.
 */
final class StackUnderTest {

    final ControlPlane plane;
    final KubernetesClient client;
    final String release;
    final String namespace;
    final HelmRelease helm;
    final ReleaseWorkloads workloads;

    private StackUnderTest(ControlPlane plane, String release, String namespace) {
        this.plane = plane;
        this.client = plane.client();
        this.release = release;
        this.namespace = namespace;
        this.helm = new HelmRelease(plane.kubeconfig(), ProjectPaths.umbrellaChart(), release, namespace);
        this.workloads = new ReleaseWorkloads(client, namespace, release);
    }

    /** A release that is not installed yet; {@link #prepare} makes its namespace. */
    static StackUnderTest of(ControlPlane plane, String release, String namespace) {
        return new StackUnderTest(plane, release, namespace);
    }

    /** chart-tests/src/test/resources/cluster/test-profile.yaml: local StorageClasses, external database. */
    static Path testProfile() {
        return resource("/cluster/test-profile.yaml");
    }

    /** An environment overlay shipped with the chart. */
    static Path overlay(String environment) {
        return ProjectPaths.environment(environment);
    }

    static Path resource(String name) {
        URL url = StackUnderTest.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("Missing test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code helm template} with the same release, namespace and values files. */
    RenderedRelease render(List<Path> values) {
        HelmRender render = HelmRender.chart(ProjectPaths.umbrellaChart())
                .releaseName(release)
                .namespace(namespace)
                .kubeVersion(plane.kubeVersion());
        for (Path file : values) {
            render = render.valuesFile(file);
        }
        return render.render();
    }

    /** Creates the namespace and the overlay Secrets (removing a leftover namespace of that name first). */
    StackUnderTest prepare() {
        helm.uninstallIfPresent();
        ReleaseNamespace.delete(client, namespace);
        ReleaseNamespace.create(client, namespace);
        return this;
    }

    /** Installs and returns the seconds helm install took. */
    double install(List<Path> values) {
        long t0 = System.nanoTime();
        helm.install(values);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Uninstalls (if installed) and deletes the namespace. Never throws: it is cleanup. */
    void remove() {
        try {
            helm.uninstallIfPresent();
        } catch (RuntimeException e) {
            System.out.println("[cluster] cleanup: " + e.getMessage());
        }
        try {
            ReleaseNamespace.delete(client, namespace);
        } catch (RuntimeException e) {
            System.out.println("[cluster] cleanup of namespace " + namespace + ": " + e);
        }
    }

    /** Events of the namespace with that reason, as "object: message" lines. */
    List<String> events(String reason) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()))
                .map(StackUnderTest::describe)
                .collect(Collectors.toList());
    }

    /**
     * FailedCreate events that are real refusals (quota exceeded, PodSecurity, ...). A write
     * conflict on the ResourceQuota object ("the object has been modified") is not one: quota
     * admission lost a race with another pod's admission under load, the controller retries and
     * the pod is created; waiting for every pod to be Ready is what proves that.
     */
    List<String> refusals() {
        return events("FailedCreate").stream().filter(StackUnderTest::isRefusal).collect(Collectors.toList());
    }

    /** Whether a FailedCreate message is a refusal rather than a retried write conflict. */
    static boolean isRefusal(String failedCreateMessage) {
        return !failedCreateMessage.contains(
                "the object has been modified; please apply your changes to the latest version and try again");
    }

    /**
     * The hard limits a quota refusal names ("exceeded quota: q, requested: ..., used: ...,
     * limited: limits.memory=92717Mi,requests.memory=41836Mi"), or empty for any other message.
     */
    static Map<String, Quantity> quotaLimits(String refusal) {
        int at = refusal.indexOf("exceeded quota:");
        int limited = refusal.indexOf("limited: ", at);
        if (at < 0 || limited < 0) {
            return Map.of();
        }
        Map<String, Quantity> limits = new TreeMap<>();
        for (String pair :
                refusal.substring(limited + "limited: ".length()).strip().split(",")) {
            String[] kv = pair.strip().split("=", 2);
            if (kv.length == 2) {
                limits.put(kv[0], new Quantity(kv[1].replaceAll("[^0-9A-Za-z.]+$", "")));
            }
        }
        return limits;
    }

    /** Events of the namespace about one object. */
    List<Event> eventsFor(String kind, String name) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> kind.equals(e.getInvolvedObject().getKind())
                        && name.equals(e.getInvolvedObject().getName()))
                .collect(Collectors.toList());
    }

    private static String describe(Event e) {
        return e.getInvolvedObject().getKind() + " " + e.getInvolvedObject().getName() + ": " + e.getMessage();
    }

    static String seconds(double s) {
        return String.format("%.1f s", s);
    }

    static String seconds(Duration d) {
        return seconds(d.toMillis() / 1000.0);
    }
}
