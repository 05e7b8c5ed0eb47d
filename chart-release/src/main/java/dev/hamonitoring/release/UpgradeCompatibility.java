package dev.hamonitoring.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Would {@code helm upgrade} from one render to the next be refused, or silently not do what it
 * says? For every object kept across the two renders (same API group, kind, namespace and name) it
 * compares the fields the API server (or the operator) does not let an update change:
 *
 * <ul>
 *   <li>StatefulSet: everything in {@code spec} except replicas, template, updateStrategy,
 *       minReadySeconds, ordinals, revisionHistoryLimit and persistentVolumeClaimRetentionPolicy
 *       (so selector, serviceName, podManagementPolicy and each volumeClaimTemplate: name,
 *       labels, storage class, access modes, size);</li>
 *   <li>Deployment, DaemonSet, ReplicaSet: {@code spec.selector}; Job: selector, template,
 *       completionMode;</li>
 *   <li>Service: headless ({@code clusterIP: None}) ↔ not headless, and an explicit clusterIP;</li>
 *   <li>PersistentVolumeClaim: {@code spec} except the storage request, which may only grow;</li>
 *   <li>StorageClass: provisioner, parameters, reclaimPolicy, volumeBindingMode; PriorityClass:
 *       value, preemptionPolicy; RoleBinding/ClusterRoleBinding: roleRef; an immutable Secret or
 *       ConfigMap: its data;</li>
 *   <li>CloudNativePG Cluster: storage (and WAL storage) size may not shrink and the storage class
 *       cannot move existing instances; {@code bootstrap} is applied only when the cluster is
 *       created, so a changed one never takes effect.</li>
 * </ul>
 *
 * <p>PodDisruptionBudgets, NetworkPolicies, ConfigMaps, pod templates and replica counts are
 * mutable and not reported. Defaults the API server fills in (podManagementPolicy
 * OrderedReady, volumeMode Filesystem, reclaimPolicy Delete, ...) count as given, and quantities
 * compare by amount ({@code 1Gi} = {@code 1024Mi}). It compares desired manifests, which is what
 * Helm's upgrade patch is computed from; the cluster layer can feed it the manifest of a real
 * release ({@code helm get manifest}) as {@code from}.
 */
public final class UpgradeCompatibility {

    private static final String STATEFULSET_REASON =
            "StatefulSet spec fields other than replicas, template, updateStrategy,"
                    + " minReadySeconds, ordinals, revisionHistoryLimit and persistentVolumeClaimRetentionPolicy are immutable";

    private UpgradeCompatibility() {}

    /** Compares two renders (before, after). */
    public static UpgradeReport check(RenderedRelease from, RenderedRelease to) {
        return check(from.objects(), to.objects());
    }

