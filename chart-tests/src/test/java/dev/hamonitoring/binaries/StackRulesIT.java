package dev.hamonitoring.binaries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hamonitoring.render.ChartDashboards;
import dev.hamonitoring.render.ChartRules;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart's own rules against the real programs: two Prometheus replicas with their sidecars,
 * three Alertmanagers, Thanos Query, query frontend, store gateway and compactor, started from the
 * prod render (FILESYSTEM bucket, webhook receiver).
 *
 * <p>First, every query of the shipped rules and dashboards parses, and every metric it selects is
 * exposed by the real program at the pinned version, with the chart's own labels: each selector (parsed by Prometheus' own parser) is
 * queried, with its structural matchers (job, component, endpoint, handler, proxy), from what
 * Prometheus scraped through the chart's job. Then failures are caused for real and the alert
 * they should raise is awaited in Alertmanager: an Alertmanager that joins no cluster, a stopped
 * compactor, a Prometheus dead under its running sidecar, a bucket that cannot be written while a
 * sidecar has a block to upload.
 *
 * <p>Test-speed change: the rules file in the Prometheus pods has every {@code for:} removed (the
 * chart's 5 to 30 minutes would outlast the test); expressions, labels and annotations are as rendered.
 */
@DisplayName("The chart's rules on the real programs")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Stack.TailsOnFailure.class)
class StackRulesIT {

    static final TestTimings TIMINGS = TestTimings.asRendered().prometheusIntervals("2s", "2s");
    static final Duration ALERT_TIMEOUT = Duration.ofSeconds(120);
    /** Components this stack runs (app.kubernetes.io/name, the rules' component label). */
    static final Set<String> RUNNING = Set.of(
            "prometheus", "alertmanager", "thanos-query", "thanos-query-frontend", "thanos-store", "thanos-compactor");
    /** Scrape jobs of the exporters, whose metrics ExporterMetricsIT checks against the real programs. */
    static final String EXPORTER_JOBS = "node-exporter|kube-state-metrics";

    static final String EXPORTERS_REASON =
            "node_exporter and kube-state-metrics need the nodes and an API server: ExporterMetricsIT runs them"
                    + " (against the cluster layer's control plane) and checks these selectors";
    /** Components whose metrics the binaries layer cannot check, and why. A selector of any other component must be checked. */
    static final Map<String, String> NOT_CHECKED = Map.of(
            "grafana",
                    "Grafana is not built by ci/build-binaries.sh (a Go + TypeScript build, not a plain Go module install)",
            "redis-haproxy", "HAProxy is a C program; ci/build-binaries.sh builds Go modules only",
            "loki-.+", "Loki is not built by ci/build-binaries.sh yet",
            "kube-state-metrics", EXPORTERS_REASON);
    /** Scrape jobs of the cluster itself, which the binaries layer does not run (no API server, kubelet or cAdvisor). */
    static final String CLUSTER_JOBS = "kubernetes-.+";

    static final String CLUSTER_JOBS_REASON =
            "the cluster scrape jobs (API servers, kubelets, cAdvisor) need a Kubernetes API server and kubelets;"
                    + " the binaries layer runs neither (its render has prometheus.scrapeCluster=false);"
                    + " ExporterMetricsIT checks the API server job's on the cluster layer's control plane";
    /** Matchers that say which series a rule is about; the others select failure values (code=~"5..") a healthy stack lacks. */
    static final Set<String> STRUCTURAL = Set.of("__name__", "job", "component", "endpoint", "handler", "proxy");

    private RenderedRelease release;
    private Stack stack;
    private WebhookReceiver webhook;
    private List<Stack.Pod> alertmanagers;
    private List<Stack.Pod> prometheus;
    private Stack.Pod store;
    private Stack.Pod query;
    private Stack.Pod frontend;
    private Stack.Pod compactor;
    private Stack.Pod loner;

