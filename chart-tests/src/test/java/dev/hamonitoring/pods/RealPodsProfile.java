package dev.hamonitoring.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hamonitoring.render.HelmRender;
import dev.hamonitoring.render.ProjectPaths;
import dev.hamonitoring.render.RenderedRelease;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The real-pod layer's release: the prod overlay plus {@code pods/real-pods.yaml}, which only
 * shrinks resources and swaps what cannot exist on this machine. Everything else (replicas,
 * spreading rules, budgets, priorities, NetworkPolicies, quotas, probes, security contexts, image
 * references) is prod's, which {@code RealPodsProfileTest} checks object by object.
 *
 * <p>What cannot exist here, and how the layer deals with it:
 *
 * <ul>
 *   <li><b>Grafana</b>: no image can be made (no Debian package, no Go module). Its Deployment is
 *       installed as rendered, then scaled to 0; a probe pod carrying Grafana's labels checks
 *       every network edge Grafana uses, and the helm test's Grafana check is asserted to fail.
 *   <li><b>PostgreSQL (CloudNativePG)</b>: the operator cannot be built here; the profile turns the
 *       database off and names an external host, as the cluster layer does.
 *   <li><b>Object storage</b>: an S3 bucket served by a test-only gofakes3 pod in the release
 *       namespace; the {@code thanos-objstore} Secret points at it and object-storage egress is
 *       allowed to that pod.
 * </ul>
 */
final class RealPodsProfile {

    static final String RELEASE = "ha";
    static final String NAMESPACE = "monitoring";

    private RealPodsProfile() {}

    /** {@code pods/real-pods.yaml} in the test resources. */
    static Path valuesFile() {
        return resource("real-pods.yaml");
    }

    /** A file of {@code pods/} in the test resources, such as a scenario's own values. */
    static Path resource(String name) {
        return ProjectPaths.root()
                .resolve("chart-tests/src/test/resources/pods")
                .resolve(name);
    }

    /** The values files of an install: prod, then the profile. */
    static List<Path> valuesFiles() {
        return valuesFiles(List.of());
    }

    /** Prod, the profile, then a scenario's own values (what only that scenario needs, such as a receiver). */
    static List<Path> valuesFiles(List<Path> scenario) {
        List<Path> files = new ArrayList<>(List.of(ProjectPaths.environment("prod"), valuesFile()));
        files.addAll(scenario);
        return files;
    }

    /** The release as the profile renders it. */
    static RenderedRelease render() {
        return render(List.of());
    }

    /** The release as the profile and a scenario's own values render it. */
    static RenderedRelease render(List<Path> scenario) {
        HelmRender render = HelmRender.chart(ProjectPaths.umbrellaChart())
                .releaseName(RELEASE)
                .namespace(NAMESPACE);
        for (Path file : valuesFiles(scenario)) {
            render = render.valuesFile(file);
        }
        return render.render();
    }

    /** The helm test Pod's image ({@code tests.image} of the chart's values): hooks are not part of a render. */
    static String testImage() {
        JsonNode image = values().path("tests").path("image");
        return image.path("registry").asText() + "/" + image.path("repository").asText() + ":"
                + image.path("tag").asText();
    }

    private static JsonNode values() {
        try {
            return new ObjectMapper(new YAMLFactory())
                    .readTree(ProjectPaths.chartValues().toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The release as prod alone renders it, for the comparison. */
    static RenderedRelease renderProd() {
        return HelmRender.chart(ProjectPaths.umbrellaChart())
                .releaseName(RELEASE)
                .namespace(NAMESPACE)
                .valuesFile(ProjectPaths.environment("prod"))
                .render();
    }

    /**
     * Every way the profile may differ from prod, each matching {@code "Kind/name path"} of a
     * differing leaf (or {@code "Kind/name (only in prod)"}): the README's list, as code.
     */
    static final Map<String, Pattern> DIFFERENCES = differences();

    private static Map<String, Pattern> differences() {
        Map<String, Pattern> rules = new LinkedHashMap<>();
        rules.put(
                "requests and limits shrink",
                Pattern.compile(
                        "^\\w+/\\S+ \\.spec\\.template\\.spec\\.(initContainers|containers)\\[\\d+]\\.resources\\..*"));
        rules.put("StorageClasses of the local provider", Pattern.compile("^StorageClass/\\S+ .*"));
        rules.put(
                "no CloudNativePG: its cluster, its policy and the edges to it go, Grafana names an external database",
                Pattern.compile(
                        "^(Cluster/" + RELEASE + "-postgresql \\(only in prod\\)"
                                + "|NetworkPolicy/" + RELEASE + "-postgresql-net \\(only in prod\\)"
                                + "|NetworkPolicy/" + RELEASE + "-(grafana|prometheus)-net \\.spec\\.egress.*"
                                + "|ResourceQuota/" + RELEASE + "-quota \\.spec\\.hard\\.pods"
                                + "|ConfigMap/" + RELEASE + "-grafana \\.data\\.grafana\\.ini"
                                + "|Deployment/" + RELEASE
                                + "-grafana \\.spec\\.template\\.metadata\\.annotations\\.checksum/config-0"
                                + "|Deployment/" + RELEASE
                                + "-grafana \\.spec\\.template\\.spec\\.containers\\[0]\\.env\\[\\d+]\\.valueFrom\\.secretKeyRef\\.name)$"));
        rules.put(
                "object storage egress goes to the in-namespace bucket's port",
                Pattern.compile("^NetworkPolicy/" + RELEASE
                        + "-(thanos-store|thanos-compactor|prometheus)-net \\.spec\\.egress.*"));
        return rules;
    }

    /** {@code "Kind/name path"} of every leaf where {@code profile} differs from {@code prod}. */
    static List<String> differences(RenderedRelease prod, RenderedRelease profile) {
        Map<String, JsonNode> before = byName(prod);
        Map<String, JsonNode> after = byName(profile);
        List<String> out = new ArrayList<>();
        for (String key : before.keySet()) {
            if (!after.containsKey(key)) {
                out.add(key + " (only in prod)");
            } else {
                diff(before.get(key), after.get(key), key + " ", "", out);
            }
        }
        after.keySet().stream().filter(k -> !before.containsKey(k)).forEach(k -> out.add(k + " (only in the profile)"));
        return out;
    }

    /** The differences no entry of {@link #DIFFERENCES} explains. */
    static List<String> unexplained(List<String> differences) {
        return differences.stream()
                .filter(d -> DIFFERENCES.values().stream()
                        .noneMatch(p -> p.matcher(d).matches()))
                .toList();
    }

    private static Map<String, JsonNode> byName(RenderedRelease release) {
        ObjectMapper mapper = new ObjectMapper();
        Map<String, JsonNode> objects = new TreeMap<>();
        for (HasMetadata object : release.objects()) {
            objects.put(object.getKind() + "/" + object.getMetadata().getName(), mapper.valueToTree(object));
        }
        return objects;
    }

    private static void diff(JsonNode a, JsonNode b, String prefix, String path, List<String> out) {
        if (a != null && b != null && a.isObject() && b.isObject()) {
            Set<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                diff(a.get(key), b.get(key), prefix, path + "." + key, out);
            }
        } else if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                diff(a.get(i), b.get(i), prefix, path + "[" + i + "]", out);
            }
        } else if (a == null ? b != null : !a.equals(b)) {
            out.add(prefix + path);
        }
    }
}
