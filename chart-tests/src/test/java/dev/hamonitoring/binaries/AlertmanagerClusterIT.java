package dev.hamonitoring.binaries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three real Alertmanagers with the rendered config and peer list, and the two Prometheus
 * replicas with the rendered prometheus.yml and rules (containers {@code prometheus} only: the
 * sidecar plays no part in alerting), addresses and paths on loopback. Alertmanager routes to a
 * webhook the test serves (values file {@code binaries/alertmanager-webhook.yaml}, short group
 * timers). Prometheus scrape and evaluation intervals are 2s instead of 30s (the only semantic change).
 *
 * <p><b>How long "exactly once" is watched:</b> Alertmanager deduplicates across replicas by
 * position: the replica at position {@code i} in the sorted member list waits
 * {@code i x --cluster.peer-timeout} (15s; the chart keeps the default) after its group flush,
 * then sends only if the gossiped notification log does not show the group as notified. With
 * three replicas the last possible duplicate comes 30s after the first notification, plus the
 * skew between the replicas' flushes (each receives the alert from each Prometheus separately:
 * at most one evaluation interval, 2s, plus group_wait, 2s) plus gossip propagation (well under
 * a second on loopback). The test watches {@value #WATCH_SECONDS}s after the first notification:
 * 30s + 4s of skew + an 11s margin.
 *
 * <p><b>Why the first Watchdog notification takes about a minute:</b> Prometheus evaluates
 * Watchdog (2s after start) before its notifier has discovered the Alertmanagers (discovery
 * updates are throttled to 5s), so that first send reaches nobody, and a firing alert is re-sent
 * only every {@code --rules.alert.resend-delay} (1m, Prometheus' default; the chart keeps it).
 * Seen with the notifier metrics: {@code prometheus_notifications_alertmanagers_discovered} goes
 * from 0 to 3 at about 6s, {@code prometheus_notifications_sent_total} stays 0 until about 60s.
 * Alerts that start firing later (the test's own) are sent at once.
 */
@DisplayName("Alertmanager on the rendered configuration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@ExtendWith(Stack.TailsOnFailure.class)
class AlertmanagerClusterIT {

    static final long WATCH_SECONDS = 45;
    /** After a restarted replica receives the alerts: group_wait 2s + at most 2 x 15s of peer wait + margin. */
    static final long REJOIN_WATCH_SECONDS = 35;

    static final TestTimings TIMINGS = TestTimings.asRendered().prometheusIntervals("2s", "2s");

    private RenderedRelease release;
    private Stack stack;
    private WebhookReceiver webhook;
    private LocalExporter exporter;
    private List<Stack.Pod> alertmanagers;
    private List<Stack.Pod> prometheus;
    private Stack.Pod killed;
    private String silenceId;
    private Instant started;

    @BeforeAll
    void startStack() {
        for (String binary : List.of("alertmanager", "amtool", "prometheus")) {
            Binaries.path(binary);
        }
        release = BinariesRender.prodWith("thanos-filesystem", "alertmanager-webhook");
        stack = Stack.from(release, "alertmanager", TIMINGS);
        webhook = new WebhookReceiver().declareIn(stack, "ha-test-webhook", 8080);
        exporter = new LocalExporter("ha-test-exporter-0").declareIn(stack);
        alertmanagers = stack.replicas("monitoring-alertmanager", 3);
        prometheus = stack.replicas("monitoring-prometheus", 2);
        prometheus.forEach(p -> p.containers("prometheus"));
        stack.start(alertmanagers);
        stack.start(prometheus);
        started = Instant.now();
        Summary.line("Alertmanager stack", "started " + stack.startTimes());
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            Summary.line("Alertmanager stack log warnings about rendered flags", stack.flagWarnings());
            stack.close();
        }
        if (webhook != null) {
            webhook.close();
        }
        if (exporter != null) {
            exporter.close();
        }
    }

    private Api.Alertmanager api(Stack.Pod pod) {
        return new Api.Alertmanager(pod.http(9093, ""));
    }

    /** Which replica sent a notification: its externalURL carries its loopback web port. */
    private String sender(WebhookReceiver.Notification notification) {
        int port = URI.create(notification.body().path("externalURL").asText()).getPort();
        return alertmanagers.stream()
                .filter(p -> p.port(9093) == port)
                .map(Stack.Pod::name)
                .findFirst()
                .orElse("port " + port);
    }

    // ----------------------------------------------------------------------------------------

    @Nested
    @Order(1)
    @DisplayName("the rendered configuration")
    class RenderedConfiguration {

        @Test
        @DisplayName("passes amtool check-config, for the test's receiver and for plain prod")
        void amtool() throws Exception {
            RenderedRelease prod = HelmRender.chart(ProjectPaths.umbrellaChart())
                    .valuesFile(ProjectPaths.environment("prod"))
                    .render();
            List<String> lines = new ArrayList<>();
            for (Map.Entry<String, RenderedRelease> entry :
                    List.of(Map.entry("binaries", release), Map.entry("prod", prod))) {
                Secret secret = entry.getValue().one(Secret.class, "monitoring-alertmanager");
                String config = secret.getStringData().get("alertmanager.yml");
                LoopbackNetwork check = new LoopbackNetwork(
                        entry.getValue(), stack.network().root().resolve("amtool-" + entry.getKey()), "cluster.local");
                LoopbackPod pod =
                        check.declareReplicas("monitoring-alertmanager", 1).get(0);
                ConfigRewrite paths = AlertmanagerConfigRewrite.pathsOnly(
                        config, check, pod, "alertmanager", "/etc/alertmanager/config/alertmanager.yml");
                assertThat(paths.rewrites())
                        .as("the rendered config has no paths to translate")
                        .isEmpty();
                Path file = pod.directory().resolve("alertmanager.yml");
                Files.createDirectories(file.getParent());
                Files.writeString(file, config, StandardCharsets.UTF_8); // exactly as rendered
                Stack.ToolResult result = stack.run(
                        "amtool-check-config-" + entry.getKey(),
                        "amtool",
                        pod.directory(),
                        Duration.ofSeconds(60),
                        "check-config",
                        file.toString());
                assertThat(result.exitCode()).as(result.toString()).isZero();
                assertThat(result.output()).contains("SUCCESS");
                lines.add(entry.getKey() + ": exit 0, receivers "
                        + Yaml.read(config, "am").path("receivers").findValuesAsText("name"));
            }
            Summary.line("amtool check-config", String.join("; ", lines));
        }

        @Test
        @DisplayName("is run with only the webhook address changed")
        void onlyTheWebhookAddressChanges() {
            for (Stack.Pod pod : alertmanagers) {
                ConfigRewrite config = stack.rewrite()
                        .fileRewrite(Path.of(pod.rendered("alertmanager")
                                .flag("--config.file")
                                .orElseThrow()))
                        .orElseThrow();
                assertThat(config.unaccountedDifferences()).isEmpty();
                assertThat(config.changedAt()).containsOnlyKeys("receivers[0].webhook_configs[0].url");
                assertThat(pod.rendered("alertmanager").rewrites(Rewrite.Kind.TIMING))
                        .isEmpty();
            }
        }
    }

    // ----------------------------------------------------------------------------------------

    @Nested
    @Order(2)
    @DisplayName("the three replicas")
    class Cluster {

        @Test
        @DisplayName("form one gossip cluster through the rendered --cluster.peer list: each reports three peers")
        void threePeers() {
            List<String> seen = new ArrayList<>();
            for (Stack.Pod pod : alertmanagers) {
                JsonNode status = await(pod.name() + " sees three peers and has settled")
                        .atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500))
                        .until(
                                () -> api(pod).status(),
                                s -> s.path("cluster").path("peers").size() == 3
                                        && s.path("cluster")
                                                .path("status")
                                                .asText()
                                                .equals("ready"));
                List<String> peers = new ArrayList<>();
                status.path("cluster")
                        .path("peers")
                        .forEach(p -> peers.add(p.path("name").asText()));
                assertThat(peers).doesNotHaveDuplicates();
                List<String> addresses = new ArrayList<>();
                status.path("cluster")
                        .path("peers")
                        .forEach(p -> addresses.add(p.path("address").asText()));
                assertThat(addresses)
                        .containsExactlyInAnyOrderElementsOf(alertmanagers.stream()
                                .map(a -> "127.0.0.1:" + a.port(9094))
                                .toList());
                seen.add(pod.name() + "=" + peers.size());
            }
            assertThat(alertmanagers.get(0).rendered("alertmanager").args())
                    .filteredOn(a -> a.startsWith("--cluster.peer="))
                    .hasSize(3);
            // What the chart's AlertmanagerClusterDegraded rule reads, scraped through the chart's own job.
            Api.Query api = new Api.Query(prometheus.get(0).http(9090, ""));
            Api.QueryResult members = await("Prometheus scrapes alertmanager_cluster_members of every replica")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> api.instant("alertmanager_cluster_members{job=\"ha-monitoring\"}", false),
                            r -> r.series().size() == 3
                                    && r.series().stream()
                                            .allMatch(x -> x.samples().get(0)[1] == 3));
            assertThat(members.series())
                    .allMatch(x -> "alertmanager".equals(x.labels().get("component")));
            Summary.line(
                    "Alertmanager cluster",
                    "peers per replica: " + seen + "; alertmanager_cluster_members scraped by the chart's job: "
                            + members.series().stream()
                                    .map(x -> x.labels().get("pod") + "="
                                            + (int) x.samples().get(0)[1])
                                    .toList());
        }
    }

    // ----------------------------------------------------------------------------------------

    @Nested
    @Order(3)
    @DisplayName("Prometheus with the rendered alerting config")
    class Notifications {

        @Test
        @DisplayName(
                "sends to all three Alertmanagers, each holds the Watchdog alert once, and the webhook gets exactly one notification")
        void watchdogOnce() {
            for (Stack.Pod pod : prometheus) {
                Api.Response response = await(pod.name() + " discovers three Alertmanagers")
                        .atMost(Duration.ofSeconds(30))
                        .until(
                                () -> Api.get(pod.http(9090, "/api/v1/alertmanagers")),
                                r -> r.json() != null
                                        && r.json()
                                                        .path("data")
                                                        .path("activeAlertmanagers")
                                                        .size()
                                                == 3);
                List<String> urls = new ArrayList<>();
                response.json()
                        .path("data")
                        .path("activeAlertmanagers")
                        .forEach(a -> urls.add(a.path("url").asText()));
                assertThat(urls)
                        .containsExactlyInAnyOrderElementsOf(alertmanagers.stream()
                                .map(a -> "http://127.0.0.1:" + a.port(9093) + "/api/v2/alerts")
                                .toList());
            }
            for (Stack.Pod pod : alertmanagers) {
                List<JsonNode> watchdog = await(pod.name() + " receives Watchdog")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> api(pod).alerts("Watchdog"), a -> !a.isEmpty());
                assertThat(watchdog)
                        .as("both Prometheus replicas' Watchdog is one alert (replica label dropped)")
                        .hasSize(1);
                assertThat(watchdog.get(0).path("labels").has(ThanosDeduplicationIT.REPLICA_LABEL))
                        .isFalse();
            }
            WebhookReceiver.Notification first = await("the webhook receives Watchdog")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> webhook.forAlert("Watchdog"), n -> !n.isEmpty())
                    .get(0);
            await("no second Watchdog notification for " + WATCH_SECONDS + "s")
                    .during(Duration.ofSeconds(WATCH_SECONDS))
                    .atMost(Duration.ofSeconds(WATCH_SECONDS + 5))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> webhook.forAlert("Watchdog").size() == 1);
            assertThat(first.alertNames()).containsExactly("Watchdog");
            assertThat(first.body().path("alerts").get(0).path("labels").has(ThanosDeduplicationIT.REPLICA_LABEL))
                    .isFalse();
            Summary.line(
                    "Watchdog",
                    String.format(
                            "held by %d of 3 Alertmanagers; first notification %.1fs after the stack was ready,"
                                    + " sent by %s; webhook notifications %d in the %ds after the first",
                            alertmanagers.size(),
                            Duration.between(started, first.at()).toMillis() / 1000.0,
                            sender(first),
                            webhook.forAlert("Watchdog").size(),
                            WATCH_SECONDS));
        }
    }

    // ----------------------------------------------------------------------------------------

    @Nested
    @Order(4)
    @DisplayName("after one Alertmanager is killed")
    class Failover {

        @Test
        @DisplayName(
                "a new alert is still notified exactly once, and a silence created on one replica is shown and honoured by the other")
        void killedReplica() {
            // Kill the replica that sent Watchdog: the one the others defer to.
            String watchdogSender = sender(webhook.forAlert("Watchdog").get(0));
            killed = alertmanagers.stream()
                    .filter(p -> p.name().equals(watchdogSender))
                    .findFirst()
                    .orElse(alertmanagers.get(0));
            List<Stack.Pod> survivors =
                    alertmanagers.stream().filter(p -> p != killed).toList();
            Instant killedAt = Instant.now();
            killed.kill();

            // A silence on one survivor, visible on the other through gossip.
            silenceId = api(survivors.get(0)).silence("HaTestSilenced", "binary test: must suppress on every replica");
            await("the other survivor shows the silence")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> ids(api(survivors.get(1)).silences()).contains(silenceId));

            // Both alerts fire at the same time; Prometheus sends them to the survivors (and fails on the killed one).
            exporter.trigger("after-failover", 1);
            exporter.trigger("silenced", 1);
            for (Stack.Pod pod : survivors) {
                JsonNode silenced = await(pod.name() + " holds HaTestSilenced, suppressed")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(
                                () -> api(pod).alerts("HaTestSilenced"),
                                a -> a.size() == 1
                                        && a.get(0)
                                                .path("status")
                                                .path("state")
                                                .asText()
                                                .equals("suppressed"))
                        .get(0);
                assertThat(silenced.path("status").path("silencedBy"))
                        .extracting(JsonNode::asText)
                        .containsExactly(silenceId);
            }
            WebhookReceiver.Notification first = await("the webhook receives HaTestAfterFailover")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> webhook.forAlert("HaTestAfterFailover"), n -> !n.isEmpty())
                    .get(0);
            Duration toNotification = Duration.between(killedAt, first.at());
            await("no duplicate of HaTestAfterFailover and no HaTestSilenced for " + WATCH_SECONDS + "s")
                    .during(Duration.ofSeconds(WATCH_SECONDS))
                    .atMost(Duration.ofSeconds(WATCH_SECONDS + 5))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> webhook.forAlert("HaTestAfterFailover").size() == 1
                            && webhook.forAlert("HaTestSilenced").isEmpty());
            assertThat(survivors).allMatch(p -> {
                List<String> peers = api(p).peers();
                return peers.size() >= 2;
            });
            Summary.line(
                    "Alertmanager kill",
                    String.format(
                            "killed %s (the Watchdog sender); HaTestAfterFailover notifications %d"
                                    + " (first %.1fs after the kill, sent by %s); silence %s created on %s, shown on %s; HaTestSilenced"
                                    + " notifications %d; watched %ds",
                            killed.name(),
                            webhook.forAlert("HaTestAfterFailover").size(),
                            toNotification.toMillis() / 1000.0,
                            sender(first),
                            silenceId,
                            survivors.get(0).name(),
                            survivors.get(1).name(),
                            webhook.forAlert("HaTestSilenced").size(),
                            WATCH_SECONDS));
        }
    }

    // ----------------------------------------------------------------------------------------

    @Nested
    @Order(5)
    @DisplayName("the killed Alertmanager, restarted with its data")
    class Rejoin {

        @Test
        @DisplayName(
                "rejoins the cluster, learns the silence, and sends nothing again: one notification per group over the whole test")
        void rejoins() {
            Instant restart = killed.restart();
            for (Stack.Pod pod : alertmanagers) {
                await(pod.name() + " sees three peers again")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> api(pod).peers().size() == 3);
            }
            await("the restarted replica knows the silence")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> ids(api(killed).silences()).contains(silenceId));
            Duration rejoin = Duration.between(restart, Instant.now());
            // Prometheus re-sends firing alerts every minute (--rules.alert.resend-delay): once the restarted replica
            // holds them
            // again, it must not notify them a second time, whatever its new position (at most 2 x 15s of peer wait).
            await("the restarted replica receives the firing alerts again")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !api(killed).alerts("Watchdog").isEmpty()
                            && !api(killed).alerts("HaTestAfterFailover").isEmpty());
            Duration toAlerts = Duration.between(restart, Instant.now());
            await("no notification from the restarted replica for " + REJOIN_WATCH_SECONDS + "s")
                    .during(Duration.ofSeconds(REJOIN_WATCH_SECONDS))
                    .atMost(Duration.ofSeconds(REJOIN_WATCH_SECONDS + 5))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> webhook.forAlert("Watchdog").size() == 1
                            && webhook.forAlert("HaTestAfterFailover").size() == 1
                            && webhook.forAlert("HaTestSilenced").isEmpty());
            Map<String, Long> perGroup = webhook.all().stream()
                    .collect(Collectors.groupingBy(WebhookReceiver.Notification::alertname, Collectors.counting()));
            assertThat(perGroup).containsExactlyInAnyOrderEntriesOf(Map.of("Watchdog", 1L, "HaTestAfterFailover", 1L));
            Summary.line(
                    "Alertmanager rejoin",
                    String.format(
                            "%s back with 3 peers and the silence in %.1fs, holding the firing alerts"
                                    + " again after %.1fs, then no notification for %ds; notifications over the whole test per group %s; started %s",
                            killed.name(),
                            rejoin.toMillis() / 1000.0,
                            toAlerts.toMillis() / 1000.0,
                            REJOIN_WATCH_SECONDS,
                            perGroup,
                            stack.startTimes()));
        }
    }

    private static List<String> ids(JsonNode silences) {
        List<String> ids = new ArrayList<>();
        silences.forEach(s -> ids.add(s.path("id").asText()));
        return ids;
    }
}
