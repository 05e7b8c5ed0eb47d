package dev.hamonitoring.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Release;
import dev.hamonitoring.release.ChartArchive;
import dev.hamonitoring.render.ProjectPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The last released package (the test fixture under release/previous/) installed with its own prod
 * overlay, then upgraded in place to this chart with the prod overlay: a real {@code helm upgrade}
 * against a real API server, which refuses any immutable-field change the static comparison of
 * {@code UpgradeCompatibility} might miss.
 */
@ExtendWith(ClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The previous release, upgraded in place to this one with the prod overlay")
class PreviousReleaseUpgradeIT {

    private static final String RELEASE = "prev";
    private static final String NAMESPACE = "monitoring-prev";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private static StackUnderTest stack;
    private static ControlPlane plane;
    private static Path previousChart;
    private static List<Path> prodValues;

    @BeforeAll
    static void setUp(@org.junit.jupiter.api.io.TempDir Path temp) throws IOException {
        plane = ClusterExtension.controlPlane();
        stack = StackUnderTest.of(plane, RELEASE, NAMESPACE);
        Path fixtures = ProjectPaths.root().resolve("chart-tests/src/test/resources/release/previous");
        Path archive;
        try (Stream<Path> files = Files.list(fixtures)) {
            archive = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no previous release package in " + fixtures));
        }
        previousChart = ChartArchive.read(archive).extractTo(temp);
        prodValues = List.of(StackUnderTest.overlay("prod"), StackUnderTest.testProfile());
        plane.topology(Topology.standard().monitoringPool().volumes(LocalVolumes.forRelease(stack.render(prodValues))));
        stack.prepare();
    }

    @AfterAll
    static void tearDown() {
        if (stack != null) {
            stack.remove();
        }
    }

    @Test
    @Order(1)
    @DisplayName("the previous package installs with the prod overlay shipped inside it, and every pod becomes Ready")
    void previousInstalls() {
        HelmRelease previous = new HelmRelease(plane.kubeconfig(), previousChart, RELEASE, NAMESPACE);
        Release release = previous.install(List.of(previousChart.resolve("environments/prod.yaml"), StackUnderTest.testProfile()));
        assertThat(release.getStatus()).isEqualTo("deployed");
        assertThat(release.getChart()).as("the fixture is the previous version").isNotEqualTo("ha-monitoring-" + System.getProperty("hamonitoring.project.version"));
        stack.workloads.awaitAllReady(READY_TIMEOUT);
    }

    @Test
    @Order(2)
    @DisplayName("helm upgrade to this chart succeeds without an immutable-field error, and every pod is Ready again")
    void upgradesInPlace() {
        long start = System.nanoTime();
        Release release = stack.helm.upgrade(prodValues);
        assertThat(release.getStatus()).isEqualTo("deployed");
        assertThat(release.getRevision()).isEqualTo("2");
        assertThat(release.getChart()).isEqualTo("ha-monitoring-" + System.getProperty("hamonitoring.project.version"));
        stack.workloads.awaitAllReady(READY_TIMEOUT);
        assertThat(stack.events("FailedCreate")).isEmpty();
        ClusterReport.number("previous -> current prod upgrade until every pod Ready",
                StackUnderTest.seconds((System.nanoTime() - start) / 1e9));
    }
}
