package dev.hamonitoring.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link ControlPlane} for every cluster test class in the JVM: started lazily by the first
 * class that uses this extension, closed when the whole test run ends (a resource of JUnit's root
 * store; the control plane's own shutdown hook is the backstop). Also times every test for
 * {@link ClusterReport}, printed at that close.
 */
public final class ClusterExtension
        implements BeforeAllCallback, BeforeTestExecutionCallback, AfterTestExecutionCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ClusterExtension.class);
    private static volatile ControlPlane shared;

    /** The shared control plane; only valid inside a class extended with this extension. */
    static ControlPlane controlPlane() {
        ControlPlane plane = shared;
        if (plane == null) {
            throw new IllegalStateException("Use @ExtendWith(ClusterExtension.class) on the test class");
        }
        return plane;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        Shared.class,
                        k -> {
                            ControlPlane plane = ControlPlane.start();
                            ClusterReport.number(
                                    "control plane, cold start (first in JVM)",
                                    String.format("%.1f s", plane.startSeconds()));
                            shared = plane;
                            return new Shared(plane);
                        },
                        Shared.class);
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        context.getStore(NAMESPACE).put("start", System.nanoTime());
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        Long start = context.getStore(NAMESPACE).get("start", Long.class);
        if (start == null) {
            return;
        }
        ClusterReport.test(
                displayPath(context),
                (System.nanoTime() - start) / 1e9,
                context.getExecutionException().isEmpty());
    }

    private static String displayPath(ExtensionContext context) {
        List<String> names = new ArrayList<>();
        for (ExtensionContext c = context;
                c != null && c.getParent().isPresent();
                c = c.getParent().orElse(null)) {
            names.add(c.getDisplayName());
        }
        Collections.reverse(names);
        return String.join(" > ", names);
    }

    /** Closed by JUnit at the end of the run (AutoCloseable values of the root store). */
    static final class Shared implements AutoCloseable {
        private final ControlPlane plane;

        Shared(ControlPlane plane) {
            this.plane = plane;
        }

        @Override
        public void close() {
            shared = null;
            plane.close();
            System.out.print(ClusterReport.render());
        }
    }
}
