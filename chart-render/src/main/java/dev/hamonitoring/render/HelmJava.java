package dev.hamonitoring.render;

import java.util.function.Supplier;

/**
 * The one lock around calls into helm-java's in-process Go library (see the package
 * documentation for what helm-java does and does not do). Every layer (render, release,
 * cluster) goes through it, so two threads never drive the one Helm library at once.
 */
public final class HelmJava {

    /** Serializes calls into the one in-process Helm library. */
    public static final Object LOCK = new Object();

    private HelmJava() {}

    /**
     * Runs one helm-java call under the lock; helm-java reports every Go-side error as an
     * {@link IllegalStateException} whose message is Helm's error text.
     */
    public static <T> T call(Supplier<T> call) {
        synchronized (LOCK) {
            return call.get();
        }
    }
}
