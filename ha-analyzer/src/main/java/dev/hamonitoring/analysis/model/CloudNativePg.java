package dev.hamonitoring.analysis.model;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTermBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the CloudNativePG operator makes of a {@code postgresql.cnpg.io/v1 Cluster}: the instance
 * pods (as a workload with a synthesised pod spec), the Services, Secrets, ServiceAccount and
 * PodDisruptionBudgets it creates. Field defaults are CloudNativePG's (api/v1/cluster_types.go).
 */
public final class CloudNativePg {

    /** Ports of every instance pod, as the operator names them. */
    public static final int POSTGRES_PORT = 5432;

    public static final int METRICS_PORT = 9187;
    public static final int STATUS_PORT = 8000;

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final GenericKubernetesResource cluster;
    private final String name;
    private final String namespace;

    public CloudNativePg(GenericKubernetesResource cluster, String namespace) {
        this.cluster = cluster;
        this.name = cluster.getMetadata().getName();
        this.namespace = cluster.getMetadata().getNamespace() == null
                ? namespace
                : cluster.getMetadata().getNamespace();
    }

    public static boolean isCluster(Object object) {
        return object instanceof GenericKubernetesResource g
                && "Cluster".equals(g.getKind())
                && g.getApiVersion() != null
                && g.getApiVersion().startsWith("postgresql.cnpg.io/");
    }

    public String name() {
        return name;
    }

    public int instances() {
        Object value = cluster.get("spec", "instances");
        return value instanceof Number n ? n.intValue() : 1;
    }

    /** spec.enablePDB, default true. */
    public boolean pdbEnabled() {
        Object value = cluster.get("spec", "enablePDB");
        return !(value instanceof Boolean b) || b;
    }

