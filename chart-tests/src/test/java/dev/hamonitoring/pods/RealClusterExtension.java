package dev.hamonitoring.pods;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.hamonitoring.cluster.ClusterTopology;
import dev.hamonitoring.cluster.LocalVolumes;
import dev.hamonitoring.render.PodTemplates;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.testcontainers.DockerClientFactory;

/**
 * The real-pod layer's shared state for every test class in the JVM: the images (built once) and
 * the standard cluster (3 zones × 2 nodes, the prod node pool's label and taint, local volumes
 * sized for the profile's release), started by the first class that needs it and removed when the
 * run ends, with every container's component logs kept when any test failed. Other clusters
 * ({@link #startCluster}) belong to the test that starts them. Clusters come from the selected
 * {@link PodClusterBackend}; a backend that cannot run here skips the class, with its reason.
 */
public final class RealClusterExtension implements BeforeAllCallback, TestWatcher {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RealClusterExtension.class);
    private static volatile Shared shared;

    @Override
    public void beforeAll(ExtensionContext context) {
        PodClusterBackend backend = PodClusterBackend.selected();
        Optional<String> unavailable = backend.unavailable(RealClusterExtension::imagePresent);
        Assumptions.assumeTrue(unavailable.isEmpty(), unavailable::get);
        context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        Shared.class,
                        k -> {
                            RealCluster.removeLeftovers();
                            Shared state = new Shared(backend);
                            shared = state;
                            return state;
                        },
                        Shared.class);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Shared state = shared;
        if (state != null) {
            state.failed = true;
        }
    }

    /** The standard cluster with the profile's release volumes; only inside a class extended with this extension. */
    static PodCluster cluster() {
        return state().standard();
    }

    /** A cluster of its own for one test (closed by it). */
    static PodCluster startCluster(ClusterTopology topology) {
        Shared state = state();
        return state.backend.start(
                topology, state.images(), workDir(), LocalVolumes.forRelease(RealPodsProfile.render()));
    }

    private static boolean imagePresent(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Closes a test's own cluster, keeping its logs when any test of the layer failed. */
    static void closeOwn(PodCluster cluster) {
        if (cluster != null) {
            if (anyFailed()) {
                cluster.keepLogs();
            }
            cluster.close();
        }
    }

    /** Whether any test of the layer failed so far (a test's own cluster keeps its logs then). */
    static boolean anyFailed() {
        Shared state = shared;
        return state != null && state.failed;
    }

    static PodImages.Built images() {
        return state().images();
    }

    private static Shared state() {
        Shared state = shared;
        if (state == null) {
            throw new IllegalStateException("Use @ExtendWith(RealClusterExtension.class) on the test class");
        }
        return state;
    }

    static Path workDir() {
        return ProjectPaths.root().resolve("chart-tests/target/real-pods");
    }

    /** Every image the chart's pod templates (and its helm test Pod) reference in the profile. */
    static Set<String> chartImages(RenderedRelease release) {
        Set<String> images = new TreeSet<>();
        for (PodTemplateSpec template : PodTemplates.all(release.objects()).values()) {
            List<Container> containers = new ArrayList<>(template.getSpec().getContainers());
            if (template.getSpec().getInitContainers() != null) {
                containers.addAll(template.getSpec().getInitContainers());
            }
            containers.forEach(c -> images.add(c.getImage()));
        }
        images.add(RealPodsProfile.testImage());
        return images;
    }

    /**
     * The chart images of the profile's release and of the previous release's (UpgradeIT installs
     * it first): a reference only the previous version renders (its Redis tag) is the same locally
     * made image under that name.
     */
    static Set<String> layerImages() {
        Set<String> images = chartImages(RealPodsProfile.render());
        images.addAll(chartImages(PreviousRelease.render(workDir().resolve("previous"))));
        return images;
    }

    /** Closed by JUnit at the end of the run. */
    static final class Shared implements AutoCloseable {
        private final PodClusterBackend backend;
        private PodImages.Built images;
        private PodCluster standard;
        private volatile boolean failed;

        Shared(PodClusterBackend backend) {
            this.backend = backend;
        }

        synchronized PodImages.Built images() {
            if (images == null) {
                long t0 = System.nanoTime();
                images = new PodImages(
                                DockerClientFactory.instance().client(),
                                workDir().resolve("images"))
                        .build(layerImages());
                System.out.printf(
                        "[pods] images ready in %.1f s: %s (archive %s)%n",
                        (System.nanoTime() - t0) / 1e9,
                        images.references(),
                        images.archive().getFileName());
            }
            return images;
        }

        synchronized PodCluster standard() {
            if (standard == null) {
                standard = backend.start(
                        ClusterTopology.standard().monitoringPool(),
                        images(),
                        workDir(),
                        LocalVolumes.forRelease(RealPodsProfile.render()));
            }
            return standard;
        }

        @Override
        public void close() {
            shared = null;
            if (standard != null) {
                if (failed) {
                    standard.keepLogs();
                }
                standard.close();
            }
        }
    }
}
