package dev.hamonitoring.binaries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prometheus' {@code kubernetes_sd_configs} with {@code role: pod}, answered from the declared
 * pods of a {@link LoopbackNetwork} instead of an API server: the same targets (one per container
 * port, {@code <pod IP>:<port>}, here the pod's loopback port) and the same {@code __meta_kubernetes_*}
 * labels, so the rendered {@code relabel_configs} run unchanged on them. The namespace list and
 * label selectors of the config are applied. Every declared pod counts as Running and ready.
 *
 * <p>Other roles, field selectors, set-based selectors and API server settings fail loudly.
 */
final class KubernetesPodDiscovery {

    private static final Set<String> KNOWN_KEYS = Set.of("role", "namespaces", "selectors");

    private KubernetesPodDiscovery() {}

    /** The static_configs entries (one target group per target) this SD config would discover. */
    static List<ObjectNode> targetGroups(
            JsonNode sdConfig, LoopbackNetwork network, String ownNamespace, String where) {
        for (String key : iterable(sdConfig.fieldNames())) {
            if (!KNOWN_KEYS.contains(key)) {
                throw new LoopbackRewriteException(
                        where + ": kubernetes_sd_configs key '" + key + "' is not supported by the"
                                + " loopback discovery (it answers role: pod from the declared pods; known keys "
                                + KNOWN_KEYS + ")");
            }
        }
        String role = sdConfig.path("role").asText("");
        if (!role.equals("pod")) {
            throw new LoopbackRewriteException(
                    where + ": kubernetes_sd_configs role '" + role + "' cannot be answered on loopback"
                            + " (only role: pod is, from the declared pods); jobs that scrape the cluster itself need"
                            + " prometheus.scrapeCluster=false in the values of a binary test");
        }
        List<String> namespaces = namespaces(sdConfig.path("namespaces"), ownNamespace);
        List<Map<String, String>> required = new ArrayList<>();
        List<Map<String, String>> forbidden = new ArrayList<>();
        List<String> present = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (JsonNode selector : sdConfig.path("selectors")) {
            if (!selector.path("role").asText().equals("pod")) {
                continue; // Selectors of other roles do not apply to pod discovery.
            }
            if (selector.has("field")) {
                throw new LoopbackRewriteException(
                        where + ": field selectors are not supported by the loopback discovery: " + selector);
            }
            parseLabelSelector(selector.path("label").asText(""), required, forbidden, present, absent, where);
        }
        List<ObjectNode> groups = new ArrayList<>();
        for (LoopbackPod pod : network.pods()) {
            if (!namespaces.isEmpty() && !namespaces.contains(pod.namespace())) {
                continue;
            }
            Map<String, String> labels = pod.labels();
            boolean matches = required.stream().allMatch(r -> labels.entrySet().containsAll(r.entrySet()))
                    && forbidden.stream().noneMatch(f -> labels.entrySet().containsAll(f.entrySet()))
                    && labels.keySet().containsAll(present)
                    && absent.stream().noneMatch(labels::containsKey);
            if (matches) {
                groups.addAll(podTargets(pod));
            }
        }
        return groups;
    }

    private static List<ObjectNode> podTargets(LoopbackPod pod) {
        Map<String, String> podLabels = new LinkedHashMap<>();
        podLabels.put("__meta_kubernetes_namespace", pod.namespace());
        podLabels.put("__meta_kubernetes_pod_name", pod.name());
        podLabels.put("__meta_kubernetes_pod_ip", LoopbackNetwork.POD_IP);
        podLabels.put("__meta_kubernetes_pod_host_ip", LoopbackNetwork.POD_IP);
        podLabels.put("__meta_kubernetes_pod_node_name", "localhost");
        podLabels.put("__meta_kubernetes_pod_ready", "true");
        podLabels.put("__meta_kubernetes_pod_phase", "Running");
        pod.labels().forEach((k, v) -> {
            podLabels.put("__meta_kubernetes_pod_label_" + sanitize(k), v);
            podLabels.put("__meta_kubernetes_pod_labelpresent_" + sanitize(k), "true");
        });
        pod.annotations().forEach((k, v) -> {
            podLabels.put("__meta_kubernetes_pod_annotation_" + sanitize(k), v);
            podLabels.put("__meta_kubernetes_pod_annotationpresent_" + sanitize(k), "true");
        });
        pod.workload().ifPresent(w -> {
            podLabels.put("__meta_kubernetes_pod_controller_kind", w.getKind());
            podLabels.put(
                    "__meta_kubernetes_pod_controller_name", w.getMetadata().getName());
        });
        List<ObjectNode> groups = new ArrayList<>();
        for (Container container : pod.spec().getContainers()) {
            Map<String, String> containerLabels = new LinkedHashMap<>(podLabels);
            containerLabels.put("__meta_kubernetes_pod_container_name", container.getName());
            containerLabels.put("__meta_kubernetes_pod_container_init", "false");
            if (container.getImage() != null) {
                containerLabels.put("__meta_kubernetes_pod_container_image", container.getImage());
            }
            List<ContainerPort> ports = container.getPorts() == null ? List.of() : container.getPorts();
            if (ports.isEmpty()) {
                groups.add(group(LoopbackNetwork.POD_IP, containerLabels));
                continue;
            }
            for (ContainerPort port : ports) {
                Map<String, String> labels = new LinkedHashMap<>(containerLabels);
                labels.put("__meta_kubernetes_pod_container_port_name", port.getName() == null ? "" : port.getName());
                labels.put("__meta_kubernetes_pod_container_port_number", String.valueOf(port.getContainerPort()));
                labels.put(
                        "__meta_kubernetes_pod_container_port_protocol",
                        port.getProtocol() == null ? "TCP" : port.getProtocol());
                String address = "UDP".equals(port.getProtocol())
                        ? LoopbackNetwork.POD_IP + ":" + port.getContainerPort() // never scraped; not mapped
                        : LoopbackNetwork.POD_IP + ":" + pod.hostPort(port.getContainerPort());
                groups.add(group(address, labels));
            }
        }
        return groups;
    }

    private static ObjectNode group(String address, Map<String, String> labels) {
        ObjectNode group = Yaml.MAPPER.createObjectNode();
        ArrayNode targets = group.putArray("targets");
        targets.add(address);
        ObjectNode labelNode = group.putObject("labels");
        labels.forEach(labelNode::put);
        return group;
    }

    private static List<String> namespaces(JsonNode namespaces, String ownNamespace) {
        List<String> names = new ArrayList<>();
        for (JsonNode name : namespaces.path("names")) {
            names.add(name.asText());
        }
        if (namespaces.path("own_namespace").asBoolean(false)) {
            names.add(ownNamespace);
        }
        return names;
    }

    private static void parseLabelSelector(
            String selector,
            List<Map<String, String>> required,
            List<Map<String, String>> forbidden,
            List<String> present,
            List<String> absent,
            String where) {
        if (selector.isBlank()) {
            return;
        }
        for (String requirement : selector.split(",")) {
            String r = requirement.trim();
            if (r.contains(" in ") || r.contains(" notin ") || r.contains("(")) {
                throw new LoopbackRewriteException(
                        where + ": set-based label selector '" + r + "' is not supported by the loopback discovery");
            }
            if (r.contains("!=")) {
                String[] kv = r.split("!=", 2);
                forbidden.add(Map.of(kv[0].trim(), kv[1].trim()));
            } else if (r.contains("==")) {
                String[] kv = r.split("==", 2);
                required.add(Map.of(kv[0].trim(), kv[1].trim()));
            } else if (r.contains("=")) {
                String[] kv = r.split("=", 2);
                required.add(Map.of(kv[0].trim(), kv[1].trim()));
            } else if (r.startsWith("!")) {
                absent.add(r.substring(1).trim());
            } else {
                present.add(r);
            }
        }
    }

    /** Prometheus' label name sanitizing: every character outside [a-zA-Z0-9_] becomes '_'. */
    static String sanitize(String name) {
        return name.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    private static <T> Iterable<T> iterable(Iterator<T> iterator) {
        return () -> iterator;
    }
}
