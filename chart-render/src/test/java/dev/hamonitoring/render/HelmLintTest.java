package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("HelmLint")
class HelmLintTest {

    @Nested
    @DisplayName("on the fixture chart")
    class Fixture {

        @Test
        @DisplayName("passes strict lint with only the icon INFO")
        void clean() {
            LintReport report = HelmLint.chart(TinyChart.dir()).run();

            assertThat(report.failed()).as(report.toString()).isFalse();
            assertThat(report.messages())
                    .containsExactly(
                            new LintReport.Message(LintReport.Severity.INFO, "Chart.yaml: icon is recommended"));
        }

        @Test
        @DisplayName("passes with an environment overlay merged in")
        void withOverlay() {
            assertThat(HelmLint.chart(TinyChart.dir())
                            .valuesFile(TinyChart.environment("prod"))
                            .run()
                            .failed())
                    .isFalse();
        }

        @Test
        @DisplayName("fails when a values file breaks the schema, naming the key")
        void schemaViolation(@TempDir Path temp) throws IOException {
            Path bad = Files.writeString(temp.resolve("bad.yaml"), "replicas: 0\n");

            LintReport report = HelmLint.chart(TinyChart.dir()).valuesFile(bad).run();

            assertThat(report.failed()).isTrue();
            assertThat(report.errors())
                    .extracting(LintReport.Message::text)
                    .anySatisfy(text -> assertThat(text).contains("at '/replicas': minimum: got 0, want 1"));
        }

        @Test
        @DisplayName("leaves the chart directory untouched when merging values files")
        void doesNotTouchTheChart(@TempDir Path temp) throws IOException {
            Path bad = Files.writeString(temp.resolve("bad.yaml"), "replicas: 0\n");
            String before = Files.readString(TinyChart.dir().resolve("values.yaml"));

            HelmLint.chart(TinyChart.dir()).valuesFile(bad).run();

            assertThat(TinyChart.dir().resolve("values.yaml")).hasContent(before);
        }
    }

    @Nested
    @DisplayName("strict mode")
    class Strict {

        @Test
        @DisplayName("fails on a warning that non-strict lint lets pass")
        void warningsFailOnlyWhenStrict(@TempDir Path temp) throws IOException {
            Path chart = copyFixture(temp);
            // An invalid object name is a lint WARNING, not an ERROR.
            Files.writeString(
                    chart.resolve("templates/bad-name.yaml"),
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n");

            LintReport strict = HelmLint.chart(chart).run();
            LintReport lenient = HelmLint.chart(chart).strict(false).run();

            assertThat(strict.failed()).isTrue();
            assertThat(strict.warnings())
                    .singleElement()
                    .extracting(LintReport.Message::text)
                    .asString()
                    .startsWith(
                            "templates/bad-name.yaml: object name does not conform to Kubernetes naming requirements");
            assertThat(lenient.failed()).isFalse();
        }
    }

    @Nested
    @DisplayName("merging values files like Helm")
    class Merge {

        private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

        @Test
        @DisplayName("merges maps key by key, replaces lists and scalars, deletes on null")
        void coalesce() throws IOException {
            JsonNode base = yaml.readTree("a: {x: 1, y: 2}\nlist: [1, 2]\ngone: 1\nkeep: k\n");
            JsonNode overlay = yaml.readTree("a: {y: 3, z: 4}\nlist: [9]\ngone: null\n");

            assertThat(ValuesFiles.merge(base, overlay))
                    .isEqualTo(yaml.readTree("a: {x: 1, y: 3, z: 4}\nlist: [9]\nkeep: k\n"));
        }
    }

    @Nested
    @DisplayName("parsing helm-java's lines")
    class Parsing {

        @Test
        @DisplayName("joins multi-line messages and reads bare Error lines as errors")
        void regroup() {
            LintReport report = LintReport.parse(
                    List.of(
                            "[INFO] Chart.yaml: icon is recommended",
                            "[ERROR] templates/: values don't meet the specifications of the schema(s) in the following chart(s):",
                            "tiny:",
                            "- at '/replicas': minimum: got 0, want 1",
                            "",
                            "Error unable to load chart"),
                    true);

            assertThat(report.messages())
                    .containsExactly(
                            new LintReport.Message(LintReport.Severity.INFO, "Chart.yaml: icon is recommended"),
                            new LintReport.Message(
                                    LintReport.Severity.ERROR,
                                    "templates/: values don't meet the specifications of the schema(s) in the following chart(s):\n"
                                            + "tiny:\n- at '/replicas': minimum: got 0, want 1"),
                            new LintReport.Message(LintReport.Severity.ERROR, "unable to load chart"));
            assertThat(report.errors()).hasSize(2);
        }
    }

    private static Path copyFixture(Path temp) throws IOException {
        return FileTrees.copy(TinyChart.dir(), temp.resolve("tiny-chart"));
    }
}
