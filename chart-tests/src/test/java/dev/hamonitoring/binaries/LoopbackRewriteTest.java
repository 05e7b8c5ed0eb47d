package dev.hamonitoring.binaries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The loopback rewrite on the real chart, without starting anything (no binaries needed): which
 * addresses and paths it changes, that it changes nothing else, and that it refuses what it
 * cannot place.
 */
@DisplayName("The loopback rewrite of the rendered chart")
class LoopbackRewriteTest {

    private static RenderedRelease release;
    private static LoopbackNetwork network;
    private static LoopbackRewrite rewrite;
    private static final TestTimings TIMINGS =
            TestTimings.asRendered().prometheusIntervals("2s", "2s").flag("thanos compact", "--consistency-delay=0s");

    @BeforeAll
    static void declare() {
        release = BinariesRender.prodWith("thanos-filesystem", "alertmanager-webhook");
        network = new LoopbackNetwork(
                release, ProjectPaths.root().resolve("chart-tests/target/binaries/unit-rewrite"), "cluster.local");
        rewrite = new LoopbackRewrite(network, TIMINGS);
        network.declareReplicas("monitoring-prometheus", 2);
        network.declareReplicas("monitoring-alertmanager", 3);
        network.declareReplicas("monitoring-thanos-store", 1);
        network.declareReplicas("monitoring-thanos-query", 1);
        network.declareReplicas("monitoring-thanos-query-frontend", 1);
        network.declareReplicas("monitoring-thanos-compactor", 1);
        network.declareTestPod(
                "ha-test-exporter-0",
                Map.of("app.kubernetes.io/instance", "monitoring", "app.kubernetes.io/name", "ha-test-exporter"),
                "metrics",
                65001);
        network.declareTestPod("ha-test-webhook-0", Map.of("app.kubernetes.io/name", "ha-test-webhook"), "http", 65002);
        network.addTestService("ha-test-webhook", Map.of("app.kubernetes.io/name", "ha-test-webhook"), 8080, "http");
    }

    private static RenderedProcess process(String pod, String container) {
        return rewrite.process(network.pod(pod), container);
    }

    @Nested
    @DisplayName("Prometheus")
    class Prometheus {

        @Test
        @DisplayName("listens on its pod's own loopback port, and its sidecar talks to exactly that port")
        void listenAndSidecar() {
            LoopbackPod pod = network.pod("monitoring-prometheus-1");
            RenderedProcess prometheus = process(pod.name(), "prometheus");
            RenderedProcess sidecar = process(pod.name(), "thanos-sidecar");
            assertThat(prometheus.flag("--web.listen-address")).contains("127.0.0.1:" + pod.hostPort(9090));
            assertThat(sidecar.flag("--prometheus.url")).contains("http://127.0.0.1:" + pod.hostPort(9090));
            assertThat(pod.hostPort(9090))
                    .isNotEqualTo(network.pod("monitoring-prometheus-0").hostPort(9090));
            assertThat(prometheus.flag("--storage.tsdb.path"))
                    .contains(pod.volumeDirectory("data").toString());
            assertThat(sidecar.flag("--tsdb.path")).isEqualTo(prometheus.flag("--storage.tsdb.path"));
            assertThat(prometheus.environment())
                    .containsEntry("POD_NAME", "monitoring-prometheus-1")
                    .containsEntry("POD_IP", "127.0.0.1");
            assertThat(prometheus.readiness())
                    .hasValueSatisfying(u ->
                            assertThat(u.toString()).isEqualTo("http://127.0.0.1:" + pod.hostPort(9090) + "/-/ready"));
        }

        @Test
        @DisplayName("keeps every semantic flag exactly as rendered")
        void semanticFlagsKept() {
            RenderedProcess prometheus = process("monitoring-prometheus-0", "prometheus");
            assertThat(prometheus.args())
                    .contains(
                            "--storage.tsdb.min-block-duration=2h",
                            "--storage.tsdb.max-block-duration=2h",
                            "--storage.tsdb.retention.time=24h",
                            "--web.enable-lifecycle");
            for (String pod : List.of(
                    "monitoring-prometheus-0",
                    "monitoring-thanos-query-0",
                    "monitoring-thanos-compactor-0",
                    "monitoring-alertmanager-0")) {
                RenderedProcess process = process(
                        pod, network.pod(pod).spec().getContainers().get(0).getName());
                List<String> semantic = process.renderedArgs().stream()
                        .filter(a -> a.startsWith("--"))
                        .filter(a -> FlagTable.placement(
                                        process.program(), a.contains("=") ? a.substring(0, a.indexOf('=')) : a)
                                .map(p -> p == FlagTable.Placement.KEEP || p == FlagTable.Placement.SWITCH)
                                .orElse(false))
                        .toList();
                assertThat(semantic).isNotEmpty();
                assertThat(process.args()).as(pod).containsAll(semantic);
            }
            assertThat(prometheus.rewrites(Rewrite.Kind.TIMING)).isEmpty();
            assertThat(prometheus.rewrites(Rewrite.Kind.MUTATION)).isEmpty();
        }

