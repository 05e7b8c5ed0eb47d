package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Liveness checks only the process, readiness whether it can serve (dependencies included), a
 * startup probe covers slow starts: a dependency outage takes pods out of their Services instead
 * of restarting them all at once.
 */
@DisplayName("Probes")
class ProbesRenderTest {

    /** What a probe checks, as one comparable string: "http /-/ready", "tcp http", "exec sh /scripts/probe.sh redis live". */
    static String check(Probe probe) {
        if (probe == null) {
            return "none";
        }
        if (probe.getHttpGet() != null) {
            return "http " + probe.getHttpGet().getPath() + " "
                    + probe.getHttpGet().getPort().getStrVal();
        }
        if (probe.getTcpSocket() != null) {
            return "tcp " + probe.getTcpSocket().getPort().getStrVal();
        }
        if (probe.getExec() != null) {
            return "exec " + String.join(" ", probe.getExec().getCommand());
        }
        return "unknown";
    }

    /** Every container of the release's workloads, keyed "workload/container". */
    static Map<String, Container> containers(RenderedRelease release) {
        Map<String, Container> containers = new TreeMap<>();
        for (HasMetadata workload : Releases.workloads(release)) {
            for (Container container : Releases.podSpec(workload).getContainers()) {
                containers.put(workload.getMetadata().getName() + "/" + container.getName(), container);
            }
        }
        return containers;
    }

