package dev.hamonitoring.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The chart README")
class ChartReadmeTest {

    /** With -Dreference.update=true, rewrites the reference first (then every test below checks the new file). */
    @BeforeAll
    static void updateWhenAsked() throws IOException {
        if (!Boolean.getBoolean(ChartReadme.UPDATE_PROPERTY)) {
            return;
        }
        Path file = ChartReadme.file();
        String readme = Files.readString(file, StandardCharsets.UTF_8);
        String updated = ChartReadme.withReference(readme, ChartReadme.generatedReference());
        if (!updated.equals(readme)) {
            Files.writeString(file, updated, StandardCharsets.UTF_8);
            System.out.println("[reference] updated " + file);
        }
    }

    @Nested
    @DisplayName("values reference")
    class Reference {

        @Test
        @DisplayName("is the one generated from the schema descriptions and values.yaml")
        void upToDate() throws IOException {
            Path file = ChartReadme.file();
            String readme = Files.readString(file, StandardCharsets.UTF_8);
            String committed = ChartReadme.currentReference(readme);
            String generated = ChartReadme.generatedReference();
            if (!committed.equals(generated)) {
                fail("The values reference in " + file + " is stale (the schema or values.yaml changed); "
                        + ChartReadme.firstDifference(generated, committed) + "\nRegenerate it with:\n    "
                        + ChartReadme.UPDATE_COMMAND + "\nand commit the result.");
            }
        }

        @Test
        @DisplayName("has a row for a key with its default and the schema's description")
        void rows() throws IOException {
            String readme = Files.readString(ChartReadme.file(), StandardCharsets.UTF_8);
            assertThat(ChartReadme.currentReference(readme))
                    .contains("| Key | Type | Default | Description |")
                    .contains("| `prometheus.replicas` |")
                    .contains("| `global.imageRegistry` | string | `\"\"` |");
        }

        @Test
        @DisplayName("staleness names the first differing line")
        void firstDifference() {
            assertThat(ChartReadme.firstDifference("a\nb\nc", "a\nx\nc"))
                    .contains("line 2")
                    .contains("generated: b")
                    .contains("committed: x");
            assertThat(ChartReadme.firstDifference("a\n", "a\n")).isEmpty();
        }

        @Test
        @DisplayName("is replaced only between the markers")
        void markers() {
            String readme = "intro\n" + ChartReadme.START + "\nold\n" + ChartReadme.END + "\noutro\n";
            assertThat(ChartReadme.withReference(readme, "\nnew\n"))
                    .isEqualTo("intro\n" + ChartReadme.START + "\nnew\n" + ChartReadme.END + "\noutro\n");
            assertThatThrownBy(() -> ChartReadme.withReference("no markers", "x"))
                    .hasMessageContaining(ChartReadme.START);
            assertThatThrownBy(() -> ChartReadme.withReference(ChartReadme.END + ChartReadme.START, "x"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    @DisplayName("introduction")
    class Introduction {

        @Test
        @DisplayName(
                "says how to install from the repository with an overlay from the package, and links the top-level README")
        void install() throws IOException {
            String readme = Files.readString(ChartReadme.file(), StandardCharsets.UTF_8);
            String intro = readme.substring(0, readme.indexOf(ChartReadme.START));
            assertThat(intro)
                    .contains("helm repo add ha-monitoring ")
                    .contains("helm install monitoring ha-monitoring/ha-monitoring")
                    .contains("environments/prod.yaml")
                    .contains("(../../README.md)");
            assertThat(ChartReadme.file().resolveSibling("../../README.md").normalize())
                    .exists();
        }

        @Test
        @DisplayName("is shipped in the package, so Artifact Hub shows it")
        void shipped() throws IOException {
            assertThat(ReleaseFixtures.currentPackage().text("README.md"))
                    .isEqualTo(Files.readString(ChartReadme.file(), StandardCharsets.UTF_8));
        }
    }
}
