package dev.hamonitoring.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The values reference generator")
class ValuesReferenceGeneratorTest {

    private static String reference() {
        return ValuesReferenceGenerator.render(Fixtures.schema("good"), Fixtures.values("good-values"));
    }

    @Nested
    @DisplayName("renders a Markdown table")
    class Table {

        @Test
        @DisplayName("exactly as the golden file")
        void matchesGolden() throws IOException {
            assertThat(reference())
                    .isEqualTo(Files.readString(Fixtures.path("expected/good-reference.md"), StandardCharsets.UTF_8));
        }

        @Test
        @DisplayName("with one row per leaf key in schema order, expanding objects and $refs")
        void oneRowPerLeaf() {
            assertThat(reference().lines().skip(2).map(line -> line.split(" \\| ")[0]))
                    .containsExactly(
                            "| `replicas`",
                            "| `image.repository`",
                            "| `image.tag`",
                            "| `logLevel`",
                            "| `podAnnotations`",
                            "| `resources`",
                            "| `extraArgs`",
                            "| `grafana.enabled`",
                            "| `grafana.\"grafana.ini\"`",
                            "| `grafana.adminSecret`");
        }
    }

    @Nested
    @DisplayName("fills each row")
    class Rows {

        @Test
        @DisplayName("with the type, the JSON default and the description")
        void scalarRow() {
            assertThat(reference()).contains("| `replicas` | integer | `2` | Prometheus replicas. |\n");
            assertThat(reference()).contains("| `image.tag` | string | `\"v3.9.1\"` | Image tag. |\n");
        }

        @Test
        @DisplayName("naming element and value types of lists and maps")
        void containerTypes() {
            assertThat(reference()).contains("| `extraArgs` | array of string | `[]` | Extra command line flags. |\n");
            assertThat(reference()).contains("| `podAnnotations` | map of string | `{}` | Extra pod annotations. |\n");
        }

        @Test
        @DisplayName("listing enum choices in the description")
        void enumChoices() {
            assertThat(reference())
                    .contains(
                            "| `logLevel` | string | `\"info\"` | Log level. One of: `\"debug\"`, `\"info\"`, `\"warn\"`. |\n");
        }

        @Test
        @DisplayName("escaping pipes so a default cannot break the table")
        void escapesPipes() {
            assertThat(reference())
                    .contains(
                            "| `grafana.\"grafana.ini\"` | object | `{\"server\":{\"root_url\":\"https://grafana.example.org\\|x\"}}` |");
        }

        @Test
        @DisplayName("escaping angle brackets in descriptions so they are not read as HTML")
        void escapesHtml() {
            String table = ValuesReferenceGenerator.render(
                    SchemaDocuments.parseYaml("""
                    type: object
                    additionalProperties: false
                    properties:
                      name:
                        description: "Empty names it <release>-critical & co.\nSecond line."
                        type: string
                    """), SchemaDocuments.parseYaml("name: \"\"\n"));

            assertThat(table)
                    .endsWith(
                            "| `name` | string | `\"\"` | Empty names it &lt;release&gt;-critical &amp; co. Second line. |\n");
        }

        @Test
        @DisplayName("leaving the default empty for an optional key without one")
        void optionalWithoutDefault() {
            assertThat(reference())
                    .contains(
                            "| `grafana.adminSecret` | string |  | Name of an existing Secret with the admin password. |\n");
        }
    }
}
