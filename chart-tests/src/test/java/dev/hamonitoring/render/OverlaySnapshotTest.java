package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One snapshot per shipped overlay, the backstop behind the behaviour tests: any change of the
 * rendered output shows up in review. Rewrite them with {@value Snapshots#UPDATE_COMMAND}.
 */
@DisplayName("Overlay snapshots")
class OverlaySnapshotTest {

    static List<String> environments() {
        return ProjectPaths.environments();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("environments")
    @DisplayName("the rendered overlay equals its committed snapshot")
    void matchesSnapshot(String environment) {
        Snapshots.assertMatches(environment, Releases.overlay(environment).manifest());
    }

    @Test
    @DisplayName("every shipped overlay has a snapshot and every snapshot an overlay")
    void oneSnapshotPerOverlay() throws IOException {
        try (Stream<Path> files = Files.list(Snapshots.chartSnapshots())) {
            assertThat(files.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".yaml"))
                            .map(n -> n.substring(0, n.length() - 5)))
                    .containsExactlyInAnyOrderElementsOf(environments());
        }
        assertThat(environments()).containsExactlyInAnyOrder("dev", "staging", "prod");
    }
}
