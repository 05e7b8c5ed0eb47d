package dev.hamonitoring.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Generates {@code charts/ha-monitoring/values.schema.json} from its single source,
 * {@code values-schema/src/main/schema/values.schema.yaml}, after checking the source against
 * {@link SchemaDiscipline}.
 *
 * <p>The JSON is committed with the chart, so a chart installed from a git checkout (or an Argo CD
 * Application pointing at the git path) validates its values too. {@code CommittedSchemaTest} fails
 * when the committed file differs from the generated one; {@value #UPDATE_COMMAND} rewrites it.
 *
 * <p>The JSON keeps the key order of the YAML source, gains a {@code $comment} saying it is
 * generated, and is only rewritten when its content changes.
 */
public final class SchemaGenerator {

    /** Source, relative to the repository root. */
    public static final String SOURCE = "values-schema/src/main/schema/values.schema.yaml";
    /** Target, relative to the repository root. */
    public static final String TARGET = "charts/ha-monitoring/values.schema.json";

    /** The system property that makes {@code CommittedSchemaTest} rewrite the committed JSON first. */
    public static final String UPDATE_PROPERTY = "schema.update";
    /** The command that regenerates the committed JSON, quoted in failure messages. */
    public static final String UPDATE_COMMAND = "./mvnw -q -pl values-schema test -D" + UPDATE_PROPERTY
            + "=true -Dtest=CommittedSchemaTest -Dsurefire.failIfNoSpecifiedTests=false";

    static final String GENERATED_COMMENT =
            "Generated from " + SOURCE + "; edit the YAML, not this file, then run: " + UPDATE_COMMAND;

    private SchemaGenerator() {}

    /**
     * Checks the source and writes the JSON.
     *
     * @return whether the target was (re)written; {@code false} when it already held the same bytes
     * @throws IllegalArgumentException when the source is missing or not YAML
     * @throws SchemaDisciplineException listing every rule the source breaks
     */
    public static boolean generate(Path source, Path target) {
        if (!Files.isRegularFile(source)) {
            throw new IllegalArgumentException("The values schema source is missing: " + source.toAbsolutePath()
                    + System.lineSeparator() + "  It is the single source of " + TARGET
                    + " (JSON Schema draft-07 written as YAML); create it, then rebuild.");
        }
        String json = toJson(source);
        try {
            if (Files.isRegularFile(target)
                    && Files.readString(target, StandardCharsets.UTF_8).equals(json)) {
                return false;
            }
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(target, json, StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + target.toAbsolutePath(), e);
        }
    }

    /**
     * Reads, checks and converts a schema source without writing anything.
     *
     * @throws SchemaDisciplineException listing every rule the source breaks
     */
    public static String toJson(Path source) {
        JsonNode schema = SchemaDocuments.readYaml(source);
        List<String> problems = SchemaDiscipline.check(schema);
        if (!problems.isEmpty()) {
            throw new SchemaDisciplineException(source + " breaks the schema rules", problems);
        }
        return SchemaDocuments.toPrettyJson(withGeneratedComment((ObjectNode) schema));
    }

    /**
     * Puts the "generated" note right after $schema, keeping every other key where it was; an
     * author's own root $comment is kept after the note.
     */
    private static ObjectNode withGeneratedComment(ObjectNode schema) {
        JsonNode own = schema.get("$comment");
        String comment = own == null ? GENERATED_COMMENT : GENERATED_COMMENT + " " + own.asText();
        ObjectNode result = schema.objectNode();
        if (!schema.has("$schema")) {
            result.put("$comment", comment);
        }
        for (Map.Entry<String, JsonNode> entry : schema.properties()) {
            if (entry.getKey().equals("$comment")) {
                continue;
            }
            result.set(entry.getKey(), entry.getValue());
            if (entry.getKey().equals("$schema")) {
                result.put("$comment", comment);
            }
        }
        return result;
    }
}
