package dev.hamonitoring.analysis.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration files the stack's programs read, found the way the program finds them (its
 * config flag, or Grafana's GF_PATHS_CONFIG) and parsed.
 */
public final class Configs {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Configs() {}

    public static JsonNode yaml(String text) {
        try {
            JsonNode node = YAML.readTree(text);
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** prometheus.yml of the Prometheus container (--config.file), parsed. */
    public static Optional<JsonNode> prometheus(StackModel stack, Workload w) {
        return w.container(Role.PROMETHEUS)
                .flatMap(c -> configFlagFile(stack, w, c, "config.file"))
                .map(Configs::yaml);
    }

    /** The Loki config file (-config.file), parsed. */
    public static Optional<JsonNode> loki(StackModel stack, Workload w, Container c) {
        return configFlagFile(stack, w, c, "config.file").map(Configs::yaml);
    }

    /** haproxy.cfg (-f). */
    public static Optional<String> haproxy(StackModel stack, Workload w) {
        return w.container(Role.HAPROXY).flatMap(c -> {
            List<String> all = Args.all(c);
            for (int i = 0; i + 1 < all.size(); i++) {
                if ("-f".equals(all.get(i))) {
                    return stack.file(w, c, all.get(i + 1));
                }
            }
            return stack.file(w, c, "/usr/local/etc/haproxy/haproxy.cfg");
        });
    }

    private static Optional<String> configFlagFile(StackModel stack, Workload w, Container c, String flag) {
        String path = Args.last(c, flag);
        return path == null ? Optional.empty() : stack.file(w, c, path);
    }

    // ------------------------------------------------------------------------------- Grafana

    /** grafana.ini as Grafana resolves it: the file at GF_PATHS_CONFIG, overridden by GF_SECTION_KEY env vars. */
    public record GrafanaIni(Map<String, Map<String, String>> sections, Container container) {

        /** The effective value (env var first), or null. */
        public String get(String section, String key) {
            String env = StackModel.env(container, envName(section, key));
            if (env != null) {
                return env;
            }
            Map<String, String> values = sections.get(section);
            return values == null ? null : values.get(key);
        }

        static String envName(String section, String key) {
            return ("GF_" + section + "_" + key)
                    .toUpperCase(Locale.ROOT)
                    .replace('.', '_')
                    .replace('-', '_');
        }
    }

    public static Optional<GrafanaIni> grafanaIni(StackModel stack, Workload w) {
        Optional<Container> container = w.container(Role.GRAFANA);
        if (container.isEmpty()) {
            return Optional.empty();
        }
        String path = StackModel.env(container.get(), "GF_PATHS_CONFIG");
        String text = stack.file(w, container.get(), path == null ? "/etc/grafana/grafana.ini" : path)
                .orElse("");
        return Optional.of(new GrafanaIni(ini(text), container.get()));
    }

    /** Sections of an ini file; keys before any section go to "". */
    public static Map<String, Map<String, String>> ini(String text) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        String current = "";
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = line.substring(1, line.length() - 1).strip();
                continue;
            }
            int eq = line.indexOf('=');
            if (eq > 0) {
                sections.computeIfAbsent(current, k -> new LinkedHashMap<>())
                        .put(
                                line.substring(0, eq).strip(),
                                line.substring(eq + 1).strip());
            }
        }
        return sections;
    }

    /** URLs of every provisioned data source in files the Grafana container sees. */
    public static List<String> grafanaDatasourceUrls(StackModel stack, Workload w) {
        List<String> urls = new ArrayList<>();
        w.container(Role.GRAFANA)
                .ifPresent(c -> stack.files(w, c).forEach((path, content) -> {
                    if (!path.endsWith(".yaml") && !path.endsWith(".yml")) {
                        return;
                    }
                    JsonNode doc = yaml(content);
                    for (JsonNode source : doc.path("datasources")) {
                        if (source.hasNonNull("url")) {
                            urls.add(source.get("url").asText());
                        }
                    }
                }));
        return urls;
    }

    // ------------------------------------------------------------------------------ addresses

    /** A host and port a program connects to. */
    public record Address(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** "http://host:10902/path" → host:10902 (scheme default ports 80/443). */
    public static Optional<Address> url(String url) {
        try {
            URI uri = URI.create(url.strip());
            if (uri.getHost() == null) {
                return Optional.empty();
            }
            int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            return Optional.of(new Address(uri.getHost(), port));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** "host:port" (an optional scheme or "dns+" prefix is dropped); empty without a numeric port. */
    public static Optional<Address> hostPort(String text, int defaultPort) {
        String value = text.strip();
        if (value.contains("://")) {
            return url(value);
        }
        value = value.replaceFirst("^dns\\+", "");
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            return defaultPort > 0 && !value.isEmpty()
                    ? Optional.of(new Address(value, defaultPort))
                    : Optional.empty();
        }
        try {
            return Optional.of(new Address(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
