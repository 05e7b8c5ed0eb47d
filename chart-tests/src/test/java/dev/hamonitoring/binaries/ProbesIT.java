package dev.hamonitoring.binaries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Probe;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rendered probes asked of the real processes while a dependency is down: the probe URLs are
 * the rendered httpGet paths and ports, on loopback. A dependency outage must fail readiness (the
 * pod leaves its Services) while every liveness check keeps passing (the kubelet never restarts it).
 *
 * <p>Timings as rendered: the sidecar checks its Prometheus every 30s (its
 * {@code --prometheus.get_config_interval} default), so an outage shows within about 35s.
 */
@DisplayName("Probes of the real processes during a dependency outage")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(Stack.TailsOnFailure.class)
class ProbesIT {

    static final TestTimings TIMINGS = TestTimings.asRendered();
    /** The sidecar's heartbeat interval (30s) plus its 5s timeout, plus slack for two busy cores. */
    static final Duration NOTICE = Duration.ofSeconds(60);

    static final Duration OUTAGE = Duration.ofSeconds(20);

    private RenderedRelease release;
    private Stack stack;
    private Stack.Pod prometheus;
    private Stack.Pod query;

    @BeforeAll
    void startStack() {
        for (String binary : List.of("prometheus", "thanos")) {
            Binaries.path(binary);
        }
        release = BinariesRender.prodWith("thanos-filesystem");
        stack = Stack.from(release, "probes", TIMINGS);
        prometheus = stack.replicas("monitoring-prometheus", 1).get(0);
        query = stack.replicas("monitoring-thanos-query", 1).get(0);
        stack.start(prometheus);
        stack.start(query);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** The loopback URL of a rendered httpGet probe of a container of a pod. */
    private static URI url(Stack.Pod pod, String containerName, Probe probe) {
        Container container = pod.loopback().spec().getContainers().stream()
                .filter(c -> c.getName().equals(containerName))
                .findFirst()
                .orElseThrow();
        String port = probe.getHttpGet().getPort().getStrVal();
        int containerPort = container.getPorts().stream()
                .filter(p -> port.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError(containerName + " has no port " + port));
        return pod.http(containerPort, probe.getHttpGet().getPath());
    }

    private static Container rendered(Stack.Pod pod, String containerName) {
        return pod.loopback().spec().getContainers().stream()
                .filter(c -> c.getName().equals(containerName))
                .findFirst()
                .orElseThrow();
    }

    /** Liveness answers seen while polling for {@code duration}. */
    private static List<Integer> pollLiveness(URI liveness, Duration duration) throws InterruptedException {
        List<Integer> answers = new ArrayList<>();
        Instant end = Instant.now().plus(duration);
        while (Instant.now().isBefore(end)) {
            answers.add(LocalProcess.status(liveness));
            Thread.sleep(500);
        }
        return answers;
    }

    /** What runs while Prometheus is down and the sidecar has noticed (its readiness answers 503). */
    interface DuringOutage {
        void run(URI sidecarReady, URI sidecarLive) throws InterruptedException;
    }

    /** Kills the Prometheus container of the pod, waits for the sidecar to turn unready, runs {@code body}, restarts Prometheus. */
    private void withPrometheusDown(DuringOutage body) throws InterruptedException {
        Container sidecar = rendered(prometheus, "thanos-sidecar");
        URI ready = url(prometheus, "thanos-sidecar", sidecar.getReadinessProbe());
        URI live = url(prometheus, "thanos-sidecar", sidecar.getLivenessProbe());
        LocalProcess server = prometheus.process("prometheus");
        server.kill();
        try {
            await("the sidecar reports unready")
                    .atMost(NOTICE)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> LocalProcess.status(ready) == 503);
            body.run(ready, live);
        } finally {
            server.start();
            server.awaitReady(Stack.READY_TIMEOUT);
        }
    }

    @Test
    @DisplayName(
            "Prometheus down: the sidecar turns unready at its next heartbeat, its liveness passes throughout, and it is ready again once Prometheus is back")
    void sidecarWithoutPrometheus() throws InterruptedException {
        Container sidecar = rendered(prometheus, "thanos-sidecar");
        URI ready = url(prometheus, "thanos-sidecar", sidecar.getReadinessProbe());
        assertThat(ready.getPath()).isEqualTo("/-/ready");
        assertThat(url(prometheus, "thanos-sidecar", sidecar.getLivenessProbe()).getPath())
                .isEqualTo("/-/healthy");
        assertThat(LocalProcess.status(ready)).as("ready before the outage").isEqualTo(200);
        LocalProcess sidecarProcess = prometheus.process("thanos-sidecar");
        int starts = sidecarProcess.starts();
        withPrometheusDown((sidecarReady, sidecarLive) -> {
            List<Integer> liveness = pollLiveness(sidecarLive, OUTAGE);
            assertThat(liveness)
                    .as("every liveness answer during %s of outage", OUTAGE)
                    .isNotEmpty()
                    .containsOnly(200);
            assertThat(LocalProcess.status(sidecarReady))
                    .as("still unready: the dependency is still down")
                    .isEqualTo(503);
            assertThat(sidecarProcess.isAlive()).isTrue();
        });
        await("the sidecar is ready again")
                .atMost(NOTICE)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> LocalProcess.status(ready) == 200);
        assertThat(sidecarProcess.starts())
                .as("the sidecar was never restarted")
                .isEqualTo(starts);
        Summary.line("Probes", "sidecar unready while Prometheus was down, liveness 200 throughout, ready again after");
    }

    @Test
    @DisplayName(
            "the twin: the readiness check the chart does NOT use for liveness (/-/ready) would have restarted the sidecar")
    void readinessAsLivenessWouldRestart() throws InterruptedException {
        int threshold =
                rendered(prometheus, "thanos-sidecar").getLivenessProbe().getFailureThreshold();
        withPrometheusDown((sidecarReady, sidecarLive) -> {
            List<Integer> asLiveness = pollLiveness(sidecarReady, Duration.ofSeconds(5));
            assertThat(asLiveness.stream().filter(s -> s != 200).count())
                    .as(
                            "failed checks: beyond the liveness failureThreshold (%d), had /-/ready been the liveness probe",
                            threshold)
                    .isGreaterThanOrEqualTo(threshold);
        });
    }

    @Test
    @DisplayName("Query's only store down: Thanos Query stays live and ready (partial results, no restart)")
    void queryWithoutStores() throws InterruptedException {
        Container container = rendered(query, "thanos-query");
        URI ready = url(query, "thanos-query", container.getReadinessProbe());
        URI live = url(query, "thanos-query", container.getLivenessProbe());
        LocalProcess server = prometheus.process("prometheus");
        LocalProcess sidecarProcess = prometheus.process("thanos-sidecar");
        sidecarProcess.kill();
        server.kill();
        try {
            List<Integer> liveness = pollLiveness(live, Duration.ofSeconds(10));
            assertThat(liveness).isNotEmpty().containsOnly(200);
            assertThat(LocalProcess.status(ready)).isEqualTo(200);
            assertThat(query.process("thanos-query").isAlive()).isTrue();
        } finally {
            prometheus.restart();
        }
    }
}
