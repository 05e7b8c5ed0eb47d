package dev.hamonitoring.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The output of one {@link HelmRender#render()}: the manifest exactly as Helm returned it and the
 * objects decoded from it with fabric8. Kinds fabric8 has no model for (a CNPG {@code Cluster},
 * a {@code ServiceMonitor}...) decode as {@link io.fabric8.kubernetes.api.model.GenericKubernetesResource}.
 *
 * <p>fabric8 objects are mutable; each render produces fresh ones, so share a render between
 * tests only if they do not modify what they read.
 */
public final class RenderedRelease {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Pattern SEPARATOR = Pattern.compile("(?m)^---[ \\t]*$");
    private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: (.+?)[ \\t]*$");
    private static final Pattern CONTENT_LINE = Pattern.compile("(?m)^(?!\\s*#)\\s*\\S");

    private final String manifest;
    private final String description;
    private final List<HasMetadata> objects;
    private final Map<String, List<String>> bySource;

    private RenderedRelease(
            String manifest, String description, List<HasMetadata> objects, Map<String, List<String>> bySource) {
        this.manifest = manifest;
        this.description = description;
        this.objects = objects;
        this.bySource = bySource;
    }

    /**
     * Decodes a multi-document manifest as Helm prints it. Public so later layers can decode
     * manifests from other sources (a packaged chart, a cluster) the same way.
     *
     * @param description what rendered it, used in error messages
     * @throws ChartRenderException when a document is not a Kubernetes object
     */
    public static RenderedRelease decode(String manifest, String description) {
        List<HasMetadata> objects = new ArrayList<>();
        Map<String, List<String>> bySource = new LinkedHashMap<>();
        for (String document : SEPARATOR.split(manifest)) {
            if (!CONTENT_LINE.matcher(document).find()) {
                continue; // blank, or only comments: Helm prints those for templates that rendered nothing
            }
            Matcher source = SOURCE.matcher(document);
            String origin = source.find() ? source.group(1) : "(no # Source line)";
            String text = document.strip();
            bySource.computeIfAbsent(origin, k -> new ArrayList<>()).add(text);
            objects.addAll(decodeDocument(text, origin, description));
        }
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        bySource.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new RenderedRelease(manifest, description, List.copyOf(objects), Collections.unmodifiableMap(frozen));
    }

    private static List<HasMetadata> decodeDocument(String document, String origin, String description) {
        Object decoded;
        try {
            decoded = SERIALIZATION.unmarshal(document);
        } catch (RuntimeException e) {
            String hint =
                    String.valueOf(e.getMessage()).contains("Cannot deserialize value of type `java.lang.Integer`")
                            ? System.lineSeparator()
                                    + "Hint: numbers from values are float64 in templates, so 1000000 prints as"
                                    + " 1e+06, which Kubernetes refuses for an integer field; pipe it through int."
                            : "";
            throw new ChartRenderException(
                    "Cannot decode the document from " + origin + " rendered by " + description,
                    e.getMessage() + hint + System.lineSeparator() + document,
                    e);
        }
        List<HasMetadata> result = new ArrayList<>();
        if (decoded instanceof KubernetesResourceList<?> list) {
            // kind: List: Kubernetes applies its items, so do the tests.
            for (Object item : list.getItems()) {
                result.add(requireObject(item, document, origin, description));
            }
        } else if (decoded != null) {
            result.add(requireObject(decoded, document, origin, description));
        }
        return result;
    }

    private static HasMetadata requireObject(Object decoded, String document, String origin, String description) {
        if (!(decoded instanceof HasMetadata object)
                || object.getKind() == null
                || object.getApiVersion() == null
                || object.getMetadata() == null
                || object.getMetadata().getName() == null) {
            throw new ChartRenderException(
                    "Not a Kubernetes object (needs apiVersion, kind and metadata.name) in " + origin + " rendered by "
                            + description,
                    document,
                    null);
        }
        return object;
    }

    /** The manifest exactly as Helm returned it (multi-document YAML). */
    public String manifest() {
        return manifest;
    }

    /** Every rendered object, in manifest order (Helm's install order: by kind, then as rendered). */
    public List<HasMetadata> objects() {
        return objects;
    }

    /** Every object of that model class, in manifest order. */
    public <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    /** Every object whose {@code kind} is this, typed or generic (for CRD kinds like {@code Cluster}). */
    public List<HasMetadata> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.getKind())).collect(Collectors.toList());
    }

    /** The object of that class with that {@code metadata.name}, if rendered. */
    public <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        List<T> matches = named(all(type), name);
        if (matches.size() > 1) {
            throw new AssertionError(matches.size() + " " + type.getSimpleName() + " objects named '" + name
                    + "' rendered by " + description);
        }
        return matches.stream().findFirst();
    }

    /**
     * The one object of that class with that {@code metadata.name}.
     *
     * @throws AssertionError listing the names of that class that were rendered, when there is
     *     no such object (or more than one)
     */
    public <T extends HasMetadata> T one(Class<T> type, String name) {
        return find(type, name)
                .orElseThrow(() -> new AssertionError("No " + type.getSimpleName() + " named '" + name
                        + "' rendered by " + description + "; " + available(type.getSimpleName(), all(type))));
    }

    /** Like {@link #one(Class, String)} for a kind without a model class. */
    public HasMetadata oneOfKind(String kind, String name) {
        List<HasMetadata> matches = named(ofKind(kind), name);
        if (matches.size() != 1) {
            throw new AssertionError((matches.isEmpty() ? "No " : matches.size() + " ") + kind + " named '" + name
                    + "' rendered by " + description + "; " + available(kind, ofKind(kind)));
        }
        return matches.get(0);
    }

    /**
     * The documents grouped by their {@code # Source:} line ({@code chart/templates/file.yaml} or
     * {@code chart/charts/sub/templates/file.yaml}), in order of first appearance; each document
     * is its text without the {@code ---} separator. Templates that rendered nothing are absent.
     */
    public Map<String, List<String>> bySource() {
        return bySource;
    }

    @Override
    public String toString() {
        return "RenderedRelease of " + description + ": " + objects.size() + " objects";
    }

    private static <T extends HasMetadata> List<T> named(List<T> candidates, String name) {
        return candidates.stream()
                .filter(o -> name.equals(o.getMetadata().getName()))
                .collect(Collectors.toList());
    }

    private static String available(String kind, List<? extends HasMetadata> candidates) {
        if (candidates.isEmpty()) {
            return "no " + kind + " was rendered";
        }
        return kind + " names rendered: "
                + candidates.stream()
                        .map(o -> o.getMetadata().getName())
                        .sorted()
                        .collect(Collectors.joining(", "));
    }
}
