package dev.hamonitoring.release;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.hamonitoring.render.ChartArchive;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code index.yaml} of a chart repository, as {@code helm repo index} writes it:
 * {@code apiVersion: v1}, {@code entries} by chart name (newest version first), each entry being
 * the package's Chart.yaml plus {@code urls} (relative to the repository, so the folder can be
 * served from any address), {@code created} and {@code digest} (hex SHA-256 of the .tgz), and a
 * {@code generated} time. Keys are sorted like Helm's JSON-based YAML output.
 *
 * <p>Helm stamps {@code created}/{@code generated} with the current time; here they are given
 * (the build's {@code project.build.outputTimestamp}) so two builds of the same sources write
 * identical bytes.
 */
public final class ChartRepositoryIndex {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            // Every string value quoted (Helm's own index quotes created/generated, which would
            // otherwise read as YAML timestamps, and versions that look like numbers).
            .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE));

    /** One chart version of the repository: its package, where it is (relative URL) and when it was created. */
    public record Entry(ChartArchive archive, String url, Instant created) {}

    private ChartRepositoryIndex() {}

    /** The index.yaml text for these packages. */
    public static String render(List<Entry> entries, Instant generated) {
        Map<String, List<Entry>> byName = new TreeMap<>();
        for (Entry entry : entries) {
            byName.computeIfAbsent(entry.archive().name(), k -> new ArrayList<>())
                    .add(entry);
        }
        ObjectNode index = JsonNodeFactory.instance.objectNode();
        index.put("apiVersion", "v1");
        ObjectNode charts = index.putObject("entries");
        byName.forEach((name, versions) -> {
            versions.sort(Comparator.comparing(
                            (Entry e) -> SemanticVersion.parse(e.archive().version()))
                    .reversed());
            ArrayNode list = charts.putArray(name);
            for (Entry entry : versions) {
                ObjectNode version = (ObjectNode) entry.archive().chartYaml();
                version.put("created", entry.created().toString());
                version.put("digest", entry.archive().sha256());
                version.putArray("urls").add(entry.url());
                list.add(sorted(version));
            }
        });
        index.put("generated", generated.toString());
        try {
            return YAML.writeValueAsString(index);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads an index.yaml. */
    public static JsonNode parse(String indexYaml) {
        try {
            return YAML.readTree(indexYaml);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Unreadable index.yaml: " + e.getMessage(), e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            names.sort(Comparator.naturalOrder());
            for (String name : names) {
                result.set(name, sorted(node.get(name)));
            }
            return result;
        }
        if (node.isArray()) {
            ArrayNode result = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> result.add(sorted(item)));
            return result;
        }
        return node;
    }
}
