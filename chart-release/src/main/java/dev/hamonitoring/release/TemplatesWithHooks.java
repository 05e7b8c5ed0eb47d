package dev.hamonitoring.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hamonitoring.render.ChartArchive;
import dev.hamonitoring.render.FileTrees;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code helm template} with hooks: every document every template renders, hooks included, the
 * way the helm CLI prints it without {@code --no-hooks} (and what Argo CD receives without
 * {@code helm.skipTests}).
 *
 * <p>helm-java 0.0.21 cannot do this itself: {@code template()} returns only the release manifest
 * (Helm sorts hooks out of it), and {@code install().dryRun()} returns only the status report and
 * NOTES, never the manifest or the hooks. So this renders a temporary copy of the chart into which
 * one capture template per chart (umbrella and each subchart) is added; it {@code include}s every
 * template file of its chart by its template name ({@code ha-monitoring/templates/tests/ha-check.yaml},
 * {@code ha-monitoring/charts/grafana/templates/deployment.yaml}) with the chart's own context and
 * emits the output base64-encoded in a ConfigMap, so Helm cannot tell hooks apart and keeps them.
 * The captured documents that are not hooks are checked against helm-java's ordinary render of
 * the same chart (same objects, or this fails): the capture is proven faithful on every call.
 *
 * @param manifest the ordinary render (no hooks), as helm-java returns it
 * @param documents every rendered document, hooks included, by template
 */
public record TemplatesWithHooks(RenderedRelease manifest, List<Document> documents) {

    /** The annotation that makes a document a Helm hook. */
    public static final String HOOK = "helm.sh/hook";

    private static final String CAPTURE_FILE = "zz-ha-monitoring-capture.yaml";
    private static final String CAPTURE_NAME = "ha-monitoring-template-capture-";
    private static final Pattern SEPARATOR = Pattern.compile("(?m)^---[ \\t]*$");
    private static final Pattern CONTENT_LINE = Pattern.compile("(?m)^(?!\\s*#)\\s*\\S");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One rendered document.
     *
     * @param template the template that rendered it ({@code ha-monitoring/templates/tests/ha-check.yaml})
     * @param text the document's YAML
     * @param object the decoded object
     */
    public record Document(String template, String text, HasMetadata object) {

        /** Whether it is a Helm hook ({@value TemplatesWithHooks#HOOK} annotation). */
        public boolean isHook() {
            Map<String, String> annotations = object.getMetadata().getAnnotations();
            return annotations != null && annotations.containsKey(HOOK);
        }
    }

    /**
     * Renders {@code chart} (a chart directory or .tgz) with hooks; {@code configure} sets the
     * release, namespace, kube version and values files on the {@link HelmRender} of the copy.
     *
     * @throws IllegalStateException when Helm refuses, or the captured non-hook documents differ
     *     from the ordinary render
     */
    public static TemplatesWithHooks render(Path chart, UnaryOperator<HelmRender> configure) {
        Path temp = null;
        try {
            temp = Files.createTempDirectory("ha-monitoring-hooks");
            Path copy = Files.isDirectory(chart)
                    ? FileTrees.copy(chart, temp.resolve(chart.getFileName().toString()))
                    : ChartArchive.read(chart).extractTo(temp);
            RenderedRelease manifest = configure.apply(HelmRender.chart(copy)).render();
            List<List<String>> captured = addCaptureTemplates(copy);
            String withCapture = configure.apply(HelmRender.chart(copy)).manifest();
            List<Document> documents = decodeCaptures(withCapture, captured);
            checkFaithful(manifest, documents);
            return new TemplatesWithHooks(manifest, List.copyOf(documents));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.deleteQuietly(temp);
        }
    }

    /** The documents that are hooks. */
    public List<Document> hooks() {
        return documents.stream().filter(Document::isHook).collect(Collectors.toList());
    }

    /** The objects of every document, hooks included. */
    public List<HasMetadata> allObjects() {
        return documents.stream().map(Document::object).collect(Collectors.toList());
    }

    /**
     * Adds one capture template to every chart directory (the copy's root and, recursively, each
     * {@code charts/<sub>} with a Chart.yaml); returns, per capture index, the template names it
     * includes (in key order t0, t1...).
     */
    private static List<List<String>> addCaptureTemplates(Path umbrella) throws IOException {
        List<List<String>> captures = new ArrayList<>();
        addCaptures(umbrella, chartName(umbrella), captures);
        return captures;
    }

