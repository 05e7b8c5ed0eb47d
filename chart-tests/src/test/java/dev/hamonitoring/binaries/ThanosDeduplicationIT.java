package dev.hamonitoring.binaries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real Prometheus, Thanos sidecar, Query, query frontend, store gateway and compactor processes,
 * started from the prod render (plus a FILESYSTEM object store) with the rendered flags and files,
 * addresses and paths on loopback. Two Prometheus replicas scrape the same three exporters of the
 * test through the chart's own pod-discovery job.
 *
 * <p>Test-speed timings (the only semantic changes, asserted below): scrape and evaluation
 * interval 2s instead of 30s, and the compactor's {@code --consistency-delay=0s} (default 30m:
 * it ignores blocks younger than that, and the test's blocks are minutes old).
 */
@DisplayName("Thanos on the rendered configuration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@ExtendWith(Stack.TailsOnFailure.class)
class ThanosDeduplicationIT {

    static final TestTimings TIMINGS =
            TestTimings.asRendered().prometheusIntervals("2s", "2s").flag("thanos compact", "--consistency-delay=0s");
    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(2);
    static final String REPLICA_LABEL = "prometheus_replica";
    static final int EXPORTERS = 3;
    static final String SERIES = "ha_test_uptime_seconds";
    static final int BACKFILL_SAMPLES = 120;
    static final Duration BACKFILL_STEP = Duration.ofSeconds(30);

    private RenderedRelease release;
    private Stack stack;
    private final List<LocalExporter> exporters = new ArrayList<>();
    private List<Stack.Pod> prometheus;
    private Stack.Pod store;
    private Stack.Pod query;
    private Stack.Pod frontend;
    private Stack.Pod compactor;
    private Api.Query thanos;
    private Api.Query viaFrontend;
    private Instant backfillStart;
    private Instant backfillEnd;
    private List<BucketBlocks.Block> uploaded;

    @BeforeAll
    void startStack() throws Exception {
        for (String binary : List.of("prometheus", "promtool", "thanos")) {
            Binaries.path(binary); // A missing binary fails here, naming ci/build-binaries.sh.
        }
        release = BinariesRender.prodWith("thanos-filesystem");
        stack = Stack.from(release, "thanos", TIMINGS);
        for (int i = 0; i < EXPORTERS; i++) {
            exporters.add(new LocalExporter("ha-test-exporter-" + i).declareIn(stack));
        }
        prometheus = stack.replicas("monitoring-prometheus", 2);
        store = stack.replicas("monitoring-thanos-store", 1).get(0);
        query = stack.replicas("monitoring-thanos-query", 1).get(0);
        frontend = stack.replicas("monitoring-thanos-query-frontend", 1).get(0);
        compactor = stack.replicas("monitoring-thanos-compactor", 1).get(0);
        thanos = new Api.Query(query.http(10902, ""));
        viaFrontend = new Api.Query(frontend.http(10902, ""));

        backfill();
        stack.start(prometheus);
        // The sidecars ship the backfilled blocks at once (their first sync runs at start).
        uploaded = await("both sidecars upload their backfilled block")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> BucketBlocks.read(bucket()).stream()
                                .filter(b -> b.source().equals("sidecar"))
                                .toList(),
                        blocks -> blocks.stream()
                                .map(b -> b.labels().get(REPLICA_LABEL))
                                .collect(Collectors.toSet())
                                .equals(Set.of("monitoring-prometheus-0", "monitoring-prometheus-1")));
        // The store gateway syncs the bucket at start (then every 15m, --sync-block-duration default): start it after
        // the upload.
        stack.start(store, query, frontend);
        await("Query sees both replicas' series of every exporter")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> thanos.instant(SERIES, false).series().size() == 2 * EXPORTERS);
        Summary.line("Thanos stack", "started " + stack.startTimes());
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            Summary.line("Thanos stack log warnings about rendered flags", stack.flagWarnings());
            stack.close();
        }
        exporters.forEach(LocalExporter::close);
    }

    private Path bucket() {
        return stack.network().sharedDirectory().resolve("var/thanos/bucket");
    }

    /**
     * Writes one block per replica with promtool, into the replica's data volume before
     * Prometheus starts: an hour of {@code ha_backfill_value} samples inside one 2h block window
     * 4 to 8 hours ago, identical for both replicas. Prometheus loads them, and the sidecar ships
     * them with the replica's external labels, exactly as it ships the blocks Prometheus cuts.
     */
    private void backfill() throws Exception {
        long twoHours = Duration.ofHours(2).toMillis();
        long window = (System.currentTimeMillis() - Duration.ofHours(6).toMillis()) / twoHours * twoHours;
        backfillStart = Instant.ofEpochMilli(window + 60_000);
        backfillEnd = backfillStart.plus(BACKFILL_STEP.multipliedBy(BACKFILL_SAMPLES - 1));
        StringBuilder openMetrics = new StringBuilder()
                .append("# HELP ha_backfill_value Samples promtool writes into blocks, as if scraped hours ago.\n")
                .append("# TYPE ha_backfill_value gauge\n");
        for (int i = 0; i < BACKFILL_SAMPLES; i++) {
            long seconds = backfillStart.plus(BACKFILL_STEP.multipliedBy(i)).getEpochSecond();
            openMetrics
                    .append("ha_backfill_value{source=\"promtool\"} ")
                    .append(i)
                    .append(' ')
                    .append(seconds)
                    .append('\n');
        }
        openMetrics.append("# EOF\n");
        for (Stack.Pod pod : prometheus) {
            Path data = pod.volume("data"); // Writes the pod's volumes (and its directory) first.
            Path input = pod.loopback().directory().resolve("backfill.om");
            Files.writeString(input, openMetrics, StandardCharsets.UTF_8);
            Stack.ToolResult result = stack.run(
                    "promtool-backfill-" + pod.name(),
                    "promtool",
                    pod.loopback().directory(),
                    Duration.ofSeconds(60),
                    "tsdb",
                    "create-blocks-from",
                    "openmetrics",
                    input.toString(),
                    data.toString());
            assertThat(result.exitCode()).as(result.toString()).isZero();
        }
    }

    private static List<Api.Series> withLabel(List<Api.Series> series, String label) {
        return series.stream().filter(s -> s.labels().containsKey(label)).toList();
    }

    private Set<String> exporterNames() {
        return exporters.stream().map(LocalExporter::name).collect(Collectors.toSet());
    }

    // ----------------------------------------------------------------------------------------

    @Nested
    @Order(1)
    @DisplayName("the rendered configuration")
    class RenderedConfiguration {

        @Test
        @DisplayName("passes promtool check config, rules included, as rendered for the binaries and for plain prod")
        void promtool() {
            // The render the processes run (no cluster-scrape jobs) and plain prod (cluster-scrape jobs, token and CA
            // files).
            RenderedRelease prod = HelmRender.chart(ProjectPaths.umbrellaChart())
                    .valuesFile(ProjectPaths.environment("prod"))
                    .render();
            List<String> lines = new ArrayList<>();
            for (Map.Entry<String, RenderedRelease> entry :
                    List.of(Map.entry("binaries", release), Map.entry("prod", prod))) {
                RenderedRelease rendered = entry.getValue();
                String config = rendered.one(ConfigMap.class, "monitoring-prometheus")
                        .getData()
                        .get("prometheus.yml");
                String rules = rendered.one(ConfigMap.class, "monitoring-prometheus-rules")
                        .getData()
                        .get("ha-monitoring.yaml");
                int ruleCount = Yaml.read(rules, "rules").findValues("expr").size();
                LoopbackNetwork check = new LoopbackNetwork(
                        withObjstore(rendered),
                        stack.network().root().resolve("promtool-" + entry.getKey()),
                        "cluster.local");
                LoopbackPod pod =
                        check.declareReplicas("monitoring-prometheus", 1).get(0);
                ConfigRewrite paths = PrometheusConfigRewrite.pathsOnly(
                        config, check, pod, "prometheus", "/etc/prometheus/config/prometheus.yml");
                assertThat(paths.rewrites()).allMatch(r -> r.kind() == Rewrite.Kind.PATH);
                assertThat(paths.unaccountedDifferences()).isEmpty();
                Path file = pod.directory().resolve("prometheus-paths-only.yml");
                write(file, paths.text());
                Stack.ToolResult result = stack.run(
                        "promtool-check-config-" + entry.getKey(),
                        "promtool",
                        pod.directory(),
                        Duration.ofSeconds(60),
                        "check",
                        "config",
                        file.toString());
                assertThat(result.exitCode()).as(result.toString()).isZero();
                assertThat(result.output()).contains("SUCCESS: " + ruleCount + " rules found");
                lines.add(entry.getKey() + ": exit 0, " + ruleCount + " rules, "
                        + paths.rewrites().size() + " path rewrites");
            }
            Summary.line("promtool check config", String.join("; ", lines));
        }

        private RenderedRelease withObjstore(RenderedRelease rendered) {
            // The prod overlay names an existing objstore Secret (created before install, see the README), which a
            // render
            // cannot contain; the Prometheus pod mounts it, promtool does not read it: a placeholder stands in for it.
            if (rendered.find(Secret.class, "thanos-objstore").isPresent()
                    || rendered.find(Secret.class, "monitoring-thanos-objstore").isPresent()) {
                return rendered;
            }
            String placeholder =
                    "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: thanos-objstore\n  namespace: monitoring\n"
                            + "stringData:\n  objstore.yml: \"type: FILESYSTEM\"\n";
            return RenderedRelease.decode(
                    rendered.manifest() + placeholder, "prod plus a placeholder for its existing objstore Secret");
        }

        @Test
        @DisplayName(
                "is accepted by Thanos: tools bucket ls reads the rendered object store config and lists both uploads")
        void objstore() {
            Path config = Path.of(store.rendered("thanos-store")
                    .flag("--objstore.config-file")
                    .orElseThrow());
            ConfigRewrite rewrite = stack.rewrite().fileRewrite(config).orElseThrow();
            assertThat(rewrite.changedPaths(Rewrite.Kind.PATH)).containsExactly("config.directory");
            assertThat(rewrite.unaccountedDifferences()).isEmpty();
            Stack.ToolResult result = stack.run(
                    "thanos-bucket-ls",
                    "thanos",
                    store.loopback().directory(),
                    Duration.ofSeconds(60),
                    "tools",
                    "bucket",
                    "ls",
                    "--objstore.config-file=" + config);
            assertThat(result.exitCode()).as(result.toString()).isZero();
            for (BucketBlocks.Block block : uploaded) {
                assertThat(result.output()).contains(block.ulid());
            }
            Summary.line(
                    "thanos tools bucket ls",
                    "exit 0, lists " + uploaded.size() + " uploaded blocks "
                            + uploaded.stream().map(BucketBlocks.Block::ulid).toList());
        }

        @Test
        @DisplayName("runs with prometheus.yml changed only in addresses, paths and the two shortened intervals")
        void onlyIntervalsChange() {
            for (Stack.Pod pod : prometheus) {
                RenderedProcess process = pod.rendered("prometheus");
                ConfigRewrite config = stack.rewrite()
                        .fileRewrite(Path.of(process.flag("--config.file").orElseThrow()))
                        .orElseThrow();
                assertThat(config.unaccountedDifferences())
                        .as("differences no rewrite accounts for")
                        .isEmpty();
                assertThat(config.changedPaths(Rewrite.Kind.TIMING))
                        .containsExactlyInAnyOrder("global.scrape_interval", "global.evaluation_interval");
                assertThat(config.rewrites())
                        .filteredOn(r -> r.kind() == Rewrite.Kind.TIMING)
                        .extracting(Rewrite::rendered)
                        .containsOnly("30s");
                assertThat(process.rewrites(Rewrite.Kind.TIMING)).isEmpty();
                assertThat(pod.rendered("thanos-sidecar").rewrites(Rewrite.Kind.TIMING))
                        .isEmpty();
            }
            for (Stack.Pod pod : List.of(store, query, frontend)) {
                pod.loopback()
                        .spec()
                        .getContainers()
                        .forEach(c -> assertThat(pod.rendered(c.getName()).rewrites(Rewrite.Kind.TIMING))
                                .isEmpty());
            }
        }
    }

    // ----------------------------------------------------------------------------------------

    @Nested
    @Order(2)
    @DisplayName("the chart's own scrape job and rules, on the real processes")
    class ScrapeJobAndRules {

        @Test
        @DisplayName(
                "discover and scrape every running pod of the release through the rendered pod discovery and relabeling")
        void targets() {
            Stack.Pod first = prometheus.get(0);
            List<JsonNode> targets = await("every running pod's target is up")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> activeTargets(first),
                            list -> list.stream()
                                    .filter(t -> running(t))
                                    .allMatch(t -> t.path("health").asText().equals("up")));
            Map<String, Long> byHealth = targets.stream()
                    .collect(Collectors.groupingBy(t -> t.path("health").asText(), Collectors.counting()));
            List<String> endpoints = targets.stream()
                    .map(t -> t.path("labels").path("pod").asText() + "/"
                            + t.path("labels").path("endpoint").asText())
                    .sorted()
                    .toList();
            assertThat(endpoints)
                    .contains(
                            "monitoring-prometheus-0/http",
                            "monitoring-prometheus-0/sidecar-http",
                            "monitoring-prometheus-1/http",
                            "monitoring-prometheus-1/sidecar-http",
                            "monitoring-thanos-store-0/http",
                            "monitoring-thanos-query-0/http",
                            "ha-test-exporter-0/metrics",
                            "ha-test-exporter-1/metrics",
                            "ha-test-exporter-2/metrics");
            assertThat(targets)
                    .allMatch(t -> !t.path("labels").path("component").asText().isEmpty()
                            && t.path("labels").path("namespace").asText().equals("monitoring"));
            Summary.line("scrape job ha-monitoring", targets.size() + " targets " + byHealth + ": " + endpoints);
        }

        @Test
        @DisplayName("evaluate every rule without error and raise no alert on the healthy stack but Watchdog")
        void rules() {
            List<String> unexpected =
                    unexpectedAlerts(stack, prometheus.get(0), thanos, "healthy stack, sidecars have uploaded");
            assertThat(unexpected)
                    .as("alerts pending or firing on a healthy stack (Watchdog and target-down of pods not"
                            + " started yet excepted)")
                    .isEmpty();
        }

        private List<JsonNode> activeTargets(Stack.Pod pod) {
            List<JsonNode> list = new ArrayList<>();
            Api.get(pod.http(9090, "/api/v1/targets?state=active"))
                    .json()
                    .path("data")
                    .path("activeTargets")
                    .forEach(t -> {
                        if (t.path("labels").path("job").asText().equals("ha-monitoring")) {
                            list.add(t);
                        }
                    });
            return list;
        }

        private boolean running(JsonNode target) {
            String podName = target.path("labels").path("pod").asText();
            return podName.startsWith("ha-test-exporter")
                    || stack.processes().stream().anyMatch(p -> p.spec().pod().equals(podName) && p.isAlive());
        }
    }

    // ----------------------------------------------------------------------------------------

    @Nested
    @Order(3)
    @DisplayName("with the chart's replica label")
    class Deduplication {

        private final List<String> queries = List.of(
                SERIES,
                "ha_test_scrapes_total",
                "rate(ha_test_scrapes_total[10s])",
                "max_over_time(" + SERIES + "[10s])");

        @Test
        @DisplayName(
                "returns exactly one series per target and no replica label when deduplicating, through Query and the frontend")
        void dedupOn() {
            List<String> counts = new ArrayList<>();
            for (Api.Query api : List.of(thanos, viaFrontend)) {
                for (String promql : queries) {
                    Api.QueryResult result = api.instant(promql, true);
                    assertThat(result.success()).as(promql + ": " + result).isTrue();
                    assertThat(result.series()).as(promql + ": " + result).hasSize(EXPORTERS);
                    assertThat(result.series())
                            .as(promql)
                            .noneMatch(s -> s.labels().containsKey(REPLICA_LABEL));
                    assertThat(result.series())
                            .extracting(s -> s.labels().get("pod"))
                            .containsExactlyInAnyOrderElementsOf(exporterNames());
                    assertThat(result.series())
                            .allMatch(s -> "ha-test-exporter".equals(s.labels().get("component"))
                                    && "production".equals(s.labels().get("cluster"))
                                    && "monitoring".equals(s.labels().get("namespace")));
                    counts.add(result.series().size() + "");
                }
                Instant end = Instant.now();
                Api.QueryResult range =
                        api.range("rate(ha_test_scrapes_total[10s])", end.minusSeconds(30), end, SCRAPE_INTERVAL, true);
                assertThat(range.success()).as(range.toString()).isTrue();
                assertThat(range.series())
                        .hasSize(EXPORTERS)
                        .noneMatch(s -> s.labels().containsKey(REPLICA_LABEL));
                counts.add("range " + range.series().size());
            }
            Summary.line(
                    "dedup on",
                    "series per query (Query then frontend, " + queries.size() + " instant + 1 range each): " + counts
                            + " for " + EXPORTERS + " targets");
        }

        @Test
        @DisplayName("returns two series per target, one per replica label value, without deduplication")
        void dedupOff() {
            List<String> counts = new ArrayList<>();
            for (String promql : queries) {
                Api.QueryResult result = thanos.instant(promql, false);
                assertThat(result.success()).as(result.toString()).isTrue();
                assertThat(result.series()).as(promql + ": " + result).hasSize(2 * EXPORTERS);
                assertThat(result.series())
                        .extracting(s -> s.labels().get(REPLICA_LABEL))
                        .containsOnly("monitoring-prometheus-0", "monitoring-prometheus-1");
                counts.add(result.series().size() + "");
            }
            Summary.line("dedup off", "series per query: " + counts + " for " + EXPORTERS + " targets x 2 replicas");
        }

        @Test
        @DisplayName(
                "negative control: a Query started with another replica label returns both replicas even when deduplicating")
        void mismatchedLabelIsCaught() {
            Stack.Pod mismatched = stack.extraPod(
                    "monitoring-thanos-query",
                    "monitoring-thanos-query-mismatched",
                    ArgsMutation.replace(
                            "--query.replica-label=" + REPLICA_LABEL,
                            "--query.replica-label=replica",
                            "negative control: replica label that no Prometheus sets"));
            stack.start(mismatched);
            try {
                assertThat(mismatched.rendered("thanos-query").rewrites(Rewrite.Kind.MUTATION))
                        .hasSize(2);
                Api.Query api = new Api.Query(mismatched.http(10902, ""));
                Api.QueryResult result = await("the mismatched Query sees both replicas")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> api.instant(SERIES, true), r -> r.series().size() >= 2 * EXPORTERS);
                assertThat(result.series()).hasSize(2 * EXPORTERS);
                assertThat(withLabel(result.series(), REPLICA_LABEL)).hasSize(2 * EXPORTERS);
                Summary.line(
                        "dedup negative control",
                        "Query with --query.replica-label=replica, dedup=true: "
                                + result.series().size() + " series for " + EXPORTERS + " targets (the matching Query: "
                                + thanos.instant(SERIES, true).series().size() + ")");
            } finally {
                mismatched.kill();
            }
        }
    }

    // ----------------------------------------------------------------------------------------

    @Nested
    @Order(4)
    @DisplayName("with the replica label renamed in values")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RenamedReplicaLabel {

        private Stack renamed;

        @BeforeAll
        void start() {
            RenderedRelease rendered = BinariesRender.prodWith("thanos-filesystem", "replica-label-renamed");
            renamed = Stack.from(rendered, "thanos-renamed", TIMINGS);
            exporters.forEach(e -> e.declareIn(renamed));
            List<Stack.Pod> replicas = renamed.replicas("monitoring-prometheus", 2);
            Stack.Pod renamedQuery =
                    renamed.replicas("monitoring-thanos-query", 1).get(0);
            renamed.start(replicas);
            renamed.start(renamedQuery);
        }

        @AfterAll
        void stop() {
            if (renamed != null) {
                renamed.close();
            }
        }

        @Test
        @DisplayName(
                "renders the new name into Prometheus, Query and the compactor, and the rendered pair still deduplicates")
        void stillDeduplicates() {
            Stack.Pod renamedQuery = renamed.pod("monitoring-thanos-query-0");
            assertThat(renamedQuery.rendered("thanos-query").renderedArgs())
                    .contains("--query.replica-label=replica")
                    .doesNotContain("--query.replica-label=" + REPLICA_LABEL);
            String config = renamed.network()
                    .release()
                    .one(ConfigMap.class, "monitoring-prometheus")
                    .getData()
                    .get("prometheus.yml");
            JsonNode labels = Yaml.read(config, "prometheus.yml").path("global").path("external_labels");
            assertThat(labels.has("replica")).isTrue();
            assertThat(labels.has(REPLICA_LABEL)).isFalse();
            assertThat(renamed.network()
                            .release()
                            .one(StatefulSet.class, "monitoring-thanos-compactor")
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getArgs())
                    .contains("--deduplication.replica-label=replica");

            Api.Query api = new Api.Query(renamedQuery.http(10902, ""));
            Api.QueryResult off = await("the renamed stack's Query sees both replicas")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> api.instant(SERIES, false), r -> r.series().size() == 2 * EXPORTERS);
            assertThat(off.series())
                    .extracting(s -> s.labels().get("replica"))
                    .containsOnly("monitoring-prometheus-0", "monitoring-prometheus-1");
            Api.QueryResult on = api.instant(SERIES, true);
            assertThat(on.success()).isTrue();
            assertThat(on.series()).hasSize(EXPORTERS).noneMatch(s -> s.labels().containsKey("replica"));
            Summary.line(
                    "renamed replica label",
                    "label 'replica': dedup on " + on.series().size() + " series, off "
                            + off.series().size() + " series; started " + renamed.startTimes());
        }

        @Test
        @DisplayName("raise no alert on freshly started replicas whose sidecars have not cut a block yet, but Watchdog")
        void noAlertOnFreshSidecars() {
            Stack.Pod first = renamed.pod("monitoring-prometheus-0");
            List<String> unexpected = unexpectedAlerts(
                    renamed,
                    first,
                    new Api.Query(renamed.pod("monitoring-thanos-query-0").http(10902, "")),
                    "fresh replicas, no upload yet");
            assertThat(unexpected)
                    .as("alerts pending or firing on freshly started, healthy replicas")
                    .isEmpty();
        }
    }

    // ----------------------------------------------------------------------------------------

    @Nested
    @Order(5)
    @DisplayName("when a Prometheus replica is killed")
    class ReplicaFailure {

        @Test
        @DisplayName(
                "every query keeps succeeding with one series per target, the deduplicated series has no gap, and the restarted replica rejoins")
        void killWhileQuerying() throws Exception {
            Stack.Pod victim = prometheus.get(1);
            AtomicInteger issued = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger warned = new AtomicInteger();
            AtomicInteger duringFailure = new AtomicInteger();
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean down = new AtomicBoolean();
            ExecutorService workers = Executors.newFixedThreadPool(8);
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            // 20 queries a second, alternating Query and the query frontend, each judged on its own.
            ticker.scheduleAtFixedRate(
                    () -> workers.submit(() -> {
                        int n = issued.incrementAndGet();
                        boolean failureWindow = down.get();
                        Api.QueryResult result = (n % 2 == 0 ? thanos : viaFrontend).instant(SERIES, true);
                        boolean ok = result.success()
                                && result.series().size() == EXPORTERS
                                && result.series().stream()
                                        .noneMatch(s -> s.labels().containsKey(REPLICA_LABEL));
                        if (failureWindow) {
                            duringFailure.incrementAndGet();
                        }
                        if (!ok) {
                            failed.incrementAndGet();
                            if (failures.size() < 10) {
                                failures.add(result.toString());
                            }
                        }
                        if (!result.warnings().isEmpty()) {
                            warned.incrementAndGet();
                        }
                    }),
                    0,
                    50,
                    TimeUnit.MILLISECONDS);
            Instant killedAt;
            Instant readyAgain;
            Duration restartTime;
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> issued.get() >= 60);
                killedAt = Instant.now();
                down.set(true);
                victim.kill();
                int atKill = issued.get();
                // Down for at least 12 s of queries (240 at 20/s).
                await().atMost(Duration.ofSeconds(60)).until(() -> issued.get() >= atKill + 240);
                Instant restartAt = victim.restart();
                readyAgain = Instant.now();
                restartTime = Duration.between(restartAt, readyAgain);
                down.set(false);
                int atReady = issued.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> issued.get() >= atReady + 100);
            } finally {
                ticker.shutdownNow();
                workers.shutdown();
                workers.awaitTermination(30, TimeUnit.SECONDS);
            }

            // No gap: a point at every 2s step from 10s before the kill to 10s after the restart, each counting at
            // least
            // one deduplicated sample in the 8s before it (the penalty algorithm may skip up to 2 intervals when it
            // switches).
            Instant start = killedAt.minusSeconds(10);
            Instant end = readyAgain.plusSeconds(10);
            Duration step = SCRAPE_INTERVAL;
            int steps = (int) (Duration.between(start, end).toMillis() / step.toMillis()) + 1;
            String counted = "count_over_time(" + SERIES + "{pod=\"ha-test-exporter-0\"}[8s])";
            Api.QueryResult range = await("range query over the failure window covers its last step")
                    .atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> thanos.range(counted, start, end, step, true),
                            r -> r.series().size() == 1
                                    && r.series().get(0).samples().size() == steps);
            assertThat(range.series().get(0).samples()).allMatch(s -> s[1] >= 1);
            // Raw samples over the window: the deduplicated series vs. the killed replica's own series.
            String raw = SERIES + "{pod=\"ha-test-exporter-0\"}["
                    + Duration.between(start, end).toSeconds() + "s]";
            double dedupGap = maxGap(thanos.instant(raw, end, true).series().get(0));
            // The restarted replica answers Query again only once Query has re-probed its sidecar: wait for its own
            // series.
            Api.Series victimSeries = await(
                            "the killed replica's own series over the window, once Query reaches it again")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> thanos.instant(raw, end, false).series().stream()
                                    .filter(s -> victim.name().equals(s.labels().get(REPLICA_LABEL)))
                                    .findFirst(),
                            Optional::isPresent)
                    .orElseThrow();
            double victimGap = maxGap(victimSeries);
            assertThat(victimGap).as("the killed replica really missed scrapes").isGreaterThanOrEqualTo(10);
            assertThat(dedupGap)
                    .as("largest gap between deduplicated samples, seconds")
                    .isLessThanOrEqualTo(3 * SCRAPE_INTERVAL.toSeconds() + 1);

            assertThat(issued.get()).isGreaterThanOrEqualTo(200);
            assertThat(duringFailure.get())
                    .as("queries issued while the replica was down")
                    .isGreaterThanOrEqualTo(200);
            assertThat(failures).as("failed queries").isEmpty();
            assertThat(failed.get()).isZero();

            await("the restarted replica's series is back")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> thanos.instant(SERIES, false).series().size() == 2 * EXPORTERS);
            Api.QueryResult after = thanos.instant(SERIES, true);
            assertThat(after.series())
                    .hasSize(EXPORTERS)
                    .noneMatch(s -> s.labels().containsKey(REPLICA_LABEL));

            Summary.line(
                    "replica kill",
                    String.format(
                            "queries issued %d (%d while the replica was down), failed %d, with partial-response"
                                    + " warnings %d; range steps %d/%d present; max gap dedup %.1fs vs killed replica %.1fs; restart to ready %.1fs;"
                                    + " after restart dedup on %d series, off %d",
                            issued.get(),
                            duringFailure.get(),
                            failed.get(),
                            warned.get(),
                            range.series().get(0).samples().size(),
                            steps,
                            dedupGap,
                            victimGap,
                            restartTime.toMillis() / 1000.0,
                            after.series().size(),
                            thanos.instant(SERIES, false).series().size()));
        }

        private double maxGap(Api.Series series) {
            double max = 0;
            List<double[]> samples = series.samples();
            for (int i = 1; i < samples.size(); i++) {
                max = Math.max(max, samples.get(i)[0] - samples.get(i - 1)[0]);
            }
            return max;
        }
    }

    // ----------------------------------------------------------------------------------------

    @Nested
    @Order(6)
    @DisplayName("with the store gateway and the compactor")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class StoreGatewayAndCompactor {

        private Stack.Pod storeOnly;
        private Api.Query storeQuery;

        @BeforeAll
        void startStoreOnlyQuery() {
            // The rendered Query minus its sidecar endpoint: everything it returns comes from the store gateway.
            storeOnly = stack.extraPod(
                    "monitoring-thanos-query",
                    "monitoring-thanos-query-store-only",
                    ArgsMutation.removeStartingWith(
                            "--endpoint=dnssrv+_grpc._tcp.monitoring-prometheus-headless",
                            "store gateway only: without the sidecars' endpoint"));
            stack.start(storeOnly);
            storeQuery = new Api.Query(storeOnly.http(10902, ""));
            assertThat(storeOnly.rendered("thanos-query").args())
                    .filteredOn(a -> a.startsWith("--endpoint="))
                    .containsExactly("--endpoint=127.0.0.1:" + store.port(10901));
        }

        private Api.QueryResult backfillRaw(boolean dedup) {
            return storeQuery.instant(
                    "ha_backfill_value["
                            + (BACKFILL_STEP.multipliedBy(BACKFILL_SAMPLES).toSeconds()) + "s]",
                    backfillEnd.plusSeconds(1),
                    dedup);
        }

        @Test
        @Order(1)
        @DisplayName(
                "serve the blocks both sidecars uploaded through the store gateway: two replicas raw, one series deduplicated")
        void storeGatewayServesUploads() {
            Api.QueryResult off = await("the store gateway serves both uploaded blocks")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> backfillRaw(false), r -> r.series().size() == 2);
            assertThat(off.series())
                    .extracting(s -> s.labels().get(REPLICA_LABEL))
                    .containsExactlyInAnyOrder("monitoring-prometheus-0", "monitoring-prometheus-1");
            assertThat(off.series()).allMatch(s -> s.samples().size() == BACKFILL_SAMPLES);
            Api.QueryResult on = backfillRaw(true);
            assertThat(on.series()).hasSize(1);
            assertThat(on.series().get(0).labels()).doesNotContainKey(REPLICA_LABEL);
            assertThat(on.series().get(0).samples()).hasSize(BACKFILL_SAMPLES);
            Summary.line(
                    "store gateway",
                    "uploaded blocks " + uploaded.size() + " (labels "
                            + uploaded.stream()
                                    .map(b -> b.labels().get(REPLICA_LABEL))
                                    .sorted()
                                    .toList()
                            + "); store-only Query over the backfill range: dedup off "
                            + off.series().size() + " series, on " + on.series().size()
                            + " series with " + on.series().get(0).samples().size() + " samples");
        }

        @Test
        @Order(2)
        @DisplayName(
                "after the compactor runs with the chart's flags, one deduplicated block without the replica label covers the range, and queries return one series")
        void compactorDeduplicates() {
            Instant compactorStart = Instant.now();
            stack.start(compactor);
            Set<String> sources =
                    uploaded.stream().map(BucketBlocks.Block::ulid).collect(Collectors.toSet());
            BucketBlocks.Block compacted = await("the compactor writes a block merging both replicas' blocks")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> BucketBlocks.read(bucket()).stream()
                                    .filter(b -> b.level() >= 2
                                            && b.sources().containsAll(sources)
                                            && !b.markedForDeletion())
                                    .findFirst(),
                            Optional::isPresent)
                    .orElseThrow();
            Duration compactionTime = Duration.between(compactorStart, Instant.now());
            assertThat(compacted.labels()).doesNotContainKey(REPLICA_LABEL).containsEntry("cluster", "production");
            assertThat(compacted.source()).isEqualTo("compactor");
            assertThat(compacted.minTime()).isLessThanOrEqualTo(backfillStart.toEpochMilli());
            assertThat(compacted.maxTime()).isGreaterThan(backfillEnd.toEpochMilli());
            assertThat(compacted.numSeries())
                    .as("series in the compacted block")
                    .isEqualTo(1);
            assertThat(compacted.numSamples())
                    .as("samples in the compacted block (both replicas had %d)", BACKFILL_SAMPLES)
                    .isEqualTo(BACKFILL_SAMPLES);
            List<BucketBlocks.Block> after = await("the compactor marks the replicas' blocks for deletion")
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () -> BucketBlocks.read(bucket()),
                            blocks -> blocks.stream()
                                    .filter(b -> sources.contains(b.ulid()))
                                    .allMatch(BucketBlocks.Block::markedForDeletion));
            List<BucketBlocks.Block> live =
                    after.stream().filter(b -> !b.markedForDeletion()).toList();
            assertThat(live).as("blocks not marked for deletion").containsExactly(compacted);

            Path config = Path.of(store.rendered("thanos-store")
                    .flag("--objstore.config-file")
                    .orElseThrow());
            Stack.ToolResult ls = stack.run(
                    "thanos-bucket-ls-after-compaction",
                    "thanos",
                    store.loopback().directory(),
                    Duration.ofSeconds(60),
                    "tools",
                    "bucket",
                    "ls",
                    "--exclude-delete",
                    "--objstore.config-file=" + config);
            assertThat(ls.exitCode()).as(ls.toString()).isZero();
            assertThat(ls.output())
                    .contains(compacted.ulid())
                    .doesNotContain(uploaded.get(0).ulid())
                    .doesNotContain(uploaded.get(1).ulid());

            // The gateway syncs the bucket at start and every 15m: restart it (same data dir) instead of waiting.
            store.kill();
            store.restart();
            Api.QueryResult on = await("the store gateway serves the compacted block")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> backfillRaw(false),
                            r -> r.series().stream().anyMatch(s -> !s.labels().containsKey(REPLICA_LABEL)));
            Api.Series fromCompacted = on.series().stream()
                    .filter(s -> !s.labels().containsKey(REPLICA_LABEL))
                    .findFirst()
                    .orElseThrow();
            assertThat(fromCompacted.samples()).hasSize(BACKFILL_SAMPLES);
            Api.QueryResult dedup = backfillRaw(true);
            assertThat(dedup.series()).hasSize(1);
            assertThat(dedup.series().get(0).labels()).doesNotContainKey(REPLICA_LABEL);
            assertThat(dedup.series().get(0).samples()).hasSize(BACKFILL_SAMPLES);
            Summary.line(
                    "compactor",
                    String.format(
                            "compacted in %.1fs into %s; bucket: %d blocks, %d live; store-only Query after"
                                    + " compaction: dedup on %d series (%d samples), off %d series (%s)",
                            compactionTime.toMillis() / 1000.0,
                            compacted,
                            after.size(),
                            live.size(),
                            dedup.series().size(),
                            dedup.series().get(0).samples().size(),
                            on.series().size(),
                            on.series().stream()
                                    .map(s -> s.labels().getOrDefault(REPLICA_LABEL, "no replica label"))
                                    .sorted()
                                    .toList()));
        }
    }

    /**
     * The chart's ThanosSidecarNotUploading condition as this test suggests fixing it: only the sidecars' upload time
     * (store gateway and compactor export the same metric, at 0 when they never upload), and a sidecar that has never
     * uploaded only alerts once its process is older than the 4h threshold (the first block is cut after 2h).
     */
    static final String SUGGESTED_SIDECAR_RULE =
            "(time() - max by (pod) (thanos_objstore_bucket_last_successful_upload_time"
                    + "{job=\"ha-monitoring\", endpoint=\"sidecar-http\"} > 0) > 4 * 3600)"
                    + " or on (pod) (max by (pod) (thanos_objstore_bucket_last_successful_upload_time{job=\"ha-monitoring\", endpoint=\"sidecar-http\"}) == 0"
                    + " and on (pod) time() - max by (pod) (process_start_time_seconds{job=\"ha-monitoring\", endpoint=\"sidecar-http\"}) > 4 * 3600)";

    /**
     * Alerts pending or firing on {@code prometheusPod} once every rule has been evaluated, other than Watchdog and
     * HaMonitoringTargetDown of pods the test has not started; prints them all, and what the suggested
     * ThanosSidecarNotUploading condition returns, on the summary.
     */
    static List<String> unexpectedAlerts(Stack stack, Stack.Pod prometheusPod, Api.Query query, String situation) {
        // Every running pod scraped, then every rule evaluated after that: the alerts reflect the running stack.
        await("every running pod's target is up")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    List<Boolean> up = new ArrayList<>();
                    Api.get(prometheusPod.http(9090, "/api/v1/targets?state=active"))
                            .json()
                            .path("data")
                            .path("activeTargets")
                            .forEach(t -> {
                                String pod = t.path("labels").path("pod").asText();
                                boolean running = pod.startsWith("ha-test-exporter")
                                        || stack.processes().stream()
                                                .anyMatch(p -> p.spec().pod().equals(pod) && p.isAlive());
                                if (t.path("labels").path("job").asText().equals("ha-monitoring") && running) {
                                    up.add(t.path("health").asText().equals("up"));
                                }
                            });
                    return !up.isEmpty() && !up.contains(false);
                });
        Instant scraped = Instant.now();
        await("every rule evaluated after the scrapes")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    List<Boolean> fresh = new ArrayList<>();
                    Api.get(prometheusPod.http(9090, "/api/v1/rules"))
                            .json()
                            .path("data")
                            .path("groups")
                            .forEach(g -> g.path("rules")
                                    .forEach(r ->
                                            fresh.add(r.path("health").asText().equals("ok")
                                                    && Instant.parse(r.path("lastEvaluation")
                                                                    .asText())
                                                            .isAfter(scraped))));
                    return !fresh.isEmpty() && !fresh.contains(false);
                });
        List<String> all = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        Api.get(prometheusPod.http(9090, "/api/v1/alerts"))
                .json()
                .path("data")
                .path("alerts")
                .forEach(a -> {
                    String name = a.path("labels").path("alertname").asText();
                    String pod = a.path("labels").path("pod").asText("");
                    String text = name + (pod.isEmpty() ? "" : "{pod=" + pod + "}") + " "
                            + a.path("state").asText() + " value "
                            + a.path("value").asText();
                    all.add(text);
                    boolean notStarted = name.equals("HaMonitoringTargetDown")
                            && stack.processes().stream()
                                    .noneMatch(p -> p.spec().pod().equals(pod) && p.isAlive());
                    if (!name.equals("Watchdog") && !notStarted) {
                        unexpected.add(text);
                    }
                });
        Api.QueryResult suggested = query.instant(SUGGESTED_SIDECAR_RULE, true);
        // Not vacuous: with the 4h threshold at 0 it selects every sidecar, and only sidecars.
        Api.QueryResult atZero = query.instant(SUGGESTED_SIDECAR_RULE.replace("> 4 * 3600", "> 0"), true);
        Api.QueryResult uploads =
                query.instant("thanos_objstore_bucket_last_successful_upload_time{job=\"ha-monitoring\"}", true);
        Summary.line(
                "alerts (" + situation + ")",
                all + "; thanos_objstore_bucket_last_successful_upload_time: "
                        + uploads.series().stream()
                                .map(x ->
                                        x.labels().get("pod") + "/" + x.labels().get("endpoint") + "="
                                                + (long) x.samples().get(0)[1])
                                .toList()
                        + "; suggested ThanosSidecarNotUploading condition returns "
                        + suggested.series().size() + " series "
                        + suggested.series().stream().map(Api.Series::labels).toList()
                        + (suggested.success() ? "" : " (query failed: " + suggested + ")")
                        + ", with the threshold at 0s "
                        + atZero.series().stream()
                                .map(x -> x.labels().get("pod"))
                                .sorted()
                                .toList());
        return unexpected;
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
