package dev.hamonitoring.cluster;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The namespace a release goes into, made the way the README tells users to: labelled
 * {@code pod-security.kubernetes.io/enforce=restricted}, with the Secrets the overlays name
 * created beforehand (the chart never creates them: passwords stay out of values files).
 */
public final class ReleaseNamespace {

    /** Secret names and keys the overlays reference, with harmless test contents. */
    public static final Map<String, Map<String, String>> OVERLAY_SECRETS = overlaySecrets();

    /** The external database Secret the cluster test profile names ({@code grafana.database.existingSecret}). */
    public static final String DATABASE_SECRET = "grafana-database";

    private ReleaseNamespace() {}

    private static Map<String, Map<String, String>> overlaySecrets() {
        Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
        secrets.put(
                "thanos-objstore",
                Map.of("objstore.yml", "type: FILESYSTEM\nconfig:\n  directory: /var/thanos/objstore\n"));
        secrets.put("grafana-admin", Map.of("admin-user", "admin", "admin-password", "not-a-real-password"));
        secrets.put("grafana-secret-key", Map.of("secret-key", "0123456789abcdef0123456789abcdef"));
        secrets.put("redis-auth", Map.of("redis-password", "not-a-real-password"));
        secrets.put(DATABASE_SECRET, Map.of("password", "not-a-real-password"));
        return Collections.unmodifiableMap(secrets);
    }

    /**
     * Creates the namespace (PodSecurity {@code restricted} enforced), waits for its default
     * ServiceAccount (pods are refused before it exists) and creates {@link #OVERLAY_SECRETS}.
     */
    public static void create(KubernetesClient client, String namespace) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(namespace)
                        .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                        .addToLabels("pod-security.kubernetes.io/enforce-version", "latest")
                        .addToLabels("pod-security.kubernetes.io/warn", "restricted")
                        .endMetadata()
                        .build())
                .create();
        await("default ServiceAccount in " + namespace)
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> client.serviceAccounts()
                                .inNamespace(namespace)
                                .withName("default")
                                .get()
                        != null);
        OVERLAY_SECRETS.forEach((name, data) -> client.secrets()
                .inNamespace(namespace)
                .resource(secret(name, data))
                .create());
    }

    /** The names of the Secrets {@link #create} made. */
    public static List<String> secretNames() {
        return List.copyOf(OVERLAY_SECRETS.keySet());
    }

    /**
     * Deletes the namespace and waits until it is gone (the namespace controller removes its
     * contents; retained PVCs included, with their volumes' protection released).
     */
    public static void delete(KubernetesClient client, String namespace) {
        if (client.namespaces().withName(namespace).get() == null) {
            return;
        }
        client.namespaces().withName(namespace).delete();
        // Pods of fake nodes finish at once, but pods bound to nodes that no longer exist are
        // never finished by anyone: force them.
        client.pods()
                .inNamespace(namespace)
                .list()
                .getItems()
                .forEach(p -> client.pods()
                        .inNamespace(namespace)
                        .withName(p.getMetadata().getName())
                        .withGracePeriod(0)
                        .delete());
        await("namespace " + namespace + " gone")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    client.pods()
                            .inNamespace(namespace)
                            .list()
                            .getItems()
                            .forEach(p -> client.pods()
                                    .inNamespace(namespace)
                                    .withName(p.getMetadata().getName())
                                    .withGracePeriod(0)
                                    .delete());
                    return client.namespaces().withName(namespace).get() == null;
                });
    }

    private static Secret secret(String name, Map<String, String> data) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withType("Opaque")
                .withStringData(data)
                .build();
    }
}
