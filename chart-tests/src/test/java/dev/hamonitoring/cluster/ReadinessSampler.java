package dev.hamonitoring.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the Ready pod count of every component of a release at a fixed interval on a
 * background thread, keeping each component's minimum. Bounded: it stops by itself after
 * {@code maxDuration}, and at {@link #close()}.
 */
public final class ReadinessSampler implements AutoCloseable {

    private final ReleaseWorkloads workloads;
    private final List<ReleaseWorkloads.Component> components;
    private final ScheduledExecutorService executor;
    private final Map<String, Integer> minimum = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();
    private final long stopAt;
    private int samples;
    private boolean timedOut;

    private ReadinessSampler(
            ReleaseWorkloads workloads, List<ReleaseWorkloads.Component> components, Duration maxDuration) {
        this.workloads = Objects.requireNonNull(workloads, "workloads");
        this.components = List.copyOf(components);
        this.stopAt = System.nanoTime() + maxDuration.toNanos();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "readiness-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    /** Takes a first sample at once, then one every {@code interval}. */
    public static ReadinessSampler start(
            ReleaseWorkloads workloads,
            List<ReleaseWorkloads.Component> components,
            Duration interval,
            Duration maxDuration) {
        ReadinessSampler sampler = new ReadinessSampler(workloads, components, maxDuration);
        sampler.sample();
        sampler.executor.scheduleAtFixedRate(
                sampler::sample, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return sampler;
    }

    private void sample() {
        if (System.nanoTime() > stopAt) {
            executor.shutdown();
            synchronized (this) {
                timedOut = true;
            }
            return;
        }
        try {
            Map<String, Integer> counts = workloads.readyCounts(components);
            synchronized (this) {
                counts.forEach((k, v) -> minimum.merge(k, v, Math::min));
                samples++;
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                errors.add(e.toString());
            }
        }
    }

    /** Lowest Ready count seen per component. */
    public synchronized Map<String, Integer> minimum() {
        return new LinkedHashMap<>(minimum);
    }

    /** Whether sampling stopped at maxDuration rather than at {@link #close()}. */
    public synchronized boolean timedOut() {
        return timedOut;
    }

    public synchronized int samples() {
        return samples;
    }

    /** Errors of samples that failed (an empty list is expected). */
    public synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** Stops sampling (a sample in progress completes), then takes a last one. Idempotent. */
    public void stop() {
        if (executor.isShutdown()) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (System.nanoTime() <= stopAt) {
            sample();
        }
    }
}
