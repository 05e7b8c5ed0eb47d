package dev.hamonitoring.binaries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hamonitoring.cluster.ClusterTopology;
import dev.hamonitoring.cluster.ControlPlane;
import dev.hamonitoring.render.ChartRules;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The cluster rules and the cluster dashboard against the real exporters at the pinned versions:
 * node_exporter on loopback (it reads this machine's /proc and /sys), and kube-state-metrics,
 * started with the rendered arguments and the ServiceAccount, ClusterRole and ClusterRoleBinding
 * the chart renders, against the cluster layer's control plane (KWOK nodes) holding a Deployment,
 * a StatefulSet, a DaemonSet, a Pending PersistentVolumeClaim and a pod waiting in
 * CrashLoopBackOff. A Prometheus scrapes both under the chart's job names (kube-state-metrics
 * with honor_labels, as rendered; its own metrics under the chart's job ha-monitoring), and every
 * selector of the shipped rules and dashboards on those jobs must count series. A second
 * kube-state-metrics runs with a ServiceAccount bound to no role: a healthy instance streams its
 * lists as watches and counts no list calls, so {@code kube_state_metrics_list_total}, which
 * KubeStateMetricsListErrors reads, exists only on an instance whose lists fail, and is checked
 * there (its telemetry is scraped under the same job and component, another pod).
 *
 * <p>The API server job's selectors are checked the same way against the control plane's own
 * kube-apiserver. Kubelet metrics (job kubernetes-nodes) cannot be checked here: the control plane runs KWOK
 * fake nodes, no kubelet. The rules and dashboards may read exactly {@link #KUBELET_METRICS} of
 * them, checked against the render in both directions.
 */
@DisplayName("The cluster rules' exporter metrics on the real node_exporter and kube-state-metrics")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExporterMetricsIT {

    static final Path WORK = ProjectPaths.root().resolve("chart-tests/target/binaries/exporters");
    static final String NAMESPACE = "monitoring";
    static final String WORKLOADS = "shop";
    /**
     * The scrape jobs checked here, as the chart's prometheus.yml names them: the exporters, and the
     * API servers (the control plane's real kube-apiserver, scraped with the admin certificate).
     */
    static final Set<String> EXPORTER_JOBS = Set.of("node-exporter", "kube-state-metrics", "kubernetes-apiservers");
    /**
     * The kubelet metrics (job kubernetes-nodes) the shipped rules and dashboards read. No layer
     * runs a real kubelet for Prometheus to scrape, so these names are not proven to exist; the
     * list is kept exact so a new one is a deliberate, reviewed addition.
     */
    static final Set<String> KUBELET_METRICS = Set.of(
            "up",
            "kubelet_volume_stats_available_bytes",
            "kubelet_volume_stats_capacity_bytes",
            "kubelet_certificate_manager_client_ttl_seconds");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final RenderedRelease prod = HelmRender.chart(ProjectPaths.umbrellaChart())
            .valuesFile(ProjectPaths.environment("prod"))
            .render();
    private final List<Process> processes = new ArrayList<>();
    private ControlPlane cluster;
    private URI prometheus;
    private URI ksmTelemetry;
    private URI unboundTelemetry;

    @BeforeAll
    void start() throws Exception {
        Files.createDirectories(WORK);
        cluster = ControlPlane.start();
        cluster.topology(ClusterTopology.zones(1).nodesPerZone(2));
        KubernetesClient client = cluster.client();
        objectsToExport(client);
        Path chartKubeconfig = kubeconfigOf(client, chartServiceAccount(client));
        Path unboundKubeconfig = kubeconfigOf(client, unboundServiceAccount(client));

        int nodePort = FreePorts.allocate();
        List<String> nodeArgs = new ArrayList<>();
        for (String arg : containerArgs(prod.one(DaemonSet.class, "monitoring-node-exporter"))) {
            // The host paths are mounted under /host in the pod; here the process reads this machine's own.
            if (!arg.startsWith("--path.") && !arg.startsWith("--web.listen-address=")) {
                nodeArgs.add(arg);
            }
        }
        nodeArgs.add("--web.listen-address=127.0.0.1:" + nodePort);
        start("node-exporter", Binaries.path("node_exporter"), nodeArgs);

        int statePort = FreePorts.allocate();
        int telemetryPort = FreePorts.allocate();
        start(
                "kube-state-metrics",
                Binaries.path("kube-state-metrics"),
                ksmArgs(chartKubeconfig, statePort, telemetryPort));
        ksmTelemetry = URI.create("http://127.0.0.1:" + telemetryPort);
        int unboundState = FreePorts.allocate();
        int unboundTelemetryPort = FreePorts.allocate();
        start(
                "kube-state-metrics-unbound",
                Binaries.path("kube-state-metrics"),
                ksmArgs(unboundKubeconfig, unboundState, unboundTelemetryPort));
        unboundTelemetry = URI.create("http://127.0.0.1:" + unboundTelemetryPort);

        int prometheusPort = FreePorts.allocate();
        Path config = WORK.resolve("prometheus.yml");
        Files.writeString(
                config,
                prometheusConfig(nodePort, statePort, telemetryPort, unboundTelemetryPort),
                StandardCharsets.UTF_8);
        Path data = WORK.resolve("prometheus-data");
        deleteTree(data);
        start(
                "prometheus",
                Binaries.path("prometheus"),
                List.of(
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + data,
                        "--web.listen-address=127.0.0.1:" + prometheusPort));
        prometheus = URI.create("http://127.0.0.1:" + prometheusPort);
        await("Prometheus ready")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> Api.get(prometheus.resolve("/-/ready")).status() == 200);
    }

    @AfterAll
    void stop() {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void start(String name, Path binary, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(args);
        Path log = WORK.resolve(name + ".log");
        Files.writeString(log, String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8);
        processes.add(new ProcessBuilder(command)
                .directory(WORK.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start());
    }

    private static List<String> containerArgs(HasMetadata workload) {
        PodTemplateSpec template = workload instanceof Deployment d
                ? d.getSpec().getTemplate()
                : ((DaemonSet) workload).getSpec().getTemplate();
        return template.getSpec().getContainers().get(0).getArgs();
    }

    /** The rendered arguments, with loopback ports and a kubeconfig instead of the in-cluster configuration. */
    private List<String> ksmArgs(Path kubeconfig, int statePort, int telemetryPort) {
        List<String> args = new ArrayList<>();
        for (String arg : containerArgs(prod.one(Deployment.class, "monitoring-kube-state-metrics"))) {
            if (!arg.startsWith("--port=") && !arg.startsWith("--telemetry-port=")) {
                args.add(arg);
            }
        }
        args.addAll(List.of(
                "--kubeconfig=" + kubeconfig,
                "--host=127.0.0.1",
                "--port=" + statePort,
                "--telemetry-host=127.0.0.1",
                "--telemetry-port=" + telemetryPort));
        return args;
    }

    /** The chart's scrape jobs of the exporters (rendered prometheus.yml), with static targets on loopback. */
    private String prometheusConfig(int nodePort, int statePort, int telemetryPort, int unboundTelemetryPort)
            throws IOException {
        JsonNode rendered = YAML.readTree(
                prod.one(ConfigMap.class, "monitoring-prometheus").getData().get("prometheus.yml"));
        Map<String, JsonNode> jobs = new LinkedHashMap<>();
        rendered.path("scrape_configs").forEach(j -> jobs.put(j.path("job_name").asText(), j));
        assertThat(jobs).containsKeys("ha-monitoring", "node-exporter", "kube-state-metrics", "kubernetes-apiservers");
        Map<String, String> admin = adminCredentials();
        assertThat(jobs.get("kube-state-metrics").path("honor_labels").asBoolean())
                .as("kube-state-metrics' namespace/pod labels are the objects', kept as exported")
                .isTrue();
        return """
                global:
                  scrape_interval: 2s
                  evaluation_interval: 2s
                scrape_configs:
                  - job_name: node-exporter
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                        labels: {node: this-machine}
                  - job_name: kube-state-metrics
                    honor_labels: %s
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                  - job_name: kubernetes-apiservers
                    scheme: https
                    tls_config: {ca_file: "%s", cert_file: "%s", key_file: "%s"}
                    static_configs:
                      - targets: ["%s"]
                  - job_name: ha-monitoring
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                        labels: {component: kube-state-metrics, endpoint: metrics, namespace: %s, pod: monitoring-kube-state-metrics-0}
                      - targets: ["127.0.0.1:%d"]
                        labels: {component: kube-state-metrics, endpoint: metrics, namespace: %s, pod: monitoring-kube-state-metrics-unbound}
                """.formatted(
                        nodePort,
                        jobs.get("kube-state-metrics").path("honor_labels").asText(),
                        statePort,
                        admin.get("ca"),
                        admin.get("cert"),
                        admin.get("key"),
                        admin.get("server"),
                        telemetryPort,
                        NAMESPACE,
                        unboundTelemetryPort,
                        NAMESPACE);
    }

    /** The API server's address and the admin kubeconfig's CA, client certificate and key files. */
    private Map<String, String> adminCredentials() throws IOException {
        JsonNode kubeconfig = YAML.readTree(cluster.kubeconfig().toFile());
        JsonNode server = kubeconfig.path("clusters").get(0).path("cluster");
        JsonNode user = kubeconfig.path("users").get(0).path("user");
        Map<String, String> admin = new LinkedHashMap<>();
        admin.put("server", URI.create(server.path("server").asText()).getAuthority());
        admin.put("ca", server.path("certificate-authority").asText());
        admin.put("cert", user.path("client-certificate").asText());
        admin.put("key", user.path("client-key").asText());
        assertThat(admin.values())
                .as("kubeconfig " + cluster.kubeconfig())
                .allSatisfy(v -> assertThat(v).isNotBlank());
        return admin;
    }

    /** One object of each kind the cluster rules read, in a namespace of ordinary workloads. */
    private static void objectsToExport(KubernetesClient client) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(WORKLOADS)
                        .endMetadata()
                        .build())
                .create();
        Map<String, String> web = Map.of("app", "web");
        client.apps()
                .deployments()
                .inNamespace(WORKLOADS)
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName("web")
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(2)
                        .withNewSelector()
                        .withMatchLabels(web)
                        .endSelector()
                        .withTemplate(template(web))
                        .endSpec()
                        .build())
                .create();
        Map<String, String> db = Map.of("app", "db");
        client.apps()
                .statefulSets()
                .inNamespace(WORKLOADS)
                .resource(new StatefulSetBuilder()
                        .withNewMetadata()
                        .withName("db")
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(1)
                        .withServiceName("db")
                        .withNewSelector()
                        .withMatchLabels(db)
                        .endSelector()
                        .withTemplate(template(db))
                        .endSpec()
                        .build())
                .create();
        Map<String, String> agent = Map.of("app", "agent");
        client.apps()
                .daemonSets()
                .inNamespace(WORKLOADS)
                .resource(new DaemonSetBuilder()
                        .withNewMetadata()
                        .withName("agent")
                        .endMetadata()
                        .withNewSpec()
                        .withNewSelector()
                        .withMatchLabels(agent)
                        .endSelector()
                        .withTemplate(template(agent))
                        .endSpec()
                        .build())
                .create();
        // No StorageClass of this name: the claim stays Pending.
        client.persistentVolumeClaims()
                .inNamespace(WORKLOADS)
                .resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName("data-pending")
                        .endMetadata()
                        .withNewSpec()
                        .withStorageClassName("no-such-class")
                        .withAccessModes("ReadWriteOnce")
                        .withNewResources()
                        .addToRequests("storage", new Quantity("1Gi"))
                        .endResources()
                        .endSpec()
                        .build())
                .create();
        // Held back from scheduling (no KWOK node runs it), so its status is ours to write: a container in
        // CrashLoopBackOff.
        Pod crashing = client.pods()
                .inNamespace(WORKLOADS)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("crashing")
                        .endMetadata()
                        .withSpec(template(Map.of("app", "crashing")).getSpec())
                        .editSpec()
                        .addNewSchedulingGate("ha-monitoring.dev/held")
                        .endSpec()
                        .build())
                .create();
        crashing.getStatus()
                .setContainerStatuses(List.of(new ContainerStatusBuilder()
                        .withName("app")
                        .withImage("registry.k8s.io/pause:3.10")
                        .withImageID("")
                        .withReady(false)
                        .withRestartCount(7)
                        .withNewState()
                        .withNewWaiting()
                        .withReason("CrashLoopBackOff")
                        .endWaiting()
                        .endState()
                        .build()));
        client.pods().inNamespace(WORKLOADS).resource(crashing).updateStatus();
    }

    private static PodTemplateSpec template(Map<String, String> labels) {
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("registry.k8s.io/pause:3.10")
                .endContainer()
                .endSpec()
                .build();
    }

    /** The chart's kube-state-metrics ServiceAccount, ClusterRole and ClusterRoleBinding, as rendered. */
    private ServiceAccount chartServiceAccount(KubernetesClient client) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(NAMESPACE)
                        .endMetadata()
                        .build())
                .create();
        ServiceAccount account = prod.one(ServiceAccount.class, "monitoring-kube-state-metrics");
        client.serviceAccounts().inNamespace(NAMESPACE).resource(account).create();
        client.rbac()
                .clusterRoles()
                .resource(prod.one(ClusterRole.class, "monitoring-monitoring-kube-state-metrics"))
                .create();
        client.rbac()
                .clusterRoleBindings()
                .resource(prod.one(ClusterRoleBinding.class, "monitoring-monitoring-kube-state-metrics"))
                .create();
        return account;
    }

    /** The negative twin's ServiceAccount: bound to no role. */
    private static ServiceAccount unboundServiceAccount(KubernetesClient client) {
        return client.serviceAccounts()
                .inNamespace(NAMESPACE)
                .resource(new ServiceAccountBuilder()
                        .withNewMetadata()
                        .withName("unbound")
                        .endMetadata()
                        .build())
                .create();
    }

    /** A kubeconfig for the control plane that authenticates with a token of the ServiceAccount. */
    private Path kubeconfigOf(KubernetesClient client, ServiceAccount account) throws IOException {
        String token = client.serviceAccounts()
                .inNamespace(NAMESPACE)
                .withName(account.getMetadata().getName())
                .tokenRequest(new TokenRequestBuilder()
                        .withNewSpec()
                        .withExpirationSeconds(3600L)
                        .endSpec()
                        .build())
                .getStatus()
                .getToken();
        JsonNode admin = YAML.readTree(cluster.kubeconfig().toFile());
        ObjectNode config = admin.deepCopy();
        ObjectNode user = config.putArray("users").addObject();
        user.put("name", "sa");
        user.putObject("user").put("token", token);
        for (JsonNode context : config.path("contexts")) {
            ((ObjectNode) context.path("context")).put("user", "sa");
        }
        Path file = WORK.resolve("kubeconfig-" + account.getMetadata().getName() + ".yaml");
        Files.writeString(file, YAML.writeValueAsString(config), StandardCharsets.UTF_8);
        return file;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private int count(String promql) {
        return ChartQueries.count(prometheus, promql);
    }

    /** The exporter selectors of the prod render's rules and dashboards, as the structural PromQL to count: name{job, component}. */
    private Map<String, String> exporterSelectors() {
        Map<String, String> checks = new TreeMap<>();
        for (Map.Entry<String, String> expression :
                ChartQueries.expressions(prod).entrySet()) {
            for (JsonNode selector : ChartQueries.selectors(prometheus, expression.getValue())) {
                String job = ChartQueries.matcher(selector, "job");
                String component = ChartQueries.matcher(selector, "component");
                boolean exporter = (job != null && EXPORTER_JOBS.contains(job))
                        || ("ha-monitoring".equals(job) && "kube-state-metrics".equals(component));
                if (exporter) {
                    String name = selector.path("name").asText();
                    String promql = name + "{job=\"" + job + "\""
                            + (component == null ? "" : ", component=\"" + component + "\"") + "}";
                    checks.put(promql, expression.getKey());
                }
            }
        }
        return checks;
    }

    @Nested
    @DisplayName("metrics")
    class Metrics {

        @Test
        @DisplayName(
                "every selector of the shipped rules and dashboards on the exporters' jobs counts series scraped from the real programs")
        void exposed() {
            Map<String, String> checks = exporterSelectors();
            Map<String, Integer> seen = await(
                            "Prometheus has scraped every exporter metric the rules and dashboards select")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(
                            () -> {
                                Map<String, Integer> counts = new TreeMap<>();
                                checks.keySet().forEach(q -> counts.put(q, count(q)));
                                return counts;
                            },
                            counts -> counts.values().stream().allMatch(n -> n > 0));
            Set<String> names = new TreeSet<>();
            checks.keySet().forEach(q -> names.add(q.substring(0, q.indexOf('{'))));
            assertThat(names)
                    .contains(
                            "node_filesystem_avail_bytes",
                            "node_memory_MemAvailable_bytes",
                            "kube_node_status_condition",
                            "kube_pod_container_status_waiting_reason",
                            "kube_deployment_status_replicas_available",
                            "kube_statefulset_status_replicas_ready",
                            "kube_daemonset_status_number_ready",
                            "kube_persistentvolumeclaim_status_phase",
                            "kube_state_metrics_list_total",
                            "apiserver_request_total",
                            "apiserver_client_certificate_expiration_seconds_bucket");
            Summary.line(
                    "exporter metrics checked against node_exporter "
                            + Binaries.version(Binaries.Component.NODE_EXPORTER) + ", kube-state-metrics "
                            + Binaries.version(Binaries.Component.KUBE_STATE_METRICS)
                            + " and the control plane's kube-apiserver " + cluster.kubeVersion(),
                    names.size() + " metric names in " + seen.size() + " selectors, all scraped: " + names);
        }

        @Test
        @DisplayName(
                "negative twin: a misspelt metric, or a kube-state-metrics metric under the node-exporter job, counts no series")
        void missingIsSeen() {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> count("kube_deployment_spec_replicas{job=\"kube-state-metrics\"}") > 0);
            assertThat(count("node_filesystem_avail_byte{job=\"node-exporter\"}"))
                    .isZero();
            assertThat(count("kube_deployment_spec_replicas{job=\"node-exporter\"}"))
                    .isZero();
            assertThat(ChartQueries.selectors(
                            prometheus,
                            "kube_node_status_condition{job=\"kube-state-metrics\"} == 0 and on (node) up{job=\"x\"}"))
                    .extracting(s -> ChartQueries.matcher(s, "job"))
                    .containsExactly("kube-state-metrics", "x");
        }

        @Test
        @DisplayName(
                "the objects' own namespace and pod labels survive the scrape (honor_labels), and the waiting reason is CrashLoopBackOff")
        void objectLabels() {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() ->
                            count("kube_pod_container_status_waiting_reason{job=\"kube-state-metrics\", namespace=\""
                                            + WORKLOADS
                                            + "\", pod=\"crashing\", container=\"app\", reason=\"CrashLoopBackOff\"}")
                                    == 1);
            assertThat(count("kube_deployment_spec_replicas{job=\"kube-state-metrics\", exported_namespace!=\"\"}"))
                    .isZero();
        }
    }

    @Nested
    @DisplayName("the chart's RBAC")
    class Rbac {

        @Test
        @DisplayName(
                "the rendered ClusterRole lets kube-state-metrics watch every kind it exports: six watches succeed, no list fails")
        void enough() {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> watched(ksmTelemetry, "success").size() == 6);
            assertThat(watched(ksmTelemetry, "error")).isEmpty();
            assertThat(counted(ksmTelemetry, "kube_state_metrics_list_total", "error"))
                    .isEmpty();
        }

        @Test
        @DisplayName(
                "negative twin: a ServiceAccount bound to no role fails the lists of all six kinds, which the rule's metric counts")
        void unboundFails() throws IOException {
            try {
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofSeconds(2))
                        .until(
                                () -> counted(unboundTelemetry, "kube_state_metrics_list_total", "error"),
                                n -> n.size() == 6);
                assertThat(watched(unboundTelemetry, "success")).isEmpty();
            } finally {
                // What it exposed, for the report.
                Files.writeString(
                        WORK.resolve("kube-state-metrics-unbound-telemetry.txt"),
                        Api.get(unboundTelemetry.resolve("/metrics")).text(),
                        StandardCharsets.UTF_8);
            }
        }

        /** The resources with kube_state_metrics_watch_total{result} above 0 on a telemetry endpoint. */
        private Set<String> watched(URI telemetry, String result) {
            return counted(telemetry, "kube_state_metrics_watch_total", result);
        }

        /** The resources with {@code metric{result}} above 0 on a telemetry endpoint. */
        private Set<String> counted(URI telemetry, String metric, String result) {
            Set<String> resources = new TreeSet<>();
            for (String line : Api.get(telemetry.resolve("/metrics")).text().split("\n")) {
                if (line.startsWith(metric + "{")
                        && line.contains("result=\"" + result + "\"")
                        && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) > 0) {
                    resources.add(line.replaceAll(".*resource=\"([^\"]*)\".*", "$1"));
                }
            }
            return resources;
        }
    }

    @Nested
    @DisplayName("kubelet metrics")
    class Kubelet {

        private Set<String> kubeletNames(RenderedRelease release) {
            Set<String> names = new TreeSet<>();
            for (String expr : ChartQueries.expressions(release).values()) {
                for (JsonNode selector : ChartQueries.selectors(prometheus, expr)) {
                    if ("kubernetes-nodes".equals(ChartQueries.matcher(selector, "job"))) {
                        names.add(selector.path("name").asText());
                    }
                }
            }
            return names;
        }

        @Test
        @DisplayName(
                "the rules and dashboards read exactly the listed kubelet metrics, which no layer can scrape from a real kubelet")
        void exactList() {
            assertThat(kubeletNames(prod)).isEqualTo(KUBELET_METRICS);
        }

        @Test
        @DisplayName("negative twin: with the kubernetes rule group off, the set differs from the list")
        void listIsNotVacuous() {
            RenderedRelease off = HelmRender.chart(ProjectPaths.umbrellaChart())
                    .valuesFile(ProjectPaths.environment("prod"))
                    .set("prometheus.rules.kubernetes.enabled", "false")
                    .render();
            assertThat(ChartRules.groups(ChartRules.rulesFile(off))).doesNotContainKey("ha-monitoring-kubernetes");
            assertThat(kubeletNames(off))
                    .isNotEqualTo(KUBELET_METRICS)
                    .doesNotContain("kubelet_volume_stats_capacity_bytes");
        }
    }
}