    /**
     * The probe contract, one line per broken container: all three probes present, liveness and
     * readiness checking different things, and the startup probe checking what liveness checks
     * (a startup probe that waits on a dependency restarts the pod when the dependency is down at
     * start). Prometheus' own container is the one exception the contract names: its startup probe
     * waits for the end of its WAL replay (/-/ready), which depends on nothing outside it.
     */
    static List<String> violations(Map<String, Container> containers) {
        List<String> violations = new ArrayList<>();
        containers.forEach((name, c) -> {
            String live = check(c.getLivenessProbe());
            String ready = check(c.getReadinessProbe());
            String startup = check(c.getStartupProbe());
            if (live.equals("none") || ready.equals("none") || startup.equals("none")) {
                violations.add(name + ": missing a probe (liveness " + live + ", readiness " + ready + ", startup "
                        + startup + ")");
            } else if (live.equals(ready)) {
                violations.add(name + ": liveness and readiness both check " + live);
            } else if (!startup.equals(live) && !name.endsWith("/prometheus")) {
                violations.add(name + ": startup checks " + startup + " but liveness " + live);
            }
        });
        return violations;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prod", "staging", "dev"})
    @DisplayName("every container of every overlay: startup, readiness and a liveness that differs from readiness")
    void contract(String environment) {
        assertThat(violations(containers(Releases.overlay(environment)))).isEmpty();
        assertThat(violations(containers(Releases.overlay("prod", "loki-on")))).isEmpty();
    }

    @Test
    @DisplayName(
            "the contract check catches liveness equal to readiness, a missing startup probe and a startup probe on readiness")
    void contractCheckFails() {
        Map<String, Container> containers = containers(Releases.overlay("prod"));
        Container grafana = new ContainerBuilder(containers.get("monitoring-grafana/grafana")).build();
        grafana.setLivenessProbe(new ProbeBuilder(grafana.getReadinessProbe()).build());
        Container haproxy = new ContainerBuilder(containers.get("monitoring-redis-haproxy/haproxy")).build();
        haproxy.setStartupProbe(null);
        Container query = new ContainerBuilder(containers.get("monitoring-thanos-query/thanos-query")).build();
        query.setStartupProbe(new ProbeBuilder(query.getReadinessProbe()).build());
        assertThat(violations(Map.of(
                        "monitoring-grafana/grafana",
                        grafana,
                        "monitoring-redis-haproxy/haproxy",
                        haproxy,
                        "monitoring-thanos-query/thanos-query",
                        query)))
                .containsExactlyInAnyOrder(
                        "monitoring-grafana/grafana: liveness and readiness both check http /api/health http",
                        "monitoring-redis-haproxy/haproxy: missing a probe (liveness http /healthz metrics, readiness http /ready metrics, startup none)",
                        "monitoring-thanos-query/thanos-query: startup checks http /-/ready http but liveness http /-/healthy http");
    }

    @ParameterizedTest(name = "{0}: liveness {1}, readiness {2}")
    @CsvSource({
        "monitoring-grafana/grafana, http /healthz http, http /api/health http",
        "monitoring-prometheus/prometheus, http /-/healthy http, http /-/ready http",
        "monitoring-prometheus/thanos-sidecar, http /-/healthy sidecar-http, http /-/ready sidecar-http",
        "monitoring-thanos-query/thanos-query, http /-/healthy http, http /-/ready http",
        "monitoring-thanos-query-frontend/thanos-query-frontend, http /-/healthy http, http /-/ready http",
        "monitoring-thanos-store/thanos-store, http /-/healthy http, http /-/ready http",
        "monitoring-thanos-compactor/thanos-compactor, http /-/healthy http, http /-/ready http",
        "monitoring-alertmanager/alertmanager, http /-/healthy http, http /-/ready http",
        "monitoring-redis/redis, exec sh /scripts/probe.sh redis live, exec sh /scripts/probe.sh redis ready",
        "monitoring-redis/sentinel, exec sh /scripts/probe.sh sentinel live, exec sh /scripts/probe.sh sentinel ready",
        "monitoring-redis-haproxy/haproxy, http /healthz metrics, http /ready metrics",
        "monitoring-loki-write/loki, tcp http, http /ready http",
        "monitoring-loki-read/loki, tcp http, http /ready http",
        "monitoring-loki-backend/loki, tcp http, http /ready http",
    })
    @DisplayName("per component in prod: liveness asks the process, readiness whether it can serve")
    void perComponent(String container, String liveness, String readiness) {
        Container c = containers(Releases.overlay("prod", "loki-on")).get(container);
        assertThat(c).as(container).isNotNull();
        assertThat(check(c.getLivenessProbe())).isEqualTo(liveness);
        assertThat(check(c.getReadinessProbe())).isEqualTo(readiness);
    }

    @Test
    @DisplayName("Grafana: liveness never queries the database; the startup window covers first-start migrations")
    void grafanaLivenessWithoutDatabase() {
        Container grafana = containers(Releases.overlay("prod")).get("monitoring-grafana/grafana");
        assertThat(grafana.getLivenessProbe().getHttpGet().getPath()).isNotEqualTo("/api/health");
        assertThat(grafana.getStartupProbe().getFailureThreshold()
                        * grafana.getStartupProbe().getPeriodSeconds())
                .as("seconds a first start (database migrations) may take")
                .isGreaterThanOrEqualTo(300);
    }

    @Test
    @DisplayName("HAProxy is ready only while a Redis master is in service; /healthz has no condition")
    void haproxyReadiness() {
        String cfg = Releases.overlay("prod")
                .one(ConfigMap.class, "monitoring-redis-haproxy")
                .getData()
                .get("haproxy.cfg");
        assertThat(cfg)
                .contains("monitor-uri /healthz")
                .contains(
                        "http-request return status 503 content-type text/plain string \"no redis master\" if { path /ready } { nbsrv(redis-master) lt 1 }")
                .doesNotContain("monitor fail");
    }

    @Test
    @DisplayName(
            "PostgreSQL: the CloudNativePG Cluster sets the startup window and the probe timings of its instance manager")
    void postgresql() {
        GenericKubernetesResource cluster =
                (GenericKubernetesResource) Releases.overlay("prod").oneOfKind("Cluster", "monitoring-postgresql");
        Map<String, Object> spec = cluster.get("spec");
        assertThat(spec.get("startDelay")).isEqualTo(1800);
        assertThat(spec.get("probes"))
                .isEqualTo(Map.of(
                        "liveness", Map.of("periodSeconds", 10, "failureThreshold", 3),
                        "readiness", Map.of("periodSeconds", 10, "failureThreshold", 3)));
    }

    /**
     * The Redis probe script as the pods get it (from the rendered ConfigMap), run with a stub
     * redis-cli that answers like a Redis in a given state.
     */
    @Nested
    @DisplayName("the Redis probe script")
    class RedisProbeScript {

        @TempDir
        Path dir;

        private int run(String target, String mode, String ping, String info, String master)
                throws IOException, InterruptedException {
            Map<String, String> scripts = Releases.overlay("prod")
                    .one(ConfigMap.class, "monitoring-redis")
                    .getData();
            for (String name : List.of("probe.sh", "common.sh")) {
                Files.writeString(dir.resolve(name), scripts.get(name));
            }
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path cli = bin.resolve("redis-cli");
            Files.writeString(cli, """
                    #!/bin/sh
                    # redis-cli -p PORT COMMAND...: answers from STUB_* (an empty STUB_PING means nothing listens)
                    shift 2
                    case "$1" in
                      ping) if [ -z "$STUB_PING" ]; then echo "Could not connect to Redis at 127.0.0.1:6379: Connection refused"; exit 1; fi
                            printf '%s\\r\\n' "$STUB_PING" ;;
                      info) printf '%s\\r\\n' "$STUB_INFO" ;;
                      SENTINEL) [ -n "$STUB_MASTER" ] && printf '%s\\n6379\\n' "$STUB_MASTER" ;;
                    esac
                    exit 0
                    """);
            Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
            ProcessBuilder pb = new ProcessBuilder("sh", dir.resolve("probe.sh").toString(), target, mode)
                    .redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.put("PATH", bin + ":" + System.getenv("PATH"));
            env.put("POD_NAME", "monitoring-redis-0");
            env.put("REDIS_POD_DOMAIN", "monitoring-redis-headless.monitoring.svc.cluster.local");
            env.put("REDIS_STATEFULSET", "monitoring-redis");
            env.put("SENTINEL_MASTER_NAME", "monitoring");
            env.put("STUB_PING", ping);
            env.put("STUB_INFO", info);
            env.put("STUB_MASTER", master);
            Process process = pb.start();
            process.getInputStream().readAllBytes();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            return process.exitValue();
        }

        @ParameterizedTest(name = "redis answering {0} ({1}): live exit {2}, ready exit {3}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "PONG | role:master | 0 | 0",
                    "PONG | role:slave master_link_status:up | 0 | 0",
                    "PONG | role:slave master_link_status:down | 0 | 1",
                    "LOADING Redis is loading the dataset in memory | role:slave | 0 | 1",
                    "MASTERDOWN Link with MASTER is down | role:slave master_link_status:down | 0 | 1",
                    "'' | '' | 1 | 1",
                })
        @DisplayName(
                "Redis: a lost master or a load in progress is alive but not ready; only a silent process fails liveness")
        void redis(String ping, String info, int live, int ready) throws Exception {
            String infoLines = info.replace(' ', '\n');
            assertThat(run("redis", "live", ping, infoLines, "")).as("live").isEqualTo(live);
            assertThat(run("redis", "ready", ping, infoLines, "")).as("ready").isEqualTo(ready);
        }

        @ParameterizedTest(name = "sentinel answering {0}, master {1}: live exit {2}, ready exit {3}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "PONG | monitoring-redis-1.monitoring-redis-headless | 0 | 0",
                    "PONG | '' | 0 | 1",
                    "'' | '' | 1 | 1",
                })
        @DisplayName("Sentinel: ready once it knows the master, alive whenever it answers")
        void sentinel(String ping, String master, int live, int ready) throws Exception {
            assertThat(run("sentinel", "live", ping, "", master)).as("live").isEqualTo(live);
            assertThat(run("sentinel", "ready", ping, "", master)).as("ready").isEqualTo(ready);
        }
    }
}