    private static void addCaptures(Path chartDir, String templatePrefix, List<List<String>> captures)
            throws IOException {
        Path templates = chartDir.resolve("templates");
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(templates)) {
            try (Stream<Path> files = Files.walk(templates)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
                    String fileName = file.getFileName().toString();
                    if (fileName.startsWith("_") || fileName.equals("NOTES.txt")) {
                        continue;
                    }
                    names.add(templatePrefix + "/"
                            + chartDir.relativize(file).toString().replace('\\', '/'));
                }
            }
        }
        if (!names.isEmpty()) {
            int index = captures.size();
            captures.add(names);
            StringBuilder capture = new StringBuilder()
                    .append("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ")
                    .append(CAPTURE_NAME)
                    .append(index)
                    .append("\ndata:\n");
            for (int i = 0; i < names.size(); i++) {
                capture.append("  t")
                        .append(i)
                        .append(": {{ include \"")
                        .append(names.get(i))
                        .append("\" . | b64enc | quote }}\n");
            }
            Files.writeString(templates.resolve(CAPTURE_FILE), capture.toString(), StandardCharsets.UTF_8);
        }
        Path subcharts = chartDir.resolve("charts");
        if (Files.isDirectory(subcharts)) {
            Map<String, String> aliases = aliases(chartDir);
            try (Stream<Path> dirs = Files.list(subcharts)) {
                for (Path sub : dirs.filter(d -> Files.isRegularFile(d.resolve("Chart.yaml")))
                        .sorted()
                        .collect(Collectors.toList())) {
                    String name = aliases.getOrDefault(sub.getFileName().toString(), chartName(sub));
                    addCaptures(sub, templatePrefix + "/charts/" + name, captures);
                }
            }
        }
    }

    /**
     * The aliases of a chart's file:// dependencies, by subchart directory name: Helm names an
     * aliased subchart's templates after its alias ({@code charts/nodeExporter/templates/...}).
     */
    private static Map<String, String> aliases(Path chartDir) throws IOException {
        Map<String, String> aliases = new LinkedHashMap<>();
        JsonNode chart = new ObjectMapper(new YAMLFactory())
                .readTree(chartDir.resolve("Chart.yaml").toFile());
        for (JsonNode dependency : chart.path("dependencies")) {
            String repository = dependency.path("repository").asText();
            String alias = dependency.path("alias").asText();
            if (repository.startsWith("file://charts/") && !alias.isEmpty()) {
                aliases.put(repository.substring("file://charts/".length()), alias);
            }
        }
        return aliases;
    }

    private static List<Document> decodeCaptures(String manifest, List<List<String>> captured) {
        List<Document> documents = new ArrayList<>();
        for (String text : SEPARATOR.split(manifest)) {
            if (!text.contains("name: " + CAPTURE_NAME)) {
                continue;
            }
            JsonNode configMap;
            try {
                configMap = JSON.readTree(SERIALIZATION.asJson(SERIALIZATION.unmarshal(text.strip())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String name = configMap.path("metadata").path("name").asText();
            int index = Integer.parseInt(name.substring(CAPTURE_NAME.length()));
            List<String> templates = captured.get(index);
            for (int i = 0; i < templates.size(); i++) {
                String output = new String(
                        Base64.getDecoder()
                                .decode(configMap.path("data").path("t" + i).asText()),
                        StandardCharsets.UTF_8);
                String template = templates.get(i);
                for (String document : SEPARATOR.split(output)) {
                    if (!CONTENT_LINE.matcher(document).find()) {
                        continue;
                    }
                    for (HasMetadata object :
                            RenderedRelease.decode(document, template).objects()) {
                        documents.add(new Document(template, document.strip(), object));
                    }
                }
            }
        }
        if (captured.isEmpty()) {
            return documents;
        }
        documents.sort(Comparator.comparing(Document::template));
        return documents;
    }

    private static void checkFaithful(RenderedRelease manifest, List<Document> documents) {
        Map<JsonNode, Integer> expected = counts(manifest.objects());
        Map<JsonNode, Integer> actual = counts(documents.stream()
                .filter(d -> !d.isHook())
                .map(Document::object)
                .collect(Collectors.toList()));
        if (!expected.equals(actual)) {
            List<String> missing = new ArrayList<>();
            expected.forEach((k, v) -> {
                if (!Objects.equals(actual.get(k), v)) {
                    missing.add(k.path("kind").asText() + "/"
                            + k.path("metadata").path("name").asText());
                }
            });
            List<String> extra = new ArrayList<>();
            actual.forEach((k, v) -> {
                if (!Objects.equals(expected.get(k), v)) {
                    extra.add(k.path("kind").asText() + "/"
                            + k.path("metadata").path("name").asText());
                }
            });
            throw new IllegalStateException(
                    "The template capture does not reproduce helm-java's render: differing in the" + " render "
                            + missing + ", in the capture " + extra);
        }
    }

    private static Map<JsonNode, Integer> counts(List<HasMetadata> objects) {
        Map<JsonNode, Integer> counts = new LinkedHashMap<>();
        for (HasMetadata object : objects) {
            counts.merge(canonical(object), 1, Integer::sum);
        }
        return Collections.unmodifiableMap(counts);
    }

    /** An object as a JSON tree (key order does not matter for equality). */
    static JsonNode canonical(HasMetadata object) {
        try {
            return JSON.readTree(SERIALIZATION.asJson(object));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String chartName(Path chartDir) throws IOException {
        for (String line : Files.readAllLines(chartDir.resolve("Chart.yaml"), StandardCharsets.UTF_8)) {
            if (line.startsWith("name:")) {
                return line.substring("name:".length()).trim().replace("\"", "").replace("'", "");
            }
        }
        throw new IllegalStateException("No name in " + chartDir.resolve("Chart.yaml"));
    }
}
