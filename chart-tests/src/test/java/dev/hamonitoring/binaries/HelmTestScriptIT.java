package dev.hamonitoring.binaries;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamonitoring.release.TemplatesWithHooks;
import dev.hamonitoring.render.ProjectPaths;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code helm test} Pod's script, exactly as rendered, run with {@code /bin/sh} and curl
 * against the real Prometheus replicas (with sidecars), Thanos Query, its frontend and three
 * Alertmanagers on loopback. Only the addresses in its environment change: the frontend Service
 * and the Alertmanager pod names become loopback ports. No Grafana runs in this layer, so the
 * script must get through its Thanos and Alertmanager checks and then fail, closed, at Grafana.
 */
@DisplayName("The helm test script against the real Thanos and Alertmanager processes")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(Stack.TailsOnFailure.class)
class HelmTestScriptIT {

    static final TestTimings TIMINGS = TestTimings.asRendered().prometheusIntervals("2s", "2s");
    static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);

    private Stack stack;
    private Container check;
    private Map<String, String> rendered;
    private Map<String, String> loopback;

    @BeforeAll
    void startStack() {
        for (String binary : List.of("alertmanager", "prometheus", "thanos")) {
            Binaries.path(binary);
        }
        TemplatesWithHooks withHooks = TemplatesWithHooks.render(
                ProjectPaths.umbrellaChart(),
                render -> render.valuesFile(ProjectPaths.environment("prod"))
                        .valuesFile(BinariesRender.values("thanos-filesystem")));
        List<TemplatesWithHooks.Document> hooks = withHooks.hooks();
        assertThat(hooks).as("the chart's hooks").hasSize(1);
        check = ((Pod) hooks.get(0).object()).getSpec().getContainers().get(0);
        rendered = check.getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> a, LinkedHashMap::new));

        stack = Stack.from(withHooks.manifest(), "helm-test", TIMINGS);
        List<Stack.Pod> alertmanagers = stack.replicas("monitoring-alertmanager", 3);
        List<Stack.Pod> prometheus = stack.replicas("monitoring-prometheus", 2);
        Stack.Pod query = stack.replicas("monitoring-thanos-query", 1).get(0);
        Stack.Pod frontend =
                stack.replicas("monitoring-thanos-query-frontend", 1).get(0);
        stack.start(alertmanagers);
        stack.start(prometheus);
        stack.start(query, frontend);
        Summary.line("helm test stack", "started " + stack.startTimes());

        loopback = new LinkedHashMap<>(rendered);
        loopback.put("QUERY_URL", frontend.http(10902, "").toString());
        loopback.put(
                "ALERTMANAGER_PEERS",
                alertmanagers.stream().map(p -> "127.0.0.1:" + p.port(9093)).collect(Collectors.joining(" ")));
        loopback.put("GRAFANA_URL", "http://" + deadAddress());
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName(
            "is rendered with the addresses the loopback run replaces (the query frontend Service, the three Alertmanager pods) and the prod replica counts")
    void renderedEnvironment() {
        assertThat(rendered)
                .containsOnlyKeys(
                        "QUERY_URL",
                        "GRAFANA_URL",
                        "REPLICA_LABEL",
                        "PROMETHEUS_REPLICAS",
                        "ALERTMANAGER_REPLICAS",
                        "ALERTMANAGER_PEERS");
        assertThat(URI.create(rendered.get("QUERY_URL")).getHost())
                .startsWith("monitoring-thanos-query-frontend.monitoring.svc.");
        assertThat(rendered.get("ALERTMANAGER_PEERS").split(" "))
                .hasSize(3)
                .allSatisfy(
                        peer -> assertThat(peer)
                                .matches(
                                        "monitoring-alertmanager-[0-2]\\.monitoring-alertmanager-headless\\.monitoring\\.svc\\..+:9093"));
        assertThat(rendered).containsEntry("PROMETHEUS_REPLICAS", "2").containsEntry("ALERTMANAGER_REPLICAS", "3");
    }

    @Nested
    @DisplayName("with every address on loopback")
    class Passing {

        @Test
        @DisplayName(
                "confirms deduplication (6 raw series, 3 deduplicated) and 3 peers per Alertmanager, then fails closed at the absent Grafana")
        void checksThanosAndAlertmanager() {
            long start = System.nanoTime();
            Stack.ToolResult run = run("passing", loopback);
            double seconds = (System.nanoTime() - start) / 1e9;
            String replicaLabel = rendered.get("REPLICA_LABEL");
            assertThat(run.output())
                    .contains("ok: Thanos Query deduplicates 6 series to 3 on " + replicaLabel)
                    .contains("ok: every Alertmanager sees 3 peers");
            assertThat(lastLine(run)).isEqualTo("FAIL: Grafana does not answer /api/health");
            assertThat(run.exitCode()).isEqualTo(1);
            Summary.line(
                    "helm test script",
                    String.format(
                            "%.1f s, exit %d: %s",
                            seconds, run.exitCode(), run.output().strip().replace('\n', '|')));
        }
    }

    @Nested
    @DisplayName("fails, naming what is wrong,")
    class Failing {

        @Test
        @DisplayName("when the raw series do not add up to one per Prometheus replica and target")
        void wrongReplicaCount() {
            Map<String, String> env = new LinkedHashMap<>(loopback);
            env.put("PROMETHEUS_REPLICAS", "3");
            Stack.ToolResult run = run("wrong-replicas", env);
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(lastLine(run))
                    .isEqualTo(
                            "FAIL: without deduplication 6 series, expected 9 (one per Prometheus replica and target)");
        }

        @Test
        @DisplayName("when an Alertmanager does not answer")
        void deadPeer() {
            Map<String, String> env = new LinkedHashMap<>(loopback);
            String dead = deadAddress();
            env.put("ALERTMANAGER_PEERS", loopback.get("ALERTMANAGER_PEERS") + " " + dead);
            Stack.ToolResult run = run("dead-peer", env);
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.output()).contains("ok: Thanos Query deduplicates");
            assertThat(lastLine(run)).isEqualTo("FAIL: Alertmanager " + dead + " does not answer");
        }
    }

    /** The container's command as rendered, with {@code env} as its whole environment (plus PATH). */
    private Stack.ToolResult run(String label, Map<String, String> env) {
        Map<String, String> environment = new LinkedHashMap<>(env);
        environment.put("PATH", "/usr/bin:/bin");
        return stack.run(
                "helm-test-" + label,
                check.getCommand(),
                environment,
                stack.network().sharedDirectory().resolve("helm-test"),
                SCRIPT_TIMEOUT);
    }

    private static String lastLine(Stack.ToolResult result) {
        List<String> lines = result.output().strip().lines().collect(Collectors.toList());
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    /** A loopback address nothing listens on: a port allocated for this test and never bound. */
    private static String deadAddress() {
        return "127.0.0.1:" + FreePorts.allocate();
    }
}