        @Test
        @DisplayName(
                "gets a prometheus.yml that differs from the rendered one only in addresses, paths and the two intervals")
        void configOnlyAddressesPathsIntervals() {
            LoopbackPod pod = network.pod("monitoring-prometheus-0");
            Path file = Path.of(
                    process(pod.name(), "prometheus").flag("--config.file").orElseThrow());
            ConfigRewrite config = rewrite.fileRewrite(file).orElseThrow();
            assertThat(config.unaccountedDifferences()).isEmpty();
            assertThat(config.changedPaths(Rewrite.Kind.TIMING))
                    .containsExactlyInAnyOrder("global.scrape_interval", "global.evaluation_interval");
            JsonNode used = Yaml.read(config.text(), "rewritten");
            assertThat(used.path("global")
                            .path("external_labels")
                            .path("prometheus_replica")
                            .asText())
                    .isEqualTo("${POD_NAME}");
            assertThat(used.path("alerting").path("alert_relabel_configs"))
                    .isEqualTo(config.rendered().path("alerting").path("alert_relabel_configs"));
            assertThat(used.path("scrape_configs").get(0).path("relabel_configs"))
                    .isEqualTo(config.rendered().path("scrape_configs").get(0).path("relabel_configs"));
            assertThat(used.path("rule_files").get(0).asText())
                    .isEqualTo(pod.volumeDirectory("rules").resolve("*.yaml").toString());
        }

        @Test
        @DisplayName("sends alerts to every declared Alertmanager, as the headless Service's A records would list them")
        void everyAlertmanager() {
            Path file = Path.of(process("monitoring-prometheus-0", "prometheus")
                    .flag("--config.file")
                    .orElseThrow());
            JsonNode alertmanagers = Yaml.read(
                            rewrite.fileRewrite(file).orElseThrow().text(), "rewritten")
                    .path("alerting")
                    .path("alertmanagers");
            List<String> expected = List.of(0, 1, 2).stream()
                    .map(i -> "127.0.0.1:"
                            + network.pod("monitoring-alertmanager-" + i).hostPort(9093))
                    .toList();
            assertThat(alertmanagers).hasSize(1);
            assertThat(alertmanagers.get(0).has("dns_sd_configs")).isFalse();
            assertThat(alertmanagers.get(0).path("static_configs").get(0).path("targets"))
                    .extracting(JsonNode::asText)
                    .containsExactlyElementsOf(expected);
        }

        @Test
        @DisplayName("discovers the release's pods like Kubernetes pod discovery would, meta labels included")
        void podDiscovery() {
            Path file = Path.of(process("monitoring-prometheus-0", "prometheus")
                    .flag("--config.file")
                    .orElseThrow());
            JsonNode job = Yaml.read(rewrite.fileRewrite(file).orElseThrow().text(), "rewritten")
                    .path("scrape_configs")
                    .get(0);
            assertThat(job.path("job_name").asText()).isEqualTo("ha-monitoring");
            assertThat(job.has("kubernetes_sd_configs")).isFalse();
            assertThat(job.path("static_configs").findValuesAsText("__meta_kubernetes_pod_name"))
                    .contains("ha-test-exporter-0", "monitoring-prometheus-1", "monitoring-alertmanager-2")
                    .doesNotContain("ha-test-webhook-0");
        }
    }

    @Nested
    @DisplayName("Thanos")
    class Thanos {

        @Test
        @DisplayName("Query's SRV endpoints become every sidecar's and every store gateway's gRPC port")
        void queryEndpoints() {
            RenderedProcess query = process("monitoring-thanos-query-0", "thanos-query");
            assertThat(query.args())
                    .filteredOn(a -> a.startsWith("--endpoint="))
                    .containsExactly(
                            "--endpoint=127.0.0.1:"
                                    + network.pod("monitoring-prometheus-0").hostPort(10901),
                            "--endpoint=127.0.0.1:"
                                    + network.pod("monitoring-prometheus-1").hostPort(10901),
                            "--endpoint=127.0.0.1:"
                                    + network.pod("monitoring-thanos-store-0").hostPort(10901));
            assertThat(query.args()).contains("--query.replica-label=prometheus_replica");
        }

