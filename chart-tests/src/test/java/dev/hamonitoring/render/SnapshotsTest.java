package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Snapshots")
class SnapshotsTest {

    private static final String MANIFEST = "kind: StatefulSet\nmetadata:\n  name: prometheus\nspec:\n  replicas: 2\n";

    @TempDir
    Path dir;

    private Snapshots comparing() {
        return Snapshots.in(dir).updating(false);
    }

    @Nested
    @DisplayName("when the snapshot is missing")
    class Missing {

        @Test
        @DisplayName("fails, saying which file and the exact flag that writes it")
        void missingIsAFailure() {
            assertThatThrownBy(() -> comparing().check("prod", MANIFEST))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Snapshot 'prod' does not exist: " + dir.resolve("prod.yaml"))
                    .hasMessageContaining("./mvnw verify -Dsnapshots.update=true");
            assertThat(dir.resolve("prod.yaml")).doesNotExist();
        }

        @Test
        @DisplayName("is written when updating, after which comparing passes")
        void updateWrites() {
            Snapshots.in(dir).updating(true).check("prod", MANIFEST);

            assertThat(dir.resolve("prod.yaml")).hasContent(MANIFEST.strip());
            assertThatCode(() -> comparing().check("prod", MANIFEST)).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("is written when the system property snapshots.update=true is set")
        void systemPropertyWrites() {
            String before = System.getProperty(Snapshots.UPDATE_PROPERTY);
            System.setProperty(Snapshots.UPDATE_PROPERTY, "true");
            try {
                Snapshots.in(dir.resolve("nested")).check("dev", MANIFEST);
            } finally {
                if (before == null) {
                    System.clearProperty(Snapshots.UPDATE_PROPERTY);
                } else {
                    System.setProperty(Snapshots.UPDATE_PROPERTY, before);
                }
            }
            assertThat(dir.resolve("nested/dev.yaml")).exists();
        }
    }

    @Nested
    @DisplayName("when the snapshot exists")
    class Existing {

        @Test
        @DisplayName("passes on identical content, whatever the line endings")
        void identical() throws IOException {
            Files.writeString(dir.resolve("prod.yaml"), MANIFEST.replace("\n", "\r\n"));

            assertThatCode(() -> comparing().check("prod", MANIFEST)).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("fails with a unified-style diff of the first differing lines")
        void mismatchShowsDiff() throws IOException {
            Files.writeString(dir.resolve("prod.yaml"), MANIFEST);

            assertThatThrownBy(() -> comparing().check("prod", MANIFEST.replace("replicas: 2", "replicas: 3")))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Rendered output differs from snapshot 'prod'")
                    .hasMessageContaining("./mvnw verify -Dsnapshots.update=true")
                    .hasMessageEndingWith("""
                            --- prod.yaml (snapshot)
                            +++ prod.yaml (rendered)
                            @@ -2,4 +2,4 @@
                             metadata:
                               name: prometheus
                             spec:
                            -  replicas: 2
                            +  replicas: 3
                            """);
        }

        @Test
        @DisplayName("is overwritten when updating")
        void updateOverwrites() throws IOException {
            Files.writeString(dir.resolve("prod.yaml"), "old\n");

            Snapshots.in(dir).updating(true).check("prod", MANIFEST);

            assertThat(Files.readString(dir.resolve("prod.yaml"))).isEqualTo(MANIFEST);
        }
    }

    @Nested
    @DisplayName("the diff")
    class Diff {

        @Test
        @DisplayName("shows insertions with context and truncates long runs")
        void insertion() {
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                many.append("line ").append(i).append('\n');
            }
            String diff = Snapshots.diff("x.yaml", "a\nb\n", "a\n" + many + "b\n");

            assertThat(diff)
                    .startsWith("--- x.yaml (snapshot)\n+++ x.yaml (rendered)\n@@ -1,2 +1,52 @@\n a\n+line 0\n")
                    .contains("+line 39\n+... 10 more lines\n b\n")
                    .doesNotContain("line 40");
        }

        @Test
        @DisplayName("explains a difference that is only a trailing newline")
        void trailingNewline() {
            assertThat(Snapshots.diff("x.yaml", "a\n", "a"))
                    .endsWith("(only the line endings at the end of the file differ)\n");
        }
    }

    @Test
    @DisplayName("refuses names that are not plain file names")
    void names() {
        assertThatThrownBy(() -> comparing().check("../prod", MANIFEST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("../prod");
    }

    @Nested
    @DisplayName("of the render API's fixture chart")
    class FixtureChart {

        /** The fixture's own snapshots, apart from the real chart's. */
        private final Path fixtureSnapshots =
                ProjectPaths.root().resolve("chart-tests/src/test/resources/fixtures/tiny-chart-snapshots");

        @Test
        @DisplayName("match the committed prod render")
        void matchesCommitted() {
            RenderedRelease prod =
                    TinyChart.render().valuesFile(TinyChart.environment("prod")).render();

            Snapshots.in(fixtureSnapshots).updating(false).check("prod", prod.manifest());
        }

        @Test
        @DisplayName("do not match the dev render")
        void devDiffers() {
            RenderedRelease dev =
                    TinyChart.render().valuesFile(TinyChart.environment("dev")).render();

            assertThatThrownBy(
                            () -> Snapshots.in(fixtureSnapshots).updating(false).check("prod", dev.manifest()))
                    .isInstanceOf(AssertionError.class);
        }
    }
}
