package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The prod overlay against the HA guide the chart implements: every number and name of the guide
 * is pinned here, either at the guide's value or, where the chart deviates, at the chart's value
 * with the README's deviation table ("guide says / chart ships / why") giving the reason. A change
 * to any of them fails here first.
 */
@DisplayName("The prod overlay and the HA guide")
class GuideValuesRenderTest {

    /** One pinned value: what the guide says, whether the chart follows it, and the rendered value. */
    record Pin(String item, boolean followsGuide, Supplier<Object> actual, Object expected) {}

    /** The guide's items read from one render (prod; other overlays for the negative twin). */
    static final class View {

        private final RenderedRelease r;

        View(RenderedRelease r) {
            this.r = r;
        }

        private Container container(String workload, String name) {
            HasMetadata object = r.find(StatefulSet.class, workload)
                    .map(HasMetadata.class::cast)
                    .or(() -> r.find(Deployment.class, workload))
                    .orElseThrow(() -> new AssertionError("no workload " + workload));
            return Releases.container(Releases.podSpec(object), name);
        }

        private List<String> args(String workload, String name) {
            return container(workload, name).getArgs();
        }

        private String arg(String workload, String name, String flag) {
            return args(workload, name).stream()
                    .filter(a -> a.startsWith(flag + "="))
                    .map(a -> a.substring(flag.length() + 1))
                    .reduce((a, b) -> a + "," + b)
                    .orElse("absent");
        }

        private Map<String, String> resources(String workload, String name) {
            Map<String, String> out = new TreeMap<>();
            var r = container(workload, name).getResources();
            r.getRequests().forEach((k, v) -> out.put("requests." + k, v.toString()));
            r.getLimits().forEach((k, v) -> out.put("limits." + k, v.toString()));
            out.keySet().removeIf(k -> k.endsWith("ephemeral-storage"));
            return out;
        }

        private String claimSize(String statefulSet) {
            return r.one(StatefulSet.class, statefulSet)
                    .getSpec()
                    .getVolumeClaimTemplates()
                    .get(0)
                    .getSpec()
                    .getResources()
                    .getRequests()
                    .get("storage")
                    .toString();
        }

        private String claimClass(String statefulSet) {
            return r.one(StatefulSet.class, statefulSet)
                    .getSpec()
                    .getVolumeClaimTemplates()
                    .get(0)
                    .getSpec()
                    .getStorageClassName();
        }

        private int replicas(String workload) {
            return r.find(StatefulSet.class, workload)
                    .map(s -> s.getSpec().getReplicas())
                    .orElseGet(() -> r.one(Deployment.class, workload).getSpec().getReplicas());
        }

        private String priority(String workload) {
            HasMetadata object = r.find(StatefulSet.class, workload)
                    .map(HasMetadata.class::cast)
                    .or(() -> r.find(Deployment.class, workload))
                    .orElseThrow();
            return Releases.podSpec(object).getPriorityClassName();
        }

        private Object pdb(String name) {
            return r.one(PodDisruptionBudget.class, name)
                    .getSpec()
                    .getMinAvailable()
                    .getIntVal();
        }

        private Map<String, Object> cnpg() {
            return ((GenericKubernetesResource) r.oneOfKind("Cluster", "monitoring-postgresql")).get("spec");
        }

        @SuppressWarnings("unchecked")
        private Object cnpg(String... path) {
            Object node = cnpg();
            for (String key : path) {
                node = ((Map<String, Object>) node).get(key);
            }
            return node;
        }

        private Map<String, String> quota() {
            Map<String, String> hard = new TreeMap<>();
            r.one(ResourceQuota.class, "monitoring-quota")
                    .getSpec()
                    .getHard()
                    .forEach((k, v) -> hard.put(k, v.toString()));
            hard.remove("pods");
            return hard;
        }

        private StorageClass storageClass(String name) {
            return r.one(StorageClass.class, name);
        }