        @Test
        @DisplayName("the query frontend forwards to Query's HTTP port through the Service's targetPort")
        void frontend() {
            assertThat(process("monitoring-thanos-query-frontend-0", "thanos-query-frontend")
                            .flag("--query-frontend.downstream-url"))
                    .contains("http://127.0.0.1:"
                            + network.pod("monitoring-thanos-query-0").hostPort(10902));
        }

        @Test
        @DisplayName("every component shares one FILESYSTEM bucket under the stack's shared directory")
        void objstore() throws Exception {
            Path file = Path.of(process("monitoring-thanos-store-0", "thanos-store")
                    .flag("--objstore.config-file")
                    .orElseThrow());
            assertThat(Files.readString(file))
                    .contains(network.sharedDirectory()
                            .resolve("var/thanos/bucket")
                            .toString());
            assertThat(rewrite.fileRewrite(file).orElseThrow().unaccountedDifferences())
                    .isEmpty();
        }

        @Test
        @DisplayName("the compactor's consistency delay is the one timing added, and it is listed")
        void compactorTiming() {
            RenderedProcess compactor = process("monitoring-thanos-compactor-0", "thanos-compactor");
            assertThat(compactor.rewrites(Rewrite.Kind.TIMING))
                    .extracting(Rewrite::used)
                    .containsExactly("--consistency-delay=0s");
            assertThat(compactor.args())
                    .contains(
                            "--wait",
                            "--deduplication.replica-label=prometheus_replica",
                            "--deduplication.func=penalty",
                            "--compact.enable-vertical-compaction",
                            "--delete-delay=48h");
        }
    }

    @Nested
    @DisplayName("Alertmanager")
    class Alertmanager {

        @Test
        @DisplayName("lists every replica's loopback gossip port as a peer and advertises its own")
        void peers() {
            LoopbackPod pod = network.pod("monitoring-alertmanager-1");
            RenderedProcess am = process(pod.name(), "alertmanager");
            assertThat(am.args())
                    .filteredOn(a -> a.startsWith("--cluster.peer="))
                    .containsExactly(
                            "--cluster.peer=127.0.0.1:"
                                    + network.pod("monitoring-alertmanager-0").hostPort(9094),
                            "--cluster.peer=127.0.0.1:"
                                    + network.pod("monitoring-alertmanager-1").hostPort(9094),
                            "--cluster.peer=127.0.0.1:"
                                    + network.pod("monitoring-alertmanager-2").hostPort(9094));
            assertThat(am.flag("--cluster.advertise-address")).contains("127.0.0.1:" + pod.hostPort(9094));
            assertThat(am.flag("--cluster.listen-address")).contains("127.0.0.1:" + pod.hostPort(9094));
        }

        @Test
        @DisplayName("routes the webhook receiver to the test's server and changes nothing else")
        void webhook() throws Exception {
            Path file = Path.of(process("monitoring-alertmanager-0", "alertmanager")
                    .flag("--config.file")
                    .orElseThrow());
            ConfigRewrite config = rewrite.fileRewrite(file).orElseThrow();
            assertThat(config.text()).contains("http://127.0.0.1:65002/alerts");
            assertThat(config.unaccountedDifferences()).isEmpty();
            assertThat(config.changedPaths(Rewrite.Kind.ADDRESS))
                    .containsExactly("receivers[0].webhook_configs[0].url");
        }
    }

    @Nested
    @DisplayName("fails loudly")
    class Refuses {

        // Pods of their own network: extra pods carry their workload's labels, so Services would select them.
        private final LoopbackNetwork network = new LoopbackNetwork(
                release, ProjectPaths.root().resolve("chart-tests/target/binaries/unit-refuses"), "cluster.local");
        private final LoopbackRewrite rewrite = new LoopbackRewrite(network, TIMINGS);

        @Test
        @DisplayName("on a flag nobody classified")
        void unknownFlag() {
            LoopbackPod pod = network.declareExtraPod("monitoring-prometheus", "unknown-flag-prometheus");
            assertThatThrownBy(() ->
                            rewrite.process(pod, "prometheus", new ArgsMutation("add an unclassified flag", args -> {
                                List<String> next = new ArrayList<>(args);
                                next.add("--storage.tsdb.no-lockfile");
                                return next;
                            })))
                    .isInstanceOf(LoopbackRewriteException.class)
                    .hasMessageContaining("--storage.tsdb.no-lockfile")
                    .hasMessageContaining("FlagTable");
        }

