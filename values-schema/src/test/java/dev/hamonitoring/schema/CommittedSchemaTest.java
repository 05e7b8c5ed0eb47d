package dev.hamonitoring.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The committed charts/ha-monitoring/values.schema.json")
class CommittedSchemaTest {

    /** Surefire runs in the module directory; the repository root is its parent. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static Path committed() {
        return ROOT.resolve(SchemaGenerator.TARGET);
    }

    private static Path source() {
        return ROOT.resolve(SchemaGenerator.SOURCE);
    }

    /** With -Dschema.update=true, rewrites the committed file first (then the checks below read the new one). */
    @BeforeAll
    static void updateWhenAsked() {
        if (Boolean.getBoolean(SchemaGenerator.UPDATE_PROPERTY) && SchemaGenerator.generate(source(), committed())) {
            System.out.println("[values-schema] updated " + committed());
        }
    }

    @Test
    @DisplayName("is exactly the JSON generated from the YAML source")
    void upToDate() throws IOException {
        assertThat(committed())
                .as("the chart must carry its schema so git installs validate values")
                .isRegularFile();
        String generated = SchemaGenerator.toJson(source());
        String onDisk = Files.readString(committed(), StandardCharsets.UTF_8);
        if (!generated.equals(onDisk)) {
            fail(SchemaGenerator.TARGET + " is stale: " + SchemaGenerator.SOURCE + " changed since it was generated."
                    + "\nRegenerate it with:\n    " + SchemaGenerator.UPDATE_COMMAND + "\nand commit the result.");
        }
    }

    @Test
    @DisplayName("would be reported stale after a one-value edit of the source")
    void staleWhenSourceDiffers(@TempDir Path temp) throws IOException {
        Path edited = temp.resolve("values.schema.yaml");
        String yaml = Files.readString(source(), StandardCharsets.UTF_8);
        assertThat(yaml).contains("minimum: 1\n");
        Files.writeString(edited, yaml.replaceFirst("minimum: 1\n", "minimum: 2\n"), StandardCharsets.UTF_8);
        assertThat(SchemaGenerator.toJson(edited)).isNotEqualTo(Files.readString(committed(), StandardCharsets.UTF_8));
    }
}
