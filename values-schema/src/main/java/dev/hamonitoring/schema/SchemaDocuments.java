package dev.hamonitoring.schema;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reading YAML (the schema source, values.yaml) and writing the generated JSON.
 *
 * <p>Key order is kept as written: Jackson's object nodes are insertion ordered, so the JSON
 * follows the YAML source line for line and regenerating an unchanged source gives identical bytes.
 */
public final class SchemaDocuments {

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            // A key written twice in a schema or values file is always a mistake: the second silently wins.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private static final ObjectMapper JSON = new ObjectMapper();

    private SchemaDocuments() {}

    /**
     * Reads a YAML document into a tree. An empty file reads as {@link MissingNode}.
     *
     * @throws IllegalArgumentException naming the file when it is missing or not valid YAML
     */
    public static JsonNode readYaml(Path file) {
        try {
            JsonNode node = YAML.readTree(Files.readString(file));
            return node == null ? MissingNode.getInstance() : node;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("File not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Cannot read YAML from " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** Parses YAML text (used by tests and callers that already hold the text). */
    public static JsonNode parseYaml(String yaml) {
        try {
            JsonNode node = YAML.readTree(yaml);
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid YAML: " + e.getMessage(), e);
        }
    }

    /**
     * Pretty JSON the way people write it by hand: 2-space indent, {@code "key": value}, one
     * array element per line, {@code {}} and {@code []} for empty containers, {@code \n} line
     * ends on every OS and a trailing newline.
     */
    public static String toPrettyJson(JsonNode node) {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withSeparators(separators);
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        try {
            return JSON.writer(printer).writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Single-line JSON, used for default values in the values reference. */
    public static String toCompactJson(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