        @Test
        @DisplayName("on a path no volume mounts")
        void unmountedPath() {
            LoopbackPod pod = network.declareExtraPod("monitoring-thanos-store", "unmounted-store");
            assertThatThrownBy(() -> rewrite.process(
                            pod,
                            "thanos-store",
                            ArgsMutation.replace(
                                    "--data-dir=/data", "--data-dir=/var/lib/store", "data dir outside the mounts")))
                    .isInstanceOf(LoopbackRewriteException.class)
                    .hasMessageContaining("no volume is mounted at '/var/lib/store'");
        }

        @Test
        @DisplayName("on a peer name no Service answers for")
        void unknownPeer() {
            network.declareTestPod(
                    "ha-test-webhook-0", Map.of("app.kubernetes.io/name", "ha-test-webhook"), "http", 65002);
            network.addTestService(
                    "ha-test-webhook", Map.of("app.kubernetes.io/name", "ha-test-webhook"), 8080, "http");
            network.declareReplicas("monitoring-alertmanager", 3);
            LoopbackPod pod = network.declareExtraPod("monitoring-alertmanager", "unknown-peer-am");
            assertThatThrownBy(() ->
                            rewrite.process(pod, "alertmanager", new ArgsMutation("peer in another namespace", args -> {
                                List<String> next = new ArrayList<>(args);
                                next.add("--cluster.peer=am-0.am-headless.elsewhere.svc.cluster.local:9094");
                                return next;
                            })))
                    .isInstanceOf(LoopbackRewriteException.class)
                    .hasMessageContaining("no Service am-headless in namespace elsewhere");
        }

        @Test
        @DisplayName("on an object store that is not FILESYSTEM")
        void s3() {
            RenderedRelease s3 = HelmRender.chart(ProjectPaths.umbrellaChart())
                    .valuesFile(ProjectPaths.environment("prod"))
                    .valuesFile(BinariesRender.values("thanos-filesystem"))
                    .set("global.thanos.objectStorage.type", "S3")
                    .render();
            LoopbackNetwork other = new LoopbackNetwork(
                    s3, ProjectPaths.root().resolve("chart-tests/target/binaries/unit-s3"), "cluster.local");
            LoopbackPod pod =
                    other.declareReplicas("monitoring-thanos-store", 1).get(0);
            assertThatThrownBy(() -> new LoopbackRewrite(other, TestTimings.asRendered()).process(pod, "thanos-store"))
                    .isInstanceOf(LoopbackRewriteException.class)
                    .hasMessageContaining("object store type 'S3'");
        }

        @Test
        @DisplayName("on an image whose tag is not the version of the built binary")
        void imageVersion() {
            RenderedRelease older = HelmRender.chart(ProjectPaths.umbrellaChart())
                    .valuesFile(ProjectPaths.environment("prod"))
                    .valuesFile(BinariesRender.values("thanos-filesystem"))
                    .set("alertmanager.image.tag", "v0.30.0")
                    .render();
            LoopbackNetwork other = new LoopbackNetwork(
                    older, ProjectPaths.root().resolve("chart-tests/target/binaries/unit-tag"), "cluster.local");
            LoopbackPod pod =
                    other.declareReplicas("monitoring-alertmanager", 1).get(0);
            assertThatThrownBy(() -> new LoopbackRewrite(other, TestTimings.asRendered()).process(pod, "alertmanager"))
                    .isInstanceOf(LoopbackRewriteException.class)
                    .hasMessageContaining("v0.30.0")
                    .hasMessageContaining("v0.31.1");
        }

        @Test
        @DisplayName("on a Kubernetes discovery role other than pod")
        void clusterScrape() {
            RenderedRelease cluster = HelmRender.chart(ProjectPaths.umbrellaChart())
                    .valuesFile(ProjectPaths.environment("prod"))
                    .valuesFile(BinariesRender.values("thanos-filesystem"))
                    .set("prometheus.scrapeCluster", "true")
                    .render();
            LoopbackNetwork other = new LoopbackNetwork(
                    cluster, ProjectPaths.root().resolve("chart-tests/target/binaries/unit-cluster"), "cluster.local");
            other.declareReplicas("monitoring-alertmanager", 1);
            LoopbackPod pod = other.declareReplicas("monitoring-prometheus", 1).get(0);
            assertThatThrownBy(() -> new LoopbackRewrite(other, TestTimings.asRendered()).process(pod, "prometheus"))
                    .isInstanceOf(LoopbackRewriteException.class)
                    .hasMessageContaining("role 'endpointslice'");
        }
    }
}
