package dev.hamonitoring.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
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
 * Alertmanager's high availability on real pods. Both Prometheus replicas fire an alert with a new
 * label value every minute ({@code pods/alert-receiver.yaml}) and send it to all three Alertmanager
 * replicas, which must deliver each minute's group to a webhook receiver once, not once per
 * replica: the replica at position p of the gossip cluster waits p × 15 s, then sends only if the
 * notification log it shares with the others has no record of that group. Gossip (port 9094) also
 * shares silences. The receiver ({@link PodImages#ALERT_RECEIVER}) logs each notification with its
 * group and its sender's pod address. Figures are printed with {@code [pods]}, not asserted as timings.
 */
@ExtendWith(RealClusterExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The prod overlay on real pods, while an Alertmanager replica dies between notifications")
class AlertmanagerLossIT {

    private static final String NS = RealPodsProfile.NAMESPACE;
    private static final String ALERTMANAGER = RealPodsProfile.RELEASE + "-alertmanager";
    private static final String RECEIVER = "alert-receiver";
    private static final int RECEIVER_PORT = 8080;
    private static final String ALERT = "HaMonitoringScenarioMinute";
    private static final String REPLICA_LABEL = "prometheus_replica";
    /** A new group every minute; Prometheus evaluates every 30 s. */
    private static final Duration NEXT_GROUP = Duration.ofSeconds(60 + 30 + 5);
    /**
     * How long after a group's first notification every replica has had its turn: the last one
     * (position 2) checks the log 2 × 15 s after the first.
     */
    private static final long SETTLED_AFTER_MILLIS = 40_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Alertmanager's cluster port (memberlist over TCP and UDP). */
    private static final int GOSSIP_PORT = 9094;

    private PodCluster cluster;
    private KubernetesClient client;
    private RealStack stack;
    /** Pod address → pod name, kept for pods that are gone: a notification names its sender's address. */
    private final Map<String, String> senders = new ConcurrentHashMap<>();

    @BeforeAll
    void install() {
        cluster = RealClusterExtension.cluster();
        cluster.recycleReleasedVolumes();
        client = cluster.client();
        stack = RealStack.install(cluster, List.of(RealPodsProfile.resource("alert-receiver.yaml")));
        TestPods.createService(
                client,
                NS,
                RECEIVER,
                new ContainerBuilder()
                        .withName(RECEIVER)
                        .withImage(PodImages.ALERT_RECEIVER)
                        .withArgs("-listen", ":" + RECEIVER_PORT)
                        .build(),
                RECEIVER_PORT,
                Map.of("app.kubernetes.io/name", "alertmanager"));
        stack.awaitReady(Duration.ofMinutes(6));
        await("the receiver Ready")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> receiverPod() != null && RealStack.ready(receiverPod()));
    }

    @AfterAll
    void uninstall() {
        if (stack != null) {
            stack.uninstall();
        }
    }

    @Test
    @Order(1)
    @DisplayName(
            "the alert both Prometheus replicas fire is one alert without their replica label, and each group reaches the receiver once")
    void oncePerGroup() {
        long readyAt = System.currentTimeMillis();
        long formedAt = awaitFormed();
        await("two groups notified and settled since the cluster formed")
                .atMost(NEXT_GROUP.multipliedBy(3))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> settledGroups(formedAt).size() >= 2);
        Map<String, List<Notification>> groups = settledGroups(formedAt);
        System.out.printf(
                "[pods] Alertmanager: cluster of 3 with the alert everywhere %.0f s after the stack was Ready;"
                        + " since then %s%n",
                (formedAt - readyAt) / 1e3, describe(groups));
        assertThat(groups.values())
                .allSatisfy(sent -> assertThat(sent.get(0).alerts()).hasSize(1));
        assertThat(duplicates(groups))
                .as(() -> "groups notified more than once; " + diagnostics())
                .isEmpty();
    }

    @Test
    @Order(2)
    @DisplayName(
            "killing the replica that sent the last notification: the next group arrives once, from a survivor, and so does the first after the replica rejoined")
    void senderKilled() {
        List<Notification> before = notifications();
        Notification last = before.get(before.size() - 1);
        String sender = senderOf(last);
        Pod killed = client.pods().inNamespace(NS).withName(sender).get();
        long killedAt = System.currentTimeMillis();
        client.pods().inNamespace(NS).withName(sender).withGracePeriod(0).delete();

        await("a group notified and settled after the kill")
                .atMost(NEXT_GROUP.multipliedBy(2))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> !settledGroups(killedAt).isEmpty());
        Map<String, List<Notification>> whileAway = settledGroups(killedAt);
        Notification next = whileAway.values().iterator().next().get(0);
        await(sender + " replaced and Ready")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    Pod now = client.pods().inNamespace(NS).withName(sender).get();
                    return now != null
                            && !now.getMetadata()
                                    .getUid()
                                    .equals(killed.getMetadata().getUid())
                            && RealStack.ready(now);
                });
        long backAt = System.currentTimeMillis();
        // Ready does not wait for gossip (the chart's probes: a replica serves without its peers).
        long rejoinedAt = awaitFormed();
        await("a group notified and settled after the replica rejoined")
                .atMost(NEXT_GROUP.multipliedBy(2))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> !settledGroups(rejoinedAt).isEmpty());
        Map<String, List<Notification>> rejoined = settledGroups(rejoinedAt);
        System.out.printf(
                "[pods] Alertmanager: killed %s, the last sender; the next group from %s %.0f s after the kill;"
                        + " replaced and Ready after %.0f s, in every replica's cluster after %.0f s; since the kill"
                        + " %s; since it rejoined %s%n",
                sender,
                senderOf(next),
                (next.receivedAt() - killedAt) / 1e3,
                (backAt - killedAt) / 1e3,
                (rejoinedAt - killedAt) / 1e3,
                describe(settledGroups(killedAt)),
                describe(rejoined));
        // By address: the replacement has the killed pod's name but is another instance.
        assertThat(next.from())
                .as("address of the next group's sender (%s had %s)", sender, last.from())
                .isNotEqualTo(last.from());
        assertThat(duplicates(settledGroups(killedAt)))
                .as(() -> "groups notified more than once since the kill; " + diagnostics())
                .isEmpty();
        assertThat(rejoined).isNotEmpty();
    }

    @Test
    @Order(3)
    @DisplayName(
            "a silence created on one replica holds on the others: they list it, suppress the alert, and no group arrives until it is expired on another replica")
    void silenceHoldsEverywhere() {
        List<String> replicas = alertmanagers();
        String origin = replicas.get(0);
        long t0 = System.nanoTime();
        String id = createSilence(origin);
        await("the silence in every replica, the alert suppressed there")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> replicas.stream().allMatch(r -> suppressedBy(r, id)));
        double spread = (System.nanoTime() - t0) / 1e9;
        // A notification already on its way when the silence arrived may still land in this second.
        long quietFrom = System.currentTimeMillis() + 1000;
        await("no notification while silenced, across a new minute's group")
                .during(NEXT_GROUP)
                .atMost(NEXT_GROUP.plusSeconds(15))
                .pollInterval(Duration.ofSeconds(5))
                .until(() -> since(quietFrom).isEmpty());
        // Expired on another replica than the one that created it: the expiry travels back too.
        String other = replicas.get(replicas.size() - 1);
        assertThat(exec(other, "curl", "-sf", "-XDELETE", amUrl("/api/v2/silence/" + id))
                        .exitCode())
                .isZero();
        long expiredAt = System.currentTimeMillis();
        await("a notification after the expiry")
                .atMost(NEXT_GROUP.multipliedBy(2))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> !since(expiredAt).isEmpty());
        System.out.printf(
                "[pods] Alertmanager: silence from %s on all %d replicas after %.1f s; 0 notifications for %d s;"
                        + " the first after the expiry (on %s) %.0f s later%n",
                origin,
                replicas.size(),
                spread,
                NEXT_GROUP.toSeconds(),
                other,
                (since(expiredAt).get(0).receivedAt() - expiredAt) / 1e3);
    }

    /**
     * The negative twin, last because it splits the cluster for good: the gossip rules taken out of
     * the chart's Alertmanager NetworkPolicy (the default deny then closes 9094) and every replica
     * restarted so no established flow survives.
     */
    @Test
    @Order(4)
    @DisplayName(
            "with the gossip port closed by the NetworkPolicy, the replicas cannot agree: one group arrives from several, and a silence stays where it was made")
    void peersCut() {
        int removed = closeGossip();
        assertThat(removed).as("gossip rules taken out of the policy").isPositive();
        Set<String> uids =
                alertmanagerPods().stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
        client.pods()
                .inNamespace(NS)
                .withLabel("app.kubernetes.io/name", "alertmanager")
                .delete();
        await("three new Alertmanager pods Ready")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    List<Pod> pods = alertmanagerPods();
                    return pods.size() == 3
                            && pods.stream()
                                    .noneMatch(
                                            p -> uids.contains(p.getMetadata().getUid()))
                            && pods.stream().allMatch(RealStack::ready);
                });
        long restartedAt = System.currentTimeMillis();
        List<String> replicas = alertmanagers();
        // The policy engine may program a new pod's rules after the pod is Ready: peers that met in
        // that window keep talking over their established flows (memberlist's UDP probes never let
        // them expire) until those are forgotten; then they lose each other once their probes fail.
        AtomicInteger flowsForgotten = new AtomicInteger();
        await("every replica alone with 9094 closed")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    flowsForgotten.addAndGet(cluster.forgetConnections(GOSSIP_PORT));
                    for (String replica : replicas) {
                        assertThat(peers(replica))
                                .as("gossip peers %s sees with 9094 closed", replica)
                                .hasSize(1);
                    }
                });
        double aloneAfter = (System.currentTimeMillis() - restartedAt) / 1e3;
        await("a group notified by more than one replica")
                .atMost(NEXT_GROUP.multipliedBy(4))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> !duplicates(settledGroups(restartedAt)).isEmpty());
        Map<String, List<Notification>> split = settledGroups(restartedAt);

        String id = createSilence(replicas.get(0));
        await("the silence only where it was made")
                .during(Duration.ofSeconds(15))
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> replicas.stream().skip(1).noneMatch(r -> lists(r, id)));
        System.out.printf(
                "[pods] Alertmanager with 9094 closed: %d gossip rules removed, every replica alone %.0f s after"
                        + " all were Ready (%d established gossip flows forgotten); %s; a silence stayed on %s for 15 s%n",
                removed, aloneAfter, flowsForgotten.get(), describe(split), replicas.get(0));
    }

    /** A notification as the receiver logged it. */
    private record Notification(long receivedAt, String from, String groupKey, List<String> alerts) {}

    private Pod receiverPod() {
        return client.pods().inNamespace(NS).withLabel("app.kubernetes.io/name", RECEIVER).list().getItems().stream()
                .findFirst()
                .orElse(null);
    }

    /** Every notification of the alert so far, oldest first; the sender map learns the current pods' addresses. */
    private List<Notification> notifications() {
        alertmanagerPods().forEach(p -> {
            if (p.getStatus().getPodIP() != null) {
                senders.put(p.getStatus().getPodIP(), p.getMetadata().getName());
            }
        });
        String log = client.pods()
                .inNamespace(NS)
                .withName(receiverPod().getMetadata().getName())
                .getLog();
        List<Notification> found = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (!line.startsWith("{")) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(line);
                List<String> alerts = new ArrayList<>();
                n.path("alerts").forEach(a -> alerts.add(a.asText()));
                if (alerts.stream().anyMatch(a -> a.startsWith(ALERT + "/"))) {
                    found.add(new Notification(
                            n.path("receivedAt").asLong(),
                            n.path("from").asText(),
                            n.path("groupKey").asText(),
                            List.copyOf(alerts)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Not a receiver record: " + line, e);
            }
        }
        return found;
    }

    private List<Notification> since(long epochMillis) {
        return notifications().stream()
                .filter(n -> n.receivedAt() >= epochMillis)
                .toList();
    }

    /**
     * The groups first notified at or after the instant whose every replica has had its turn, each
     * with its notifications, oldest group first.
     */
    private Map<String, List<Notification>> settledGroups(long epochMillis) {
        long settled = System.currentTimeMillis() - SETTLED_AFTER_MILLIS;
        Map<String, List<Notification>> groups = new LinkedHashMap<>();
        for (Notification n : notifications()) {
            groups.computeIfAbsent(n.groupKey(), k -> new ArrayList<>()).add(n);
        }
        groups.values()
                .removeIf(sent ->
                        sent.get(0).receivedAt() < epochMillis || sent.get(0).receivedAt() > settled);
        return groups;
    }

    /** The groups notified more than once, with their senders. */
    private List<String> duplicates(Map<String, List<Notification>> groups) {
        List<String> twice = new ArrayList<>();
        groups.forEach((key, sent) -> {
            if (sent.size() > 1) {
                twice.add(key + " from " + sent.stream().map(this::senderOf).toList());
            }
        });
        return twice;
    }

    private String describe(Map<String, List<Notification>> groups) {
        List<String> parts = new ArrayList<>();
        groups.values().forEach(sent -> {
            long first = sent.get(0).receivedAt();
            parts.add(sent.stream()
                    .map(n -> senderOf(n) + (n == sent.get(0) ? "" : String.format(" +%d ms", n.receivedAt() - first)))
                    .collect(Collectors.joining(" and ")));
        });
        return groups.size() + " group(s) notified by " + String.join("; ", parts);
    }

    private String senderOf(Notification n) {
        return senders.getOrDefault(n.from(), n.from());
    }

    private List<Pod> alertmanagerPods() {
        return client
                .pods()
                .inNamespace(NS)
                .withLabel("app.kubernetes.io/name", "alertmanager")
                .list()
                .getItems()
                .stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .toList();
    }

    private List<String> alertmanagers() {
        return alertmanagerPods().stream()
                .map(p -> p.getMetadata().getName())
                .sorted()
                .toList();
    }

    /**
     * Waits until every replica has the alert (Prometheus finds a new replica at its next DNS
     * refresh, 30 s, and sends at its next resend, 1 min) and sees all three members; returns when.
     */
    private long awaitFormed() {
        await("one " + ALERT + " alert and 3 gossip members in every replica")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    assertThat(alertmanagers()).as("Alertmanager pods").hasSize(3);
                    for (String replica : alertmanagers()) {
                        JsonNode alerts = api(replica, "/api/v2/alerts?filter=alertname%3D%22" + ALERT + "%22");
                        assertThat(alerts.size())
                                .as("%s alerts in %s", ALERT, replica)
                                .isPositive();
                        // Both Prometheus replicas send it; without their replica label it is one alert.
                        alerts.forEach(a -> assertThat(a.path("labels").has(REPLICA_LABEL))
                                .as("%s label on %s in %s", REPLICA_LABEL, a.path("labels"), replica)
                                .isFalse());
                        assertThat(peers(replica))
                                .as("gossip members %s sees", replica)
                                .hasSize(3);
                    }
                });
        return System.currentTimeMillis();
    }

    /** The gossip members a replica sees (itself included), by address. */
    private List<String> peers(String replica) {
        List<String> addresses = new ArrayList<>();
        api(replica, "/api/v2/status")
                .at("/cluster/peers")
                .forEach(p -> addresses.add(p.path("address").asText()));
        return addresses;
    }

    /** What a failure message needs: every replica's peers and last log lines, and the receiver's log. */
    private String diagnostics() {
        StringBuilder out = new StringBuilder();
        for (String replica : alertmanagers()) {
            out.append("\n")
                    .append(replica)
                    .append(" peers ")
                    .append(peers(replica))
                    .append(", log:\n");
            out.append(client.pods()
                    .inNamespace(NS)
                    .withName(replica)
                    .tailingLines(20)
                    .getLog());
        }
        out.append("\nreceiver log:\n")
                .append(client.pods()
                        .inNamespace(NS)
                        .withName(receiverPod().getMetadata().getName())
                        .getLog());
        return out.toString();
    }

    private String createSilence(String replica) {
        Instant now = Instant.now();
        String body = JSON.createObjectNode()
                .put("startsAt", now.toString())
                .put("endsAt", now.plus(Duration.ofMinutes(30)).toString())
                .put("createdBy", getClass().getSimpleName())
                .put("comment", "silence made on " + replica)
                .set(
                        "matchers",
                        JSON.createArrayNode()
                                .add(JSON.createObjectNode()
                                        .put("name", "alertname")
                                        .put("value", ALERT)
                                        .put("isRegex", false)
                                        .put("isEqual", true)))
                .toString();
        PodExec.Result created = exec(
                replica,
                "curl",
                "-sf",
                "-XPOST",
                "-H",
                "Content-Type: application/json",
                "--data",
                body,
                amUrl("/api/v2/silences"));
        assertThat(created.exitCode())
                .as("silence POST on %s: %s", replica, created)
                .isZero();
        return parse(created.stdout()).path("silenceID").asText();
    }

    private boolean lists(String replica, String silenceId) {
        for (JsonNode silence : api(replica, "/api/v2/silences")) {
            if (silence.path("id").asText().equals(silenceId)
                    && silence.at("/status/state").asText().equals("active")) {
                return true;
            }
        }
        return false;
    }

    private boolean suppressedBy(String replica, String silenceId) {
        if (!lists(replica, silenceId)) {
            return false;
        }
        JsonNode alerts = api(replica, "/api/v2/alerts?silenced=true&filter=alertname%3D%22" + ALERT + "%22");
        for (JsonNode alert : alerts) {
            if (alert.at("/status/state").asText().equals("suppressed")) {
                for (JsonNode by : alert.at("/status/silencedBy")) {
                    if (by.asText().equals(silenceId)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Takes every rule with port 9094 out of the Alertmanager pods' own NetworkPolicy, in both
     * directions, and returns how many it took.
     */
    private int closeGossip() {
        NetworkPolicy policy = client.network()
                .v1()
                .networkPolicies()
                .inNamespace(NS)
                .withName(ALERTMANAGER + "-net")
                .get();
        assertThat(policy).as("the chart's NetworkPolicy of Alertmanager").isNotNull();
        List<NetworkPolicyIngressRule> ingress =
                new ArrayList<>(policy.getSpec().getIngress());
        List<NetworkPolicyEgressRule> egress = new ArrayList<>(policy.getSpec().getEgress());
        int before = ingress.size() + egress.size();
        ingress.removeIf(rule -> gossip(rule.getPorts()));
        egress.removeIf(rule -> gossip(rule.getPorts()));
        policy.getSpec().setIngress(ingress);
        policy.getSpec().setEgress(egress);
        policy.getMetadata().setResourceVersion(null);
        policy.getMetadata().setManagedFields(null);
        client.network().v1().networkPolicies().inNamespace(NS).resource(policy).update();
        return before - ingress.size() - egress.size();
    }

    private static boolean gossip(List<NetworkPolicyPort> ports) {
        return ports != null
                && ports.stream()
                        .anyMatch(p -> p.getPort() != null
                                && String.valueOf(GOSSIP_PORT)
                                        .equals(String.valueOf(p.getPort().getValue())));
    }

    private JsonNode api(String replica, String path) {
        PodExec.Result r = exec(replica, "curl", "-sf", "--max-time", "5", amUrl(path));
        assertThat(r.exitCode()).as("GET %s on %s: %s", path, replica, r).isZero();
        return parse(r.stdout());
    }

    private static String amUrl(String path) {
        return "http://127.0.0.1:9093" + path;
    }

    private PodExec.Result exec(String replica, String... command) {
        return PodExec.run(client, NS, replica, "alertmanager", List.of(command), Duration.ofSeconds(30));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("Not JSON: " + json, e);
        }
    }
}
