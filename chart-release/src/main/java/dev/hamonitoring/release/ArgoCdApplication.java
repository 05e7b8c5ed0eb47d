package dev.hamonitoring.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.hamonitoring.render.HelmRender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An Argo CD {@code Application} whose source is a Helm chart from a chart repository, read with
 * Jackson from {@code ci/argocd/}, and how Argo CD's repo server renders it: {@code helm template .}
 * in the unpacked chart, {@code --name-template <helm.releaseName or the Application name>},
 * {@code --namespace <helm.namespace or destination.namespace>}, {@code --kube-version <the
 * destination cluster's version>}, {@code --values <each helm.valueFiles entry, relative to the
 * chart>}, {@code --include-crds}, and {@code --skip-tests} when {@code helm.skipTests} is set.
 * Argo CD never calls {@code lookup} against the cluster and never runs Helm hooks of type
 * {@code test}.
 *
 * @param origin the file it came from (and the ApplicationSet element, when generated)
 * @param document the Application as a JSON tree
 */
public record ArgoCdApplication(String origin, JsonNode document) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern PARAMETER = Pattern.compile("\\{\\{\\s*\\.([A-Za-z0-9_]+)\\s*}}");

    /** Every YAML document of every {@code *.yaml} file in {@code directory}, with its file name. */
    public static List<Map.Entry<String, JsonNode>> documents(Path directory) {
        List<Map.Entry<String, JsonNode>> documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".yaml"))
                    .sorted()
                    .collect(Collectors.toList())) {
                try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
                    Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
                    while (it.hasNext()) {
                        JsonNode node = it.next();
                        if (node != null && !node.isNull() && !node.isMissingNode()) {
                            documents.add(Map.entry(file.getFileName().toString(), node));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    /** The {@code Application}s of {@code directory} (ApplicationSets not expanded). */
    public static List<ArgoCdApplication> applications(Path directory) {
        return documents(directory).stream()
                .filter(d -> d.getValue().path("kind").asText().equals("Application"))
                .map(d -> new ArgoCdApplication(d.getKey(), d.getValue()))
                .collect(Collectors.toList());
    }

    /**
     * The Applications an {@code ApplicationSet} with a {@code list} generator and Go templates
     * generates: its template with every {@code {{.key}}} replaced by the element's value. Only
     * that subset of the template language is supported; anything else fails.
     */
    public static List<ArgoCdApplication> expand(JsonNode applicationSet, String origin) {
        if (!applicationSet.path("kind").asText().equals("ApplicationSet")) {
            throw new IllegalArgumentException(origin + " is not an ApplicationSet");
        }
        JsonNode spec = applicationSet.path("spec");
        if (!spec.path("goTemplate").asBoolean(false)) {
            throw new IllegalArgumentException(origin + ": only goTemplate: true ApplicationSets are supported");
        }
        List<ArgoCdApplication> applications = new ArrayList<>();
        for (JsonNode generator : spec.path("generators")) {
            JsonNode elements = generator.path("list").path("elements");
            if (!elements.isArray()) {
                throw new IllegalArgumentException(origin + ": only list generators are supported, found " + generator);
            }
            for (JsonNode element : elements) {
                JsonNode template = substitute(spec.path("template"), element, origin);
                ObjectNode application = JsonNodeFactory.instance.objectNode();
                application.put("apiVersion", applicationSet.path("apiVersion").asText());
                application.put("kind", "Application");
                ObjectNode metadata = ((ObjectNode) template.path("metadata")).deepCopy();
                metadata.put(
                        "namespace",
                        applicationSet.path("metadata").path("namespace").asText());
                application.set("metadata", metadata);
                application.set("spec", template.path("spec").deepCopy());
                applications.add(new ArgoCdApplication(origin + " " + element, application));
            }
        }
        return applications;
    }

    private static JsonNode substitute(JsonNode node, JsonNode element, String origin) {
        if (node.isTextual()) {
            String text = node.asText();
            Matcher m = PARAMETER.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                JsonNode value = element.path(m.group(1));
                if (!value.isValueNode()) {
                    throw new IllegalArgumentException(
                            origin + ": element " + element + " has no '" + m.group(1) + "' for " + text);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value.asText()));
            }
            m.appendTail(out);
            if (out.indexOf("{{") >= 0) {
                throw new IllegalArgumentException(origin + ": unsupported template syntax in " + text);
            }
            return TextNode.valueOf(out.toString());
        }
        if (node.isObject()) {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(e -> result.set(e.getKey(), substitute(e.getValue(), element, origin)));
            return result;
        }
        if (node.isArray()) {
            ArrayNode result = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> result.add(substitute(item, element, origin)));
            return result;
        }
        return node;
    }

    /** {@code metadata.name}. */
    public String name() {
        return document.path("metadata").path("name").asText();
    }

    /** {@code spec.source}. */
    public JsonNode source() {
        return document.path("spec").path("source");
    }

    /** {@code spec.source.repoURL}. */
    public String repoURL() {
        return source().path("repoURL").asText();
    }

    /** {@code spec.source.chart}. */
    public String chart() {
        return source().path("chart").asText();
    }

    /** {@code spec.source.targetRevision}: the chart version. */
    public String targetRevision() {
        return source().path("targetRevision").asText();
    }

    /** The Helm release name Argo CD templates with: {@code helm.releaseName}, else the Application's name. */
    public String releaseName() {
        String name = source().path("helm").path("releaseName").asText("");
        return name.isEmpty() ? name() : name;
    }

    /** The namespace Argo CD templates with: {@code helm.namespace}, else {@code destination.namespace}. */
    public String namespace() {
        String namespace = source().path("helm").path("namespace").asText("");
        return namespace.isEmpty()
                ? document.path("spec").path("destination").path("namespace").asText()
                : namespace;
    }

    /** {@code helm.valueFiles}, relative to the chart. */
    public List<String> valueFiles() {
        List<String> files = new ArrayList<>();
        source().path("helm").path("valueFiles").forEach(f -> files.add(f.asText()));
        return files;
    }

    /** {@code helm.skipTests}. */
    public boolean skipTests() {
        return source().path("helm").path("skipTests").asBoolean(false);
    }

    /** {@code syncPolicy.syncOptions}. */
    public List<String> syncOptions() {
        List<String> options = new ArrayList<>();
        document.path("spec").path("syncPolicy").path("syncOptions").forEach(o -> options.add(o.asText()));
        return options;
    }

    /**
     * {@code helm template} as Argo CD's repo server runs it for this Application in the unpacked
     * {@code chartDir}, for a destination cluster of {@code kubeVersion}.
     *
     * @throws IllegalArgumentException when a value file is not in the chart (Argo CD fails the
     *     same way, unless {@code ignoreMissingValueFiles} is set)
     */
    public HelmRender helmTemplate(Path chartDir, String kubeVersion) {
        HelmRender render = HelmRender.chart(chartDir)
                .releaseName(releaseName())
                .namespace(namespace())
                .kubeVersion(kubeVersion);
        Path base = chartDir.toAbsolutePath().normalize();
        for (String file : valueFiles()) {
            Path resolved = base.resolve(file).normalize();
            if (!resolved.startsWith(base) || !Files.isRegularFile(resolved)) {
                throw new IllegalArgumentException(
                        origin + ": value file " + file + " is not in the chart " + chartDir);
            }
            render = render.valuesFile(resolved);
        }
        return render;
    }

    @Override
    public String toString() {
        return "Application " + name() + " (" + origin + ")";
    }
}