    @BeforeAll
    void startStack() throws Exception {
        for (String binary : List.of("prometheus", "promtool", "thanos", "alertmanager")) {
            Binaries.path(binary);
        }
        release = BinariesRender.prodWith("thanos-filesystem", "alertmanager-webhook");
        stack = Stack.from(release, "rules", TIMINGS);
        webhook = new WebhookReceiver().declareIn(stack, "ha-test-webhook", 8080);
        alertmanagers = stack.replicas("monitoring-alertmanager", 3);
        prometheus = stack.replicas("monitoring-prometheus", 2);
        store = stack.replicas("monitoring-thanos-store", 1).get(0);
        query = stack.replicas("monitoring-thanos-query", 1).get(0);
        frontend = stack.replicas("monitoring-thanos-query-frontend", 1).get(0);
        compactor = stack.replicas("monitoring-thanos-compactor", 1).get(0);
        // Declared before Prometheus starts (its discovery is fixed at start), started by the split test.
        loner = stack.extraPod(
                "monitoring-alertmanager",
                "monitoring-alertmanager-3",
                ArgsMutation.removeStartingWith("--cluster.peer=", "no peers: a replica that cannot join"));
        for (Stack.Pod pod : prometheus) {
            withoutFor(pod.volume("rules").resolve(ChartRules.FILE));
        }
        stack.start(alertmanagers);
        stack.start(prometheus);
        stack.start(store, query, frontend, compactor);
        Summary.line("rules stack", "started " + stack.startTimes());
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
        if (webhook != null) {
            webhook.close();
        }
    }