    /**
     * Labels of every instance pod: the operator's own (buildInstance in pkg/specs/pods.go), then
     * spec.inheritedMetadata.labels, which the operator applies over them (utils.InheritLabels).
     */
    public Map<String, String> podLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("cnpg.io/cluster", name);
        labels.put("cnpg.io/podRole", "instance");
        labels.put("app.kubernetes.io/name", "postgresql");
        labels.put("app.kubernetes.io/instance", name);
        labels.put("app.kubernetes.io/component", "database");
        labels.put("app.kubernetes.io/managed-by", "cloudnative-pg");
        Map<String, Object> inherited = cluster.get("spec", "inheritedMetadata", "labels");
        if (inherited != null) {
            inherited.forEach((k, v) -> labels.put(k, String.valueOf(v)));
        }
        return labels;
    }

    /** The instance pods as a workload; surge 1 for the initdb/join job pod that runs with the instances' resources. */
    public Workload workload() {
        List<Workload.Claim> claims = new ArrayList<>();
        addClaim(claims, "storage", "pgdata");
        addClaim(claims, "walStorage", "pg-wal");
        String component = podLabels().getOrDefault("app.kubernetes.io/name", name);
        return new Workload(
                WorkloadKind.CLUSTER,
                name,
                component,
                instances(),
                1,
                podSpec(),
                podLabels(),
                List.copyOf(claims),
                null,
                cluster);
    }

    private void addClaim(List<Workload.Claim> claims, String field, String claimName) {
        Map<String, Object> storage = cluster.get("spec", field);
        if (storage == null || storage.get("size") == null) {
            return;
        }
        String size = String.valueOf(storage.get("size"));
        Object sc = storage.get("storageClass");
        claims.add(new Workload.Claim(claimName, sc == null ? null : String.valueOf(sc), Quantities.parse(size), size));
    }

    private PodSpec podSpec() {
        Map<String, Object> affinity = cluster.get("spec", "affinity");
        Map<String, Object> a = affinity == null ? Map.of() : affinity;
        PodSpecBuilder spec = new PodSpecBuilder()
                .withServiceAccountName(name)
                .withPriorityClassName((String) cluster.get("spec", "priorityClassName"))
                .addToContainers(new ContainerBuilder()
                        .withName("postgres")
                        .withImage(String.valueOf(cluster.<Object>get("spec", "imageName")))
                        .withResources(convert(cluster.get("spec", "resources"), ResourceRequirements.class))
                        .withPorts(
                                new ContainerPortBuilder()
                                        .withName("postgresql")
                                        .withContainerPort(POSTGRES_PORT)
                                        .withProtocol("TCP")
                                        .build(),
                                new ContainerPortBuilder()
                                        .withName("metrics")
                                        .withContainerPort(METRICS_PORT)
                                        .withProtocol("TCP")
                                        .build(),
                                new ContainerPortBuilder()
                                        .withName("status")
                                        .withContainerPort(STATUS_PORT)
                                        .withProtocol("TCP")
                                        .build())
                        .build());
        @SuppressWarnings("unchecked")
        Map<String, String> nodeSelector = (Map<String, String>) a.get("nodeSelector");
        if (nodeSelector != null) {
            spec.withNodeSelector(nodeSelector);
        }
        if (a.get("tolerations") != null) {
            spec.withTolerations(Arrays.asList(convert(a.get("tolerations"), Toleration[].class)));
        }
        spec.withAffinity(affinity(a));
        Object spread = cluster.get("spec", "topologySpreadConstraints");
        if (spread != null) {
            spec.withTopologySpreadConstraints(Arrays.asList(convert(spread, TopologySpreadConstraint[].class)));
        }
        return spec.build();
    }

    /** spec.affinity (CloudNativePG's AffinityConfiguration) as the core Affinity the operator generates. */
    private Affinity affinity(Map<String, Object> a) {
        List<PodAffinityTerm> required = new ArrayList<>();
        List<WeightedPodAffinityTerm> preferred = new ArrayList<>();
        boolean enabled = !(a.get("enablePodAntiAffinity") instanceof Boolean b) || b;
        if (enabled) {
            String type =
                    a.get("podAntiAffinityType") == null ? "preferred" : String.valueOf(a.get("podAntiAffinityType"));
            String key = a.get("topologyKey") == null ? "kubernetes.io/hostname" : String.valueOf(a.get("topologyKey"));
            PodAffinityTerm term = new PodAffinityTermBuilder()
                    .withTopologyKey(key)
                    .withLabelSelector(new LabelSelectorBuilder()
                            .addNewMatchExpression()
                            .withKey("cnpg.io/cluster")
                            .withOperator("In")
                            .withValues(name)
                            .endMatchExpression()
                            .addNewMatchExpression()
                            .withKey("cnpg.io/podRole")
                            .withOperator("In")
                            .withValues("instance")
                            .endMatchExpression()
                            .build())
                    .build();
            if ("required".equals(type)) {
                required.add(term);
            } else {
                preferred.add(new WeightedPodAffinityTermBuilder()
                        .withWeight(100)
                        .withPodAffinityTerm(term)
                        .build());
            }
        }
        PodAntiAffinity additional = convert(a.get("additionalPodAntiAffinity"), PodAntiAffinity.class);
        if (additional != null) {
            if (additional.getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
                required.addAll(additional.getRequiredDuringSchedulingIgnoredDuringExecution());
            }
            if (additional.getPreferredDuringSchedulingIgnoredDuringExecution() != null) {
                preferred.addAll(additional.getPreferredDuringSchedulingIgnoredDuringExecution());
            }
        }
        AffinityBuilder builder = new AffinityBuilder();
        if (!required.isEmpty() || !preferred.isEmpty()) {
            builder.withNewPodAntiAffinity()
                    .withRequiredDuringSchedulingIgnoredDuringExecution(required)
                    .withPreferredDuringSchedulingIgnoredDuringExecution(preferred)
                    .endPodAntiAffinity();
        }
        PodAffinity podAffinity = convert(a.get("additionalPodAffinity"), PodAffinity.class);
        if (podAffinity != null) {
            builder.withPodAffinity(podAffinity);
        }
        NodeAffinity nodeAffinity = convert(a.get("nodeAffinity"), NodeAffinity.class);
        if (nodeAffinity != null) {
            builder.withNodeAffinity(nodeAffinity);
        }
        return builder.build();
    }

    /**
     * The Services the operator creates: -rw (primary), -ro (standbys), -r (any instance). Their
     * real selectors add the instance's current role label, which changes at every failover; any
     * instance may be behind -rw, so they are modelled as selecting every instance pod.
     */
    public List<Service> services() {
        List<Service> services = new ArrayList<>();
        for (String suffix : List.of("rw", "ro", "r")) {
            services.add(new ServiceBuilder()
                    .withNewMetadata()
                    .withName(name + "-" + suffix)
                    .withNamespace(namespace)
                    .addToAnnotations("ha-monitoring.dev/created-by", "CloudNativePG operator")
                    .endMetadata()
                    .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(Map.of("cnpg.io/cluster", name, "cnpg.io/podRole", "instance"))
                    .addNewPort()
                    .withName("postgres")
                    .withPort(POSTGRES_PORT)
                    .withProtocol("TCP")
                    .withNewTargetPort(POSTGRES_PORT)
                    .endPort()
                    .endSpec()
                    .build());
        }
        return services;
    }

    /** Secrets the operator creates in the cluster's namespace. */
    public List<String> secrets() {
        List<String> secrets = new ArrayList<>(List.of(name + "-ca", name + "-server", name + "-replication"));
        Object initdbSecret = cluster.get("spec", "bootstrap", "initdb", "secret", "name");
        if (initdbSecret == null) {
            secrets.add(name + "-app");
        }
        if (Boolean.TRUE.equals(cluster.get("spec", "enableSuperuserAccess"))) {
            secrets.add(name + "-superuser");
        }
        return secrets;
    }

    /** The operator's PodDisruptionBudgets, described for the report (none unless enablePDB and more than one instance). */
    public String pdbDescription() {
        if (!pdbEnabled()) {
            return "none (spec.enablePDB=false)";
        }
        int instances = instances();
        if (instances < 2) {
            return "operator: primary minAvailable 1 (blocks every drain of its node: no standby to switch over to)";
        }
        return "operator: primary minAvailable 1 (switched over before eviction), standbys minAvailable "
                + Math.max(0, instances - 2) + " of " + (instances - 1);
    }

    private static <T> T convert(Object value, Class<T> type) {
        return value == null ? null : SERIALIZATION.convertValue(value, type);
    }
}