    /** Compares two sets of objects (before, after). */
    public static UpgradeReport check(List<? extends HasMetadata> from, List<? extends HasMetadata> to) {
        Map<String, JsonNode> before = index(from);
        Map<String, JsonNode> after = index(to);
        List<UpgradeReport.Violation> violations = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : before.entrySet()) {
            JsonNode next = after.get(entry.getKey());
            if (next == null) {
                removed.add(entry.getKey());
            } else {
                compare(entry.getKey(), entry.getValue(), next, violations);
            }
        }
        List<String> added =
                after.keySet().stream().filter(k -> !before.containsKey(k)).collect(Collectors.toList());
        return new UpgradeReport(List.copyOf(violations), List.copyOf(added), List.copyOf(removed));
    }

    /** {@code group/Kind namespace/name} (core group empty), the identity Kubernetes keeps across an upgrade. */
    public static String key(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String namespace = object.path("metadata").path("namespace").asText("");
        return group + "/" + object.path("kind").asText() + " " + (namespace.isEmpty() ? "" : namespace + "/")
                + object.path("metadata").path("name").asText();
    }

    private static Map<String, JsonNode> index(List<? extends HasMetadata> objects) {
        Map<String, JsonNode> index = new LinkedHashMap<>();
        for (HasMetadata object : objects) {
            JsonNode json = TemplatesWithHooks.canonical(object);
            index.put(key(json), json);
        }
        return index;
    }

    private static void compare(String key, JsonNode before, JsonNode after, List<UpgradeReport.Violation> out) {
        String apiVersion = after.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String kind = group + "/" + after.path("kind").asText();
        switch (kind) {
            case "apps/StatefulSet" ->
                diff(
                        key,
                        "spec",
                        statefulSetImmutable(before.path("spec")),
                        statefulSetImmutable(after.path("spec")),
                        STATEFULSET_REASON,
                        out);
            case "apps/Deployment", "apps/DaemonSet", "apps/ReplicaSet" ->
                diff(
                        key,
                        "spec.selector",
                        before.path("spec").path("selector"),
                        after.path("spec").path("selector"),
                        after.path("kind").asText() + " spec.selector is immutable in apps/v1",
                        out);
            case "batch/Job" -> {
                for (String field : List.of("selector", "template", "completionMode")) {
                    diff(
                            key,
                            "spec." + field,
                            before.path("spec").path(field),
                            after.path("spec").path(field),
                            "Job spec." + field + " is immutable",
                            out);
                }
            }
            case "/Service" -> service(key, before.path("spec"), after.path("spec"), out);
            case "/PersistentVolumeClaim" ->
                claim(
                        key,
                        "spec",
                        before.path("spec"),
                        after.path("spec"),
                        "PersistentVolumeClaim spec is immutable except the storage request, which may only grow",
                        out);
            case "storage.k8s.io/StorageClass" -> {
                ObjectNode a = fields(before, "provisioner", "parameters", "reclaimPolicy", "volumeBindingMode");
                ObjectNode b = fields(after, "provisioner", "parameters", "reclaimPolicy", "volumeBindingMode");
                defaultField(a, "reclaimPolicy", "Delete");
                defaultField(b, "reclaimPolicy", "Delete");
                defaultField(a, "volumeBindingMode", "Immediate");
                defaultField(b, "volumeBindingMode", "Immediate");
                diff(
                        key,
                        "",
                        a,
                        b,
                        "StorageClass provisioner, parameters, reclaimPolicy and volumeBindingMode are immutable",
                        out);
            }
            case "scheduling.k8s.io/PriorityClass" -> {
                ObjectNode a = fields(before, "value", "preemptionPolicy");
                ObjectNode b = fields(after, "value", "preemptionPolicy");
                defaultField(a, "preemptionPolicy", "PreemptLowerPriority");
                defaultField(b, "preemptionPolicy", "PreemptLowerPriority");
                diff(key, "", a, b, "PriorityClass value and preemptionPolicy are immutable", out);
            }
            case "rbac.authorization.k8s.io/RoleBinding", "rbac.authorization.k8s.io/ClusterRoleBinding" ->
                diff(
                        key,
                        "roleRef",
                        before.path("roleRef"),
                        after.path("roleRef"),
                        "roleRef of a binding is immutable",
                        out);
            case "/Secret", "/ConfigMap" -> {
                if (before.path("immutable").asBoolean(false)) {
                    ObjectNode a = fields(before, "immutable", "data", "stringData", "binaryData");
                    ObjectNode b = fields(after, "immutable", "data", "stringData", "binaryData");
                    diff(key, "", a, b, "an immutable " + after.path("kind").asText() + " cannot change", out);
                }
            }
            case "postgresql.cnpg.io/Cluster" -> cnpgCluster(key, before.path("spec"), after.path("spec"), out);
            default -> {
                // Everything else (PDBs, NetworkPolicies, ConfigMaps, ServiceAccounts, ...) is mutable.
            }
        }
    }

    private static JsonNode statefulSetImmutable(JsonNode spec) {
        ObjectNode copy = spec.isObject() ? ((ObjectNode) spec).deepCopy() : JsonNodeFactory.instance.objectNode();
        copy.remove(List.of(
                "replicas",
                "template",
                "updateStrategy",
                "minReadySeconds",
                "ordinals",
                "revisionHistoryLimit",
                "persistentVolumeClaimRetentionPolicy"));
        defaultField(copy, "podManagementPolicy", "OrderedReady");
        JsonNode templates = copy.path("volumeClaimTemplates");
        if (templates.isArray()) {
            ArrayNode normalized = JsonNodeFactory.instance.arrayNode();
            for (JsonNode template : templates) {
                ObjectNode claim = template.deepCopy();
                claim.remove(List.of("apiVersion", "kind", "status"));
                if (claim.path("spec").isObject()) {
                    defaultField((ObjectNode) claim.path("spec"), "volumeMode", "Filesystem");
                }
                normalized.add(claim);
            }
            copy.set("volumeClaimTemplates", normalized);
        }
        return copy;
    }

    private static void service(String key, JsonNode before, JsonNode after, List<UpgradeReport.Violation> out) {
        String a = before.path("clusterIP").asText("");
        String b = after.path("clusterIP").asText("");
        boolean headlessBefore = a.equals("None");
        boolean headlessAfter = b.equals("None");
        if (headlessBefore != headlessAfter) {
            out.add(
                    new UpgradeReport.Violation(
                            key,
                            "spec.clusterIP",
                            text(before.path("clusterIP")),
                            text(after.path("clusterIP")),
                            "a Service cannot switch between headless (clusterIP: None) and a cluster IP: spec.clusterIP is immutable"));
        } else if (!a.isEmpty() && !b.isEmpty() && !a.equals(b)) {
            out.add(new UpgradeReport.Violation(key, "spec.clusterIP", a, b, "spec.clusterIP is immutable"));
        }
    }

    private static void claim(
            String key,
            String path,
            JsonNode before,
            JsonNode after,
            String reason,
            List<UpgradeReport.Violation> out) {
        ObjectNode a = before.isObject() ? ((ObjectNode) before).deepCopy() : JsonNodeFactory.instance.objectNode();
        ObjectNode b = after.isObject() ? ((ObjectNode) after).deepCopy() : JsonNodeFactory.instance.objectNode();
        JsonNode sizeBefore = a.path("resources").path("requests").path("storage");
        JsonNode sizeAfter = b.path("resources").path("requests").path("storage");
        for (ObjectNode spec : List.of(a, b)) {
            if (spec.path("resources").path("requests").isObject()) {
                ((ObjectNode) spec.path("resources").path("requests")).remove("storage");
            }
            spec.remove("volumeAttributesClassName");
            defaultField(spec, "volumeMode", "Filesystem");
        }
        diff(key, path, a, b, reason, out);
        shrink(
                key,
                path + ".resources.requests.storage",
                sizeBefore,
                sizeAfter,
                "a volume's storage request can only grow",
                out);
    }

    private static void cnpgCluster(String key, JsonNode before, JsonNode after, List<UpgradeReport.Violation> out) {
        for (String storage : List.of("storage", "walStorage")) {
            shrink(
                    key,
                    "spec." + storage + ".size",
                    before.path(storage).path("size"),
                    after.path(storage).path("size"),
                    "CloudNativePG refuses to shrink existing storage",
                    out);
            diff(
                    key,
                    "spec." + storage + ".storageClass",
                    before.path(storage).path("storageClass"),
                    after.path(storage).path("storageClass"),
                    "existing CloudNativePG instances keep the PVCs of their storage class; only new instances would use another",
                    out);
        }
        diff(
                key,
                "spec.bootstrap",
                before.path("bootstrap"),
                after.path("bootstrap"),
                "CloudNativePG applies bootstrap only when the cluster is created: the change would never take effect",
                out);
    }

    private static void shrink(
            String key,
            String field,
            JsonNode before,
            JsonNode after,
            String reason,
            List<UpgradeReport.Violation> out) {
        if (before.isMissingNode() || before.isNull() || after.isMissingNode() || after.isNull()) {
            return;
        }
        BigDecimal a = Quantity.getAmountInBytes(new Quantity(before.asText()));
        BigDecimal b = Quantity.getAmountInBytes(new Quantity(after.asText()));
        if (b.compareTo(a) < 0) {
            out.add(new UpgradeReport.Violation(key, field, before.asText(), after.asText(), reason));
        }
    }

    /** Reports every leaf that differs between two trees (arrays of named items are matched by name). */
    private static void diff(
            String key,
            String path,
            JsonNode before,
            JsonNode after,
            String reason,
            List<UpgradeReport.Violation> out) {
        JsonNode a = absent(before) ? MissingNode.getInstance() : before;
        JsonNode b = absent(after) ? MissingNode.getInstance() : after;
        if (a.isObject() && b.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                diff(key, join(path, name), a.path(name), b.path(name), reason, out);
            }
        } else if (a.isArray() && b.isArray() && named(a) && named(b)) {
            Map<String, JsonNode> left = byName(a);
            Map<String, JsonNode> right = byName(b);
            Set<String> names = new LinkedHashSet<>(left.keySet());
            names.addAll(right.keySet());
            for (String name : names) {
                diff(
                        key,
                        path + "[" + name + "]",
                        left.getOrDefault(name, MissingNode.getInstance()),
                        right.getOrDefault(name, MissingNode.getInstance()),
                        reason,
                        out);
            }
        } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                diff(key, path + "[" + i + "]", a.get(i), b.get(i), reason, out);
            }
        } else if (!equalValues(a, b)) {
            out.add(new UpgradeReport.Violation(key, path, text(a), text(b), reason));
        }
    }

    private static boolean equalValues(JsonNode a, JsonNode b) {
        if (a.equals(b)) {
            return true;
        }
        if (a.isValueNode() && b.isValueNode() && looksLikeQuantity(a.asText()) && looksLikeQuantity(b.asText())) {
            try {
                return Quantity.getAmountInBytes(new Quantity(a.asText()))
                                .compareTo(Quantity.getAmountInBytes(new Quantity(b.asText())))
                        == 0;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }

    private static boolean looksLikeQuantity(String text) {
        return text.matches("[0-9.]+(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?");
    }

    private static boolean named(JsonNode array) {
        if (array.isEmpty()) {
            return false;
        }
        for (JsonNode item : array) {
            if (name(item) == null) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, JsonNode> byName(JsonNode array) {
        Map<String, JsonNode> result = new LinkedHashMap<>();
        array.forEach(item -> result.put(name(item), item));
        return result;
    }

    private static String name(JsonNode item) {
        if (item.path("metadata").path("name").isTextual()) {
            return item.path("metadata").path("name").asText();
        }
        return item.path("name").isTextual() ? item.path("name").asText() : null;
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull();
    }

    private static ObjectNode fields(JsonNode object, String... names) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        for (String name : names) {
            if (!absent(object.path(name))) {
                result.set(name, object.path(name).deepCopy());
            }
        }
        return result;
    }

    private static void defaultField(ObjectNode object, String name, String value) {
        if (absent(object.path(name))) {
            object.put(name, value);
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String text(JsonNode node) {
        if (absent(node)) {
            return "(absent)";
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }
}