    private static void withoutFor(Path rules) throws Exception {
        JsonNode root = ChartRules.parse(Files.readString(rules, StandardCharsets.UTF_8));
        int removed = 0;
        for (JsonNode group : root.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("for")) {
                    ((ObjectNode) rule).remove("for");
                    removed++;
                }
            }
        }
        assertThat(removed).as("rules with a for: in " + rules).isGreaterThan(20);
        Files.writeString(rules, Yaml.write(root), StandardCharsets.UTF_8);
    }

    private int count(String promql) {
        return ChartQueries.count(prometheus.get(0).http(9090, "/"), promql);
    }

    /** Every vector or range selector of a PromQL expression, as Prometheus parses it. */
    private List<JsonNode> selectors(String expr) {
        return ChartQueries.selectors(prometheus.get(0).http(9090, "/"), expr);
    }

    @Test
    @Order(1)
    @DisplayName(
            "every query of the shipped rules and dashboards parses, and every metric it selects is exposed by the real program with the chart's labels, or is listed as not checked with the reason")
    void metricsExist() {
        // Queries through Query and the frontend, so their per-handler HTTP metrics exist.
        for (Stack.Pod pod : List.of(query, frontend)) {
            for (String path : List.of(
                    "/api/v1/query?query=up",
                    "/api/v1/query_range?query=up&start=" + (System.currentTimeMillis() / 1000 - 60) + "&end="
                            + System.currentTimeMillis() / 1000 + "&step=15")) {
                Api.get(pod.http(10902, path));
            }
        }
        RenderedRelease prod = HelmRender.chart(ProjectPaths.umbrellaChart())
                .valuesFile(ProjectPaths.environment("prod"))
                .render();
        Map<String, String> expressions = ChartQueries.expressions(prod);
        Map<String, String> checks = new TreeMap<>();
        Map<String, String> notChecked = new TreeMap<>();
        for (Map.Entry<String, String> expression : expressions.entrySet()) {
            for (JsonNode selector : selectors(expression.getValue())) {
                String name = selector.path("name").asText();
                List<String> matchers = new ArrayList<>();
                String component = null;
                boolean regex = false;
                boolean clusterJob = false;
                boolean exporterJob = false;
                for (JsonNode m : selector.path("matchers")) {
                    String label = m.path("name").asText();
                    clusterJob |=
                            label.equals("job") && m.path("value").asText().matches(CLUSTER_JOBS);
                    exporterJob |=
                            label.equals("job") && m.path("value").asText().matches(EXPORTER_JOBS);
                    if (label.equals("component")) {
                        component = m.path("value").asText();
                        regex = m.path("type").asText().equals("=~");
                    }
                    if (STRUCTURAL.contains(label) && !label.equals("__name__")) {
                        matchers.add(label + m.path("type").asText() + "\""
                                + m.path("value").asText() + "\"");
                    }
                }
                String promql = name + "{" + String.join(", ", matchers) + "}";
                String c = component;
                boolean runs =
                        c == null || (regex ? RUNNING.stream().anyMatch(r -> r.matches(c)) : RUNNING.contains(c));
                if (clusterJob) {
                    notChecked.put(promql, CLUSTER_JOBS_REASON);
                } else if (exporterJob) {
                    notChecked.put(promql, EXPORTERS_REASON);
                } else if (runs) {
                    checks.put(promql, name);
                } else {
                    assertThat(NOT_CHECKED)
                            .as(
                                    "selector " + promql + " of " + expression.getKey()
                                            + " names a component this stack does not run and that is not listed as not checked")
                            .containsKey(c);
                    notChecked.put(promql, NOT_CHECKED.get(c));
                }
            }
        }
        Map<String, Integer> seen = await("Prometheus has scraped every metric the rules select")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(2))
                .until(
                        () -> {
                            Map<String, Integer> counts = new LinkedHashMap<>();
                            checks.keySet().forEach(q -> counts.put(q, count(q)));
                            return counts;
                        },
                        counts -> counts.values().stream().allMatch(n -> n > 0));
        Set<String> names = new TreeSet<>(checks.values());
        Summary.line(
                "rule and dashboard metrics checked against the real programs",
                expressions.size() + " expressions ("
                        + ChartDashboards.queries(prod).size() + " dashboard queries), " + names.size()
                        + " metric names in " + seen.size()
                        + " selectors, all scraped: " + names + "; not checked: " + new TreeSet<>(notChecked.keySet())
                        + " because "
                        + new LinkedHashSet<>(notChecked.values()));
        assertThat(names)
                .contains(
                        "thanos_sidecar_prometheus_up",
                        "thanos_store_nodes_grpc_connections",
                        "thanos_compact_iterations_total",
                        "alertmanager_cluster_members",
                        "prometheus_notifications_alertmanagers_discovered");
    }

    @Test
    @Order(2)
    @DisplayName(
            "negative twin: a selector of a metric no program exposes, or with a component label of the wrong pods, counts no series")
    void missingMetricIsSeen() {
        assertThat(count("thanos_compact_halted{job=\"ha-monitoring\", component=\"thanos-compactor\"}"))
                .isEqualTo(1);
        assertThat(count("thanos_compact_halted{job=\"ha-monitoring\", component=\"thanos-store\"}"))
                .isZero();
        assertThat(count("thanos_compactor_halted{job=\"ha-monitoring\"}")).isZero();
        assertThat(selectors("sum(rate(a_total{job=\"x\"}[5m])) / b"))
                .extracting(s -> s.path("name").asText())
                .containsExactly("a_total", "b");
    }

    private Api.Alertmanager alertmanager() {
        return new Api.Alertmanager(alertmanagers.get(0).http(9093, ""));
    }

    private List<JsonNode> active(String alertname, String label, String value) {
        return alertmanager().alerts(alertname).stream()
                .filter(a -> value.equals(a.path("labels").path(label).asText()))
                .toList();
    }

    private JsonNode awaitAlert(String alertname, String label, String value) {
        return await(alertname + "{" + label + "=" + value + "} reaches Alertmanager")
                .atMost(ALERT_TIMEOUT)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> active(alertname, label, value), a -> !a.isEmpty())
                .get(0);
    }

    @Test
    @Order(3)
    @DisplayName("an Alertmanager that joins no cluster raises AlertmanagerClusterDegraded, which reaches Alertmanager")
    void splitAlertmanager() {
        assertThat(active("AlertmanagerClusterDegraded", "component", "alertmanager"))
                .as("healthy cluster")
                .isEmpty();
        stack.start(loner);
        JsonNode alert = awaitAlert("AlertmanagerClusterDegraded", "pod", "monitoring-alertmanager-3");
        assertThat(alert.path("labels").path("severity").asText()).isEqualTo("warning");
        assertThat(alert.path("annotations").path("runbook_url").asText()).endsWith("#alertmanagerclusterdegraded");
        JsonNode others = awaitAlert("AlertmanagerClusterDegraded", "pod", "monitoring-alertmanager-0");
        Summary.line(
                "AlertmanagerClusterDegraded (real)",
                alert.path("annotations").path("summary").asText() + " / "
                        + others.path("annotations").path("summary").asText());
        loner.kill();
    }

    @Test
    @Order(4)
    @DisplayName("a stopped compactor raises HaMonitoringTargetDown for it, which reaches Alertmanager")
    void stoppedCompactor() {
        assertThat(active("HaMonitoringTargetDown", "pod", compactor.name()))
                .as("compactor running")
                .isEmpty();
        compactor.kill();
        JsonNode alert = awaitAlert("HaMonitoringTargetDown", "pod", compactor.name());
        assertThat(alert.path("labels").path("component").asText()).isEqualTo("thanos-compactor");
        Summary.line(
                "HaMonitoringTargetDown (real)",
                alert.path("annotations").path("summary").asText());
    }

    @Test
    @Order(5)
    @DisplayName(
            "a Prometheus that dies under its running sidecar raises ThanosSidecarPrometheusDown, evaluated by its twin, which reaches Alertmanager")
    void prometheusDiesUnderItsSidecar() {
        Stack.Pod replica = prometheus.get(0);
        assertThat(active("ThanosSidecarPrometheusDown", "pod", replica.name()))
                .as("both containers running")
                .isEmpty();
        LocalProcess server = replica.process("prometheus");
        server.kill();
        assertThat(replica.process("thanos-sidecar").isAlive()).isTrue();
        JsonNode alert = awaitAlert("ThanosSidecarPrometheusDown", "pod", replica.name());
        assertThat(alert.path("labels").path("endpoint").asText()).isEqualTo("sidecar-http");
        Summary.line(
                "ThanosSidecarPrometheusDown (real)",
                alert.path("annotations").path("summary").asText());
        // Back for the next test, which needs this replica to evaluate the rules while the other one is down.
        server.start();
        server.awaitReady(Stack.READY_TIMEOUT);
    }

    @Test
    @Order(6)
    @DisplayName(
            "a bucket that cannot be written while a sidecar has a block to ship raises ThanosSidecarUploadFailures and ThanosBucketOperationsFailing")
    void brokenUploadPath() throws Exception {
        Stack.Pod replica = prometheus.get(1);
        assertThat(active("ThanosSidecarUploadFailures", "pod", replica.name())).isEmpty();
        assertThat(active("ThanosBucketOperationsFailing", "pod", replica.name()))
                .isEmpty();
        replica.kill();
        backfill(replica);
        // The bucket directory becomes a plain file: every write below it fails, as with a revoked bucket.
        Path bucket = stack.network().sharedDirectory().resolve("var/thanos/bucket");
        if (Files.exists(bucket)) {
            try (Stream<Path> walk = Files.walk(bucket)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(bucket.getParent());
        Files.writeString(bucket, "not a directory\n");
        replica.restart();
        JsonNode upload = awaitAlert("ThanosSidecarUploadFailures", "pod", replica.name());
        JsonNode bucketOps = awaitAlert("ThanosBucketOperationsFailing", "pod", replica.name());
        // The shipper checks whether the block is already in the bucket before it uploads; that check is what fails
        // first.
        assertThat(bucketOps.path("labels").path("operation").asText()).isEqualTo("exists");
        Summary.line(
                "ThanosSidecarUploadFailures / ThanosBucketOperationsFailing (real)",
                upload.path("annotations").path("summary").asText() + " / "
                        + bucketOps.path("annotations").path("summary").asText());
    }

    /** One block of an hour of samples, 4 to 8 hours old, written by promtool into the replica's data volume (as ThanosDeduplicationIT does). */
    private void backfill(Stack.Pod pod) throws Exception {
        long twoHours = Duration.ofHours(2).toMillis();
        long start = (System.currentTimeMillis() - Duration.ofHours(6).toMillis()) / twoHours * twoHours / 1000 + 60;
        StringBuilder om = new StringBuilder("# TYPE ha_backfill_value gauge\n");
        for (int i = 0; i < 120; i++) {
            om.append("ha_backfill_value{source=\"promtool\"} ")
                    .append(i)
                    .append(' ')
                    .append(start + 30L * i)
                    .append('\n');
        }
        om.append("# EOF\n");
        Path input = pod.loopback().directory().resolve("backfill.om");
        Files.writeString(input, om, StandardCharsets.UTF_8);
        Stack.ToolResult result = stack.run(
                "promtool-backfill-" + pod.name(),
                "promtool",
                pod.loopback().directory(),
                Duration.ofSeconds(60),
                "tsdb",
                "create-blocks-from",
                "openmetrics",
                input.toString(),
                pod.volume("data").toString());
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }
}
