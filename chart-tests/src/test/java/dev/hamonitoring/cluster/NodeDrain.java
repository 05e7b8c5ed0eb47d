package dev.hamonitoring.cluster;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code kubectl drain <node> --ignore-daemonsets}, the way kubectl does it: cordon the node, then
 * evict every pod on it in parallel through the Eviction API (so PodDisruptionBudgets are
 * honoured), retrying an eviction the API refuses with 429 until it is allowed, and wait until
 * each evicted pod is gone. DaemonSet pods and mirror pods are skipped.
 */
public final class NodeDrain {

    /**
     * What a drain did.
     *
     * @param node the node
     * @param duration from cordon until the last evicted pod was gone
     * @param evicted namespace/name of every evicted pod
     * @param skipped namespace/name of DaemonSet and mirror pods left on the node
     * @param tooManyRequests evictions refused with 429 (a budget said no) and retried
     */
    public record Result(
            String node, Duration duration, List<String> evicted, List<String> skipped, int tooManyRequests) {}

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private NodeDrain() {}

    /**
     * Drains the node.
     *
     * @throws IllegalStateException when some pod could not be evicted within the timeout
     */
    public static Result drain(KubernetesClient client, Nodes nodes, String node, Duration timeout) {
        return drain(client, nodes, node, timeout, new AtomicInteger());
    }

    /**
     * Drains the node, counting refused evictions in {@code refused} as they happen (so another
     * thread can watch a drain that a budget holds up).
     *
     * @throws IllegalStateException when some pod could not be evicted within the timeout
     */
    public static Result drain(
            KubernetesClient client, Nodes nodes, String node, Duration timeout, AtomicInteger refused) {
        Objects.requireNonNull(node, "node");
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        nodes.cordon(node);
        List<Pod> toEvict = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Pod pod : nodes.podsOn(node)) {
            if (ownedByDaemonSet(pod)
                    || pod.getMetadata().getAnnotations() != null
                            && pod.getMetadata().getAnnotations().containsKey("kubernetes.io/config.mirror")) {
                skipped.add(key(pod));
            } else {
                toEvict.add(pod);
            }
        }
        int refusedBefore = refused.get();
        List<String> evicted = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(toEvict.size(), 16)));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Pod pod : toEvict) {
                futures.add(pool.submit(() -> {
                    evictWithRetry(client, pod, deadline, refused);
                    evicted.add(key(pod));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("drain of " + node + " interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "drain of " + node + " failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        evicted.sort(null);
        return new Result(node, took, List.copyOf(evicted), List.copyOf(skipped), refused.get() - refusedBefore);
    }

    private static void evictWithRetry(KubernetesClient client, Pod pod, long deadline, AtomicInteger refused)
            throws InterruptedException {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String uid = pod.getMetadata().getUid();
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            Pod current = client.pods().inNamespace(ns).withName(name).get();
            if (current == null || !uid.equals(current.getMetadata().getUid())) {
                return; // already gone (or replaced by a new pod of the same name)
            }
            Eviction.Answer answer = Eviction.evict(client, ns, name);
            if (answer.evicted() || answer.code() == 404) {
                break;
            }
            if (!answer.refusedByBudget()) {
                throw new IllegalStateException(
                        "eviction of " + ns + "/" + name + " answered " + answer.code() + ": " + answer.body());
            }
            refused.incrementAndGet();
            if (System.nanoTime() + backoff.toNanos() > deadline) {
                throw new IllegalStateException(
                        "eviction of " + ns + "/" + name + " still refused (429) at the drain timeout");
            }
            Thread.sleep(backoff.toMillis()); // kubectl drain's retry interval, shortened; not a wait for a state
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
        // Wait for that pod (by uid) to be gone, like kubectl drain does.
        Duration left = Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - System.nanoTime()));
        await().alias(ns + "/" + name + " evicted but still there at the drain timeout")
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .atMost(left)
                .until(() -> {
                    Pod current = client.pods().inNamespace(ns).withName(name).get();
                    return current == null || !uid.equals(current.getMetadata().getUid());
                });
    }

    /** Whether a DaemonSet owns the pod (a drain leaves it on the node). */
    static boolean ownedByDaemonSet(Pod pod) {
        List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
        return owners != null && owners.stream().anyMatch(o -> "DaemonSet".equals(o.getKind()));
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }
}