        private String ini() {
            return GrafanaRenderTest.ini(r);
        }

        List<Pin> pins() {
            String prom = "monitoring-prometheus";
            String query = "monitoring-thanos-query";
            String store = "monitoring-thanos-store";
            String compactor = "monitoring-thanos-compactor";
            String am = "monitoring-alertmanager";
            String grafana = "monitoring-grafana";
            String redis = "monitoring-redis";
            List<Pin> pins = new ArrayList<>();
            // 1.1 Prometheus
            pins.add(new Pin("1.1 Prometheus replicas: 2", true, () -> replicas(prom), 2));
            pins.add(new Pin(
                    "1.1 Prometheus retention: 24h",
                    true,
                    () -> arg(prom, "prometheus", "--storage.tsdb.retention.time"),
                    "24h"));
            pins.add(new Pin("1.1 Prometheus volume: 100Gi", true, () -> claimSize(prom), "100Gi"));
            pins.add(new Pin(
                    "1.1 Prometheus volume class: fast-ssd (named per release, see 4.7)",
                    true,
                    () -> claimClass(prom),
                    "monitoring-fast-ssd"));
            pins.add(new Pin(
                    "1.1 Prometheus resources: 2 / 8Gi, limits 4 / 16Gi",
                    true,
                    () -> resources(prom, "prometheus"),
                    Map.of("requests.cpu", "2", "requests.memory", "8Gi", "limits.cpu", "4", "limits.memory", "16Gi")));
            pins.add(new Pin(
                    "1.1 external label cluster: production",
                    true,
                    () -> r.one(ConfigMap.class, prom)
                            .getData()
                            .get("prometheus.yml")
                            .contains("cluster: \"production\""),
                    true));
            pins.add(new Pin(
                    "1.1 replica label: replica",
                    false,
                    () -> arg(query, "thanos-query", "--query.replica-label"),
                    "prometheus_replica"));
            pins.add(new Pin(
                    "1.1 Prometheus version: v2.48.0",
                    false,
                    () -> container(prom, "prometheus").getImage(),
                    "quay.io/prometheus/prometheus:v3.9.1"));
            pins.add(new Pin(
                    "1.1 Thanos version: v0.32.0",
                    false,
                    () -> container(prom, "thanos-sidecar").getImage(),
                    "quay.io/thanos/thanos:v0.42.4"));
            // 1.3 Query
            pins.add(new Pin("1.3 Thanos Query replicas: 3", true, () -> replicas(query), 3));
            pins.add(new Pin(
                    "1.3 Thanos Query resources: 500m / 1Gi, limits 2 / 4Gi",
                    true,
                    () -> resources(query, "thanos-query"),
                    Map.of(
                            "requests.cpu",
                            "500m",
                            "requests.memory",
                            "1Gi",
                            "limits.cpu",
                            "2",
                            "limits.memory",
                            "4Gi")));
            pins.add(new Pin(
                    "1.3 Thanos Query --store=dnssrv+...",
                    false,
                    () -> args(query, "thanos-query").stream().anyMatch(a -> a.startsWith("--store=")),
                    false));
            // 1.4 Store gateway
            pins.add(new Pin("1.4 store gateway replicas: 2", true, () -> replicas(store), 2));
            pins.add(new Pin(
                    "1.4 --index-cache-size=500MB",
                    true,
                    () -> arg(store, "thanos-store", "--index-cache-size"),
                    "500MB"));
            pins.add(new Pin(
                    "1.4 --chunk-pool-size=2GB", true, () -> arg(store, "thanos-store", "--chunk-pool-size"), "2GB"));
            pins.add(new Pin(
                    "1.4 store gateway requests: 1 / 4Gi (no limits)",
                    false,
                    () -> resources(store, "thanos-store"),
                    Map.of("requests.cpu", "1", "requests.memory", "4Gi", "limits.cpu", "2", "limits.memory", "8Gi")));
            pins.add(new Pin("1.4 store gateway volume: 50Gi", true, () -> claimSize(store), "50Gi"));
            pins.add(new Pin(
                    "1.4 store gateway volume class: fast-ssd",
                    false,
                    () -> claimClass(store),
                    "monitoring-standard-ssd"));
            // 1.5 Compactor
            pins.add(new Pin("1.5 compactor replicas: 1", true, () -> replicas(compactor), 1));
            pins.add(new Pin(
                    "1.5 compactor retention 30d / 90d / 1y and --wait",
                    true,
                    () -> List.of(
                            arg(compactor, "thanos-compactor", "--retention.resolution-raw"),
                                    arg(compactor, "thanos-compactor", "--retention.resolution-5m"),
                            arg(compactor, "thanos-compactor", "--retention.resolution-1h"),
                                    args(compactor, "thanos-compactor").contains("--wait")),
                    List.of("30d", "90d", "1y", true)));
            // 2.x Alertmanager
            pins.add(new Pin("2.1 Alertmanager replicas: 3", true, () -> replicas(am), 3));
            pins.add(new Pin(
                    "2.1 Alertmanager resources: 100m / 256Mi, limits 500m / 512Mi",
                    true,
                    () -> resources(am, "alertmanager"),
                    Map.of(
                            "requests.cpu",
                            "100m",
                            "requests.memory",
                            "256Mi",
                            "limits.cpu",
                            "500m",
                            "limits.memory",
                            "512Mi")));
            pins.add(new Pin("2.1 Alertmanager volume: 10Gi", true, () -> claimSize(am), "10Gi"));
            pins.add(new Pin(
                    "2.1 Alertmanager volume class: fast-ssd (4.7 says standard-ssd)",
                    false,
                    () -> claimClass(am),
                    "monitoring-standard-ssd"));
            pins.add(new Pin(
                    "2.1 Alertmanager version: v0.26.0",
                    false,
                    () -> container(am, "alertmanager").getImage(),
                    "quay.io/prometheus/alertmanager:v0.31.1"));
            pins.add(new Pin(
                    "2.2 gossip port 9094 on a headless Service",
                    true,
                    () -> r.one(Service.class, "monitoring-alertmanager-headless").getSpec().getPorts().stream()
                            .filter(p -> p.getPort() == 9094)
                            .map(ServicePort::getProtocol)
                            .sorted()
                            .toList(),
                    List.of("TCP", "UDP")));
            // 3.1 PostgreSQL
            pins.add(new Pin("3.1 PostgreSQL instances: 3", true, () -> cnpg("instances"), 3));
            pins.add(new Pin(
                    "3.1 PostgreSQL storage: 50Gi on fast-ssd",
                    true,
                    () -> List.of(cnpg("storage", "size"), cnpg("storage", "storageClass")),
                    List.of("50Gi", "monitoring-fast-ssd")));
            pins.add(new Pin(
                    "3.1 max_connections 200, shared_buffers 256MB",
                    true,
                    () -> cnpg("postgresql", "parameters"),
                    Map.of("max_connections", "200", "shared_buffers", "256MB")));
            // 3.2 Redis
            pins.add(new Pin("3.2 Redis replicas: 3", true, () -> replicas(redis), 3));
            pins.add(new Pin(
                    "3.2 Redis requests: 100m / 256Mi",
                    true,
                    () -> List.of(
                            resources(redis, "redis").get("requests.cpu"),
                            resources(redis, "redis").get("requests.memory")),
                    List.of("100m", "256Mi")));
            pins.add(new Pin(
                    "3.2 Redis image redis:7-alpine",
                    false,
                    () -> container(redis, "redis").getImage(),
                    "docker.io/library/redis:7.2.7"));
            pins.add(new Pin(
                    "3.2 --maxmemory 256mb",
                    false,
                    () -> container(redis, "redis").getEnv().stream()
                            .filter(e -> e.getName().equals("REDIS_MEMORY_LIMIT"))
                            .map(e -> e.getValueFrom().getResourceFieldRef().getResource())
                            .toList(),
                    List.of("limits.memory")));
            pins.add(new Pin(
                    "3.2 three independent Redis pods behind one Service",
                    false,
                    () -> Releases.podSpec(r.one(StatefulSet.class, redis)).getContainers().stream()
                            .map(Container::getName)
                            .toList(),
                    List.of("redis", "sentinel")));
            // 3.3 grafana.ini
            pins.add(new Pin(
                    "3.3 root_url https://grafana.example.com",
                    true,
                    () -> ini().contains("root_url = https://grafana.example.com/"),
                    true));
            pins.add(new Pin("3.3 [session] provider redis", false, () -> ini().contains("[session]"), false));
            pins.add(new Pin(
                    "3.3 ha_peers grafana-headless:9094",
                    true,
                    () -> ini().contains("ha_peers = monitoring-grafana-alerting.monitoring.svc.cluster.local:9094"),
                    true));
            // 3.4 Grafana
            pins.add(new Pin("3.4 Grafana replicas: 3", true, () -> replicas(grafana), 3));
            pins.add(new Pin(
                    "3.4 Grafana resources: 500m / 1Gi, limits 2 / 2Gi",
                    true,
                    () -> resources(grafana, "grafana"),
                    Map.of(
                            "requests.cpu",
                            "500m",
                            "requests.memory",
                            "1Gi",
                            "limits.cpu",
                            "2",
                            "limits.memory",
                            "2Gi")));
            pins.add(new Pin(
                    "3.4 Grafana version: 10.2.0",
                    false,
                    () -> container(grafana, "grafana").getImage(),
                    "docker.io/grafana/grafana:12.2.1"));
            pins.add(new Pin(
                    "3.4 liveness /api/health after 30 s, readiness /api/health after 5 s",
                    false,
                    () -> List.of(
                            ProbesRenderTest.check(container(grafana, "grafana").getLivenessProbe()),
                            ProbesRenderTest.check(container(grafana, "grafana").getReadinessProbe()),
                            Objects.requireNonNullElse(
                                    container(grafana, "grafana")
                                            .getLivenessProbe()
                                            .getInitialDelaySeconds(),
                                    0)),
                    List.of("http /healthz http", "http /api/health http", 0)));
            // 4.1 anti-affinity and zones
            pins.add(new Pin(
                    "4.1 required anti-affinity on kubernetes.io/hostname",
                    true,
                    () -> Releases.podSpec(r.one(StatefulSet.class, prom))
                            .getAffinity()
                            .getPodAntiAffinity()
                            .getRequiredDuringSchedulingIgnoredDuringExecution()
                            .get(0)
                            .getTopologyKey(),
                    "kubernetes.io/hostname"));
            pins.add(new Pin(
                    "4.1 anti-affinity selects app.kubernetes.io/name only",
                    false,
                    () -> Releases.podSpec(r.one(StatefulSet.class, prom))
                            .getAffinity()
                            .getPodAntiAffinity()
                            .getRequiredDuringSchedulingIgnoredDuringExecution()
                            .get(0)
                            .getLabelSelector()
                            .getMatchLabels(),
                    Map.of("app.kubernetes.io/name", "prometheus", "app.kubernetes.io/instance", "monitoring")));
            pins.add(new Pin(
                    "4.1 zones preferred (anti-affinity weight 100)",
                    false,
                    () -> Releases.podSpec(r.one(StatefulSet.class, prom)).getTopologySpreadConstraints().stream()
                            .map(c ->
                                    c.getTopologyKey() + " maxSkew " + c.getMaxSkew() + " " + c.getWhenUnsatisfiable())
                            .toList(),
                    List.of("topology.kubernetes.io/zone maxSkew 1 DoNotSchedule")));
            // Object names of sections 1-3
            pins.add(new Pin(
                    "Object names: alertmanager-cluster, grafana-headless, grafana-db, grafana-redis",
                    false,
                    () -> List.of(
                            r.find(Service.class, "monitoring-alertmanager-headless")
                                    .isPresent(),
                            r.find(Service.class, "monitoring-grafana-alerting").isPresent(),
                            r.oneOfKind("Cluster", "monitoring-postgresql") != null,
                            r.find(Service.class, "monitoring-redis").isPresent()),
                    List.of(true, true, true, true)));
            // 4.2 PDBs
            pins.add(new Pin(
                    "4.2 PDB minAvailable: Prometheus 1, Alertmanager 2, Grafana 2, Thanos Query 2",
                    true,
                    () -> List.of(pdb(prom), pdb(am), pdb(grafana), pdb(query)),
                    List.of(1, 2, 2, 2)));
            // 4.3 PriorityClasses
            pins.add(new Pin(
                    "4.3 PriorityClasses monitoring-critical 1000000, monitoring-standard 100000",
                    true,
                    () -> {
                        Map<String, Integer> values = new TreeMap<>();
                        r.all(PriorityClass.class)
                                .forEach(p -> values.put(p.getMetadata().getName(), p.getValue()));
                        return values;
                    },
                    Map.of("monitoring-critical", 1000000, "monitoring-standard", 100000)));
            pins.add(new Pin(
                    "4.3 critical: Prometheus, Alertmanager; standard: Grafana, Thanos Query",
                    true,
                    () -> List.of(priority(prom), priority(am), priority(grafana), priority(query)),
                    List.of(
                            "monitoring-critical",
                            "monitoring-critical",
                            "monitoring-standard",
                            "monitoring-standard")));
            // 4.4 NetworkPolicies
            pins.add(new Pin(
                    "4.4 Grafana ingress from namespace label name=ingress-nginx",
                    false,
                    () -> GrafanaAccessRenderTest.outsidePeers(r).stream()
                            .map(p -> p.getNamespaceSelector().getMatchLabels())
                            .toList(),
                    List.of(Map.of("kubernetes.io/metadata.name", "ingress-nginx"))));
            // 4.5 node pool
            pins.add(new Pin(
                    "4.5 node label node-type=monitoring",
                    false,
                    () -> Releases.podSpec(r.one(StatefulSet.class, prom)).getNodeSelector(),
                    Map.of("workload-pool", "monitoring")));
            pins.add(new Pin(
                    "4.5 taint dedicated=monitoring:NoSchedule tolerated",
                    true,
                    () -> Releases.podSpec(r.one(StatefulSet.class, prom)).getTolerations().stream()
                            .map(t -> t.getKey() + "=" + t.getValue() + ":" + t.getEffect())
                            .toList(),
                    List.of("dedicated=monitoring:NoSchedule")));
            // 4.6 quota and limits
            pins.add(new Pin(
                    "4.6 quota 50 / 200Gi / 100 / 400Gi / 50 PVCs / 5Ti",
                    true,
                    this::quota,
                    Map.of(
                            "requests.cpu",
                            "50",
                            "requests.memory",
                            "200Gi",
                            "limits.cpu",
                            "100",
                            "limits.memory",
                            "400Gi",
                            "persistentvolumeclaims",
                            "50",
                            "requests.storage",
                            "5Ti")));
            pins.add(new Pin(
                    "4.6 LimitRange default 500m / 512Mi, defaultRequest 100m / 128Mi",
                    true,
                    () -> {
                        var item = r.all(LimitRange.class)
                                .get(0)
                                .getSpec()
                                .getLimits()
                                .get(0);
                        return List.of(
                                item.getDefault().get("cpu"),
                                item.getDefault().get("memory"),
                                item.getDefaultRequest().get("cpu"),
                                item.getDefaultRequest().get("memory"));
                    },
                    List.of(new Quantity("500m"), new Quantity("512Mi"), new Quantity("100m"), new Quantity("128Mi"))));
            // 4.7 StorageClasses
            pins.add(new Pin(
                    "4.7 StorageClass names fast-ssd, standard-ssd",
                    false,
                    () -> r.all(StorageClass.class).stream()
                            .map(s -> s.getMetadata().getName())
                            .sorted()
                            .toList(),
                    List.of("monitoring-fast-ssd", "monitoring-standard-ssd")));
            pins.add(new Pin(
                    "4.7 provisioner kubernetes.io/gce-pd",
                    false,
                    () -> storageClass("monitoring-fast-ssd").getProvisioner(),
                    "pd.csi.storage.gke.io"));
            pins.add(new Pin(
                    "4.7 fast-ssd: pd-ssd, Retain, expandable, WaitForFirstConsumer",
                    true,
                    () -> {
                        StorageClass s = storageClass("monitoring-fast-ssd");
                        return List.of(
                                s.getParameters().get("type"),
                                s.getReclaimPolicy(),
                                s.getAllowVolumeExpansion(),
                                s.getVolumeBindingMode());
                    },
                    List.of("pd-ssd", "Retain", true, "WaitForFirstConsumer")));
            pins.add(new Pin(
                    "4.7 fsType: ext4",
                    false,
                    () -> storageClass("monitoring-fast-ssd").getParameters().keySet(),
                    Set.of("type")));
            pins.add(new Pin(
                    "4.7 standard-ssd: pd-balanced",
                    true,
                    () -> storageClass("monitoring-standard-ssd")
                            .getParameters()
                            .get("type"),
                    "pd-balanced"));
            pins.add(new Pin(
                    "4.7 standard-ssd reclaimPolicy Retain",
                    false,
                    () -> storageClass("monitoring-standard-ssd").getReclaimPolicy(),
                    "Delete"));
            return pins;
        }
    }

