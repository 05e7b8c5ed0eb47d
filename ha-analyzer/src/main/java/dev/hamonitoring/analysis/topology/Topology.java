package dev.hamonitoring.analysis.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The nodes a release is analysed on: a preset "ZxN" (Z zones of N nodes, named zone-a-1 ...) or
 * a YAML file {@code nodes: [{name, zone, labels: {k: v}, taints: ["k=v:NoSchedule" | {key, value, effect}]}]}.
 * Every node carries kubernetes.io/hostname and topology.kubernetes.io/zone labels.
 */
public final class Topology {

    public static final String HOSTNAME_KEY = "kubernetes.io/hostname";
    public static final String ZONE_KEY = "topology.kubernetes.io/zone";

    private static final Pattern PRESET = Pattern.compile("(\\d+)x(\\d+)");

    private final String name;
    private final List<Node> nodes;
    private final NodePool pool;

    private Topology(String name, List<Node> nodes, NodePool pool) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("A topology needs at least one node: " + name);
        }
        this.name = name;
        this.nodes = List.copyOf(nodes);
        this.pool = pool;
    }

    public static boolean isPreset(String spec) {
        return PRESET.matcher(spec).matches();
    }

    /** "3x2": three zones (zone-a, zone-b, zone-c) of two nodes each, every node carrying the pool's labels and taints. */
    public static Topology preset(String spec, NodePool pool) {
        Matcher m = PRESET.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "A topology preset is <zones>x<nodes per zone>, such as 3x2 or 1x3; got: " + spec);
        }
        int zones = Integer.parseInt(m.group(1));
        int perZone = Integer.parseInt(m.group(2));
        if (zones < 1 || zones > 26 || perZone < 1) {
            throw new IllegalArgumentException(
                    "A preset needs 1 to 26 zones and at least one node per zone; got: " + spec);
        }
        List<Node> nodes = new ArrayList<>();
        for (int z = 0; z < zones; z++) {
            String zone = "zone-" + (char) ('a' + z);
            for (int n = 1; n <= perZone; n++) {
                String nodeName = zone + "-" + n;
                Map<String, String> labels = new LinkedHashMap<>(pool.labels());
                labels.put(HOSTNAME_KEY, nodeName);
                labels.put(ZONE_KEY, zone);
                nodes.add(new Node(nodeName, zone, Map.copyOf(labels), pool.taints()));
            }
        }
        return new Topology(spec, nodes, pool);
    }

    /** A YAML topology file (its nodes are used as written; no pool is added). */
    public static Topology load(Path file) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            List<Node> nodes = new ArrayList<>();
            for (JsonNode n : root.path("nodes")) {
                String nodeName = n.path("name").asText(null);
                if (nodeName == null) {
                    throw new IllegalArgumentException("Every node of " + file + " needs a name");
                }
                Map<String, String> labels = new LinkedHashMap<>();
                n.path("labels")
                        .properties()
                        .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                String zone = n.path("zone").asText(labels.getOrDefault(ZONE_KEY, "default"));
                labels.putIfAbsent(HOSTNAME_KEY, nodeName);
                labels.put(ZONE_KEY, zone);
                List<Taint> taints = new ArrayList<>();
                for (JsonNode t : n.path("taints")) {
                    taints.add(
                            t.isTextual()
                                    ? Taint.parse(t.asText())
                                    : new Taint(
                                            t.path("key").asText(),
                                            t.path("value").asText(""),
                                            t.path("effect").asText("NoSchedule")));
                }
                nodes.add(new Node(nodeName, zone, Map.copyOf(labels), List.copyOf(taints)));
            }
            return new Topology(file.getFileName().toString(), nodes, null);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read topology " + file, e);
        }
    }

    public String name() {
        return name;
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** The pool preset nodes carry, or null for a file topology. */
    public NodePool pool() {
        return pool;
    }

    /**
     * What is left of this topology after losing these nodes (a node or a zone that went down):
     * analysed like any other, it tells what the hard rules can still place on the survivors.
     */
    public Topology without(Collection<String> lost) {
        List<Node> left = nodes.stream().filter(n -> !lost.contains(n.name())).toList();
        if (left.size() == nodes.size()) {
            throw new IllegalArgumentException("None of " + lost + " is a node of " + name);
        }
        return new Topology(name + " without " + String.join(", ", lost), left, pool);
    }

    public Set<String> zones() {
        Set<String> zones = new LinkedHashSet<>();
        nodes.forEach(n -> zones.add(n.zone()));
        return zones;
    }

    public String describe() {
        return name + ": " + nodes.size() + (nodes.size() == 1 ? " node" : " nodes") + " in " + zones().size()
                + (zones().size() == 1 ? " zone (" : " zones (") + String.join(", ", zones()) + ")"
                + (pool == null ? "; nodes as written in the file" : "; nodes carry " + pool.describe());
    }
}