    @TestFactory
    @DisplayName("each of the guide's numbers and names, at the guide's value or at the chart's documented deviation")
    Stream<DynamicTest> pinned() {
        return new View(Releases.overlay("prod"))
                .pins().stream()
                        .map(pin -> dynamicTest(
                                (pin.followsGuide() ? "as the guide: " : "deviation: ") + pin.item(),
                                () -> assertThat(pin.actual().get())
                                        .as(pin.item())
                                        .isEqualTo(pin.expected())));
    }

    @Test
    @DisplayName("every deviation pinned here has its row in the README's deviation table, and every row is pinned")
    void readmeTableMatches() throws IOException {
        String readme = Files.readString(ProjectPaths.root().resolve("README.md"));
        int start = readme.indexOf("| Guide (section) says |");
        assertThat(start).as("the README's deviation table").isPositive();
        List<String> rows = readme.substring(start)
                .lines()
                .skip(2)
                .takeWhile(l -> l.startsWith("|"))
                .map(l -> l.split("\\|")[1].strip())
                .toList();
        List<String> deviations = new View(Releases.overlay("prod"))
                .pins().stream().filter(p -> !p.followsGuide()).map(Pin::item).toList();
        assertThat(rows).containsExactlyInAnyOrderElementsOf(deviations);
    }

    @Test
    @DisplayName(
            "the pins can fail: staging, which keeps the chart's smaller numbers, misses the guide's quota, volumes and replica counts")
    void pinsCanFail() {
        List<String> failing = new ArrayList<>();
        for (Pin pin : new View(Releases.overlay("staging")).pins()) {
            Object actual;
            try {
                actual = pin.actual().get();
            } catch (RuntimeException | AssertionError e) {
                actual = e;
            }
            if (!Objects.equals(actual, pin.expected())) {
                failing.add(pin.item());
            }
        }
        assertThat(failing)
                .contains(
                        "4.6 quota 50 / 200Gi / 100 / 400Gi / 50 PVCs / 5Ti",
                        "1.1 Prometheus volume: 100Gi",
                        "1.3 Thanos Query replicas: 3",
                        "3.1 PostgreSQL storage: 50Gi on fast-ssd");
    }
}
