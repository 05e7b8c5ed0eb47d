package dev.hamonitoring.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hamonitoring.analysis.topology.NodePool;
import dev.hamonitoring.analysis.topology.Topology;
import dev.hamonitoring.render.ChartRenderException;
import dev.hamonitoring.render.RenderedRelease;
import dev.hamonitoring.render.ValuesFiles;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code java -jar ha-analyzer.jar [OVERLAY] [options]} (or {@code ci/ha-report.sh} in a
 * checkout): renders an overlay of a chart, or reads a manifest rendered elsewhere, and prints its
 * HA report. Exit code 0 when no check finds anything (a topology the release does not survive is
 * reported, not failed), 1 when there are findings, 2 on usage, input or render errors.
 */
public final class HaReportCommand {

    public static final int OK = 0;
    public static final int FINDINGS = 1;
    public static final int ERROR = 2;

    static final String USAGE = """
            Usage: java -jar ha-analyzer.jar [OVERLAY] [options]        render a chart and analyse it
                   java -jar ha-analyzer.jar - [options] < manifest.yaml  analyse a rendered manifest
                   (in a checkout, ci/ha-report.sh runs the same jar)

              OVERLAY                 an overlay the chart ships (dev | staging | prod, from its environments/) or a
                                      values file; default prod when the chart ships it, else the chart's defaults
              -f, --values FILE       another values file on top of the overlay (repeatable); with a manifest, the
                                      values it was rendered with, read only for the Secrets they declare existing
              --chart CHART           chart directory, packaged chart (.tgz), or repo/chart[@version] of a repository
                                      added with helm repo add; default charts/ha-monitoring of the checkout
              --repository-config FILE  repositories.yaml naming the repository of repo/chart; default Helm's own
              --manifest FILE         analyse a manifest rendered elsewhere (helm template, helm get manifest,
                                      argocd app manifests) instead of rendering; - (or a lone -) reads stdin
              --topology SPEC         ZxN preset (Z zones of N nodes, e.g. 3x2, 1x3, 1x1) or a YAML file
                                      nodes: [{name, zone, labels: {...}, taints: ["k=v:NoSchedule"]}]; default 3x2
              --pool MODE             labels and taints of preset nodes:
                                        overlay  the overlay's global.nodePool (nodeSelector as labels, tolerations as
                                                 taints); for a manifest or a repository chart, the node selector and
                                                 tolerations most of the rendered pods share; default
                                        none     bare nodes: pods that require a pool show "no eligible node"
                                        k=v[,k=v][;key=value:Effect,...]  explicit labels and taints
              --external NAMES        objects that exist outside the release: Kind/name or name, comma-separated (repeatable);
                                      Secrets named in values as existingSecret are declared external already
              --external-file FILE    YAML: external: [Kind/name, ...]
              --operator-namespace NS namespace of the CloudNativePG operator; default cnpg-system
              --release NAME          release name; default monitoring (for a manifest: its app.kubernetes.io/instance)
              --namespace NS          release namespace; default monitoring (for a manifest: its objects' namespace)
              --json                  print the report as JSON
              --list-checks           print the checks and the invariant each one holds the release to
              -h, --help              this help

            Exit code: 0 no findings, 1 findings, 2 usage, input or render error.
            """;

    private static final String INSTANCE_LABEL = "app.kubernetes.io/instance";

    private HaReportCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs the command; returns the exit code instead of exiting. {@code in} is read only for a manifest on stdin. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            err.println("ha-report: " + e.getMessage());
            err.print(USAGE);
            return ERROR;
        }
        if (options.help) {
            out.print(USAGE);
            return OK;
        }
        if (options.listChecks) {
            HaChecks.all().forEach(c -> out.println(c.id() + ": " + c.description()));
            return OK;
        }
        HaReport report;
        try {
            report = options.manifest != null ? analyseManifest(options, in) : analyse(options);
        } catch (ChartRenderException e) {
            err.println(
                    options.manifest != null
                            ? "ha-report: the manifest cannot be read as Kubernetes objects:"
                            : "ha-report: the chart does not render:");
            err.println(e.helmError());
            return ERROR;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            err.println("ha-report: " + e.getMessage());
            return ERROR;
        }
        if (options.json) {
            try {
                out.println(new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(report));
            } catch (JsonProcessingException e) {
                err.println("ha-report: cannot write JSON: " + e.getMessage());
                return ERROR;
            }
        } else {
            out.print(TextReport.format(report));
        }
        return report.passed() ? OK : FINDINGS;
    }

    static HaReport analyse(Options options) {
        ChartSource chart =
                options.chart == null ? checkoutChart() : ChartSource.of(options.chart, options.repositoryConfig);
        Overlay overlay;
        if (options.overlay != null) {
            overlay = Overlay.of(chart, options.overlay);
        } else if (chart.environment("prod").isPresent()) {
            overlay = Overlay.of(chart, "prod");
        } else {
            overlay = Overlay.defaults(chart);
        }
        for (Path file : options.values) {
            overlay = overlay.withValues(file);
        }
        String release = options.release == null ? "monitoring" : options.release;
        String namespace = options.namespace == null ? "monitoring" : options.namespace;
        RenderedRelease rendered = overlay.render(release, namespace);
        NodePool valuesPool = chart.directory().isPresent() ? overlay.pool() : NodePool.fromRelease(rendered.objects());
        return analysis(options, rendered, release, namespace, overlay.externals(), valuesPool)
                .overlay(
                        chart.directory().isPresent() && options.chart == null
                                ? overlay.label()
                                : overlay.label() + " of " + chart.label())
                .run();
    }

    static HaReport analyseManifest(Options options, InputStream in) {
        if (options.overlay != null || options.chart != null) {
            throw new IllegalArgumentException("a manifest is analysed as rendered: drop "
                    + (options.chart != null ? "--chart " + options.chart : "the overlay " + options.overlay)
                    + ", or render it yourself and pass the manifest");
        }
        boolean stdin = "-".equals(options.manifest);
        String label = stdin ? "manifest (stdin)" : "manifest " + options.manifest;
        RenderedRelease rendered = RenderedRelease.decode(readManifest(options.manifest, in), label);
        if (rendered.objects().isEmpty()) {
            throw new IllegalArgumentException(label + " holds no Kubernetes object");
        }
        String release = options.release != null
                ? options.release
                : mostCommon(
                        rendered,
                        o -> o.getMetadata().getLabels() == null
                                ? null
                                : o.getMetadata().getLabels().get(INSTANCE_LABEL),
                        "monitoring");
        String namespace = options.namespace != null
                ? options.namespace
                : mostCommon(rendered, o -> o.getMetadata().getNamespace(), "monitoring");
        JsonNode values = JsonNodeFactory.instance.objectNode();
        for (Path file : options.values) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("Values file not found: " + file);
            }
            values = ValuesFiles.merge(values, ValuesFiles.read(file));
        }
        return analysis(
                        options,
                        rendered,
                        release,
                        namespace,
                        ExternalNames.fromValues(values),
                        NodePool.fromRelease(rendered.objects()))
                .overlay(label)
                .run();
    }

    private static HaAnalysis analysis(
            Options options,
            RenderedRelease rendered,
            String release,
            String namespace,
            ExternalNames declared,
            NodePool overlayPool) {
        NodePool pool = switch (options.pool) {
            case "overlay" -> overlayPool;
            case "none" -> NodePool.none();
            default -> NodePool.parse(options.pool);
        };
        Topology topology = Topology.isPreset(options.topology)
                ? Topology.preset(options.topology, pool)
                : loadTopology(options.topology);
        ExternalNames externals = declared.plus(ExternalNames.of("--external", options.external));
        for (Path file : options.externalFiles) {
            externals = externals.plus(ExternalNames.load(file));
        }
        return HaAnalysis.of(rendered)
                .release(release)
                .namespace(namespace)
                .topology(topology)
                .externals(externals)
                .operatorNamespace(options.operatorNamespace);
    }

    private static ChartSource checkoutChart() {
        try {
            return ChartSource.checkout();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(
                    "no chart to render outside a checkout of ha-monitoring: pass --chart"
                            + " (a chart directory, a .tgz or repo/chart[@version]) or a rendered manifest (- for stdin)",
                    e);
        }
    }

    private static String readManifest(String source, InputStream in) {
        try {
            if ("-".equals(source)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Path file = Path.of(source);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("Manifest file not found: " + source);
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the manifest " + source, e);
        }
    }

    private static String mostCommon(
            RenderedRelease rendered, Function<HasMetadata, String> attribute, String fallback) {
        return rendered.objects().stream()
                .map(attribute)
                .filter(Objects::nonNull)
                .collect(Collectors.groupingBy(Function.identity(), LinkedHashMap::new, Collectors.counting()))
                .entrySet()
                .stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(fallback);
    }

    private static Topology loadTopology(String spec) {
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "--topology " + spec + " is neither a ZxN preset (3x2, 1x3, ...) nor an existing file");
        }
        return Topology.load(file);
    }

    /** Parsed command-line options. */
    static final class Options {
        String overlay;
        String chart;
        Path repositoryConfig;
        String manifest;
        String topology = "3x2";
        String pool = "overlay";
        String release;
        String namespace;
        String operatorNamespace = AnalysisContext.DEFAULT_OPERATOR_NAMESPACE;
        final List<Path> values = new ArrayList<>();
        final List<String> external = new ArrayList<>();
        final List<Path> externalFiles = new ArrayList<>();
        boolean json;
        boolean help;
        boolean listChecks;

        static Options parse(List<String> args) {
            Options o = new Options();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                String name = arg;
                String inline = null;
                if (arg.startsWith("--") && arg.contains("=")) {
                    name = arg.substring(0, arg.indexOf('='));
                    inline = arg.substring(arg.indexOf('=') + 1);
                }
                switch (name) {
                    case "-h", "--help" -> o.help = true;
                    case "--json" -> o.json = true;
                    case "--list-checks" -> o.listChecks = true;
                    case "-f", "--values" -> o.values.add(Path.of(inline != null ? inline : value(args, ++i, name)));
                    case "--topology" -> o.topology = inline != null ? inline : value(args, ++i, name);
                    case "--pool" -> o.pool = inline != null ? inline : value(args, ++i, name);
                    case "--external" ->
                        o.external.addAll(Arrays.asList((inline != null ? inline : value(args, ++i, name)).split(",")));
                    case "--external-file" ->
                        o.externalFiles.add(Path.of(inline != null ? inline : value(args, ++i, name)));
                    case "--operator-namespace" ->
                        o.operatorNamespace = inline != null ? inline : value(args, ++i, name);
                    case "--chart" -> o.chart = inline != null ? inline : value(args, ++i, name);
                    case "--repository-config" ->
                        o.repositoryConfig = Path.of(inline != null ? inline : value(args, ++i, name));
                    case "--manifest" ->
                        o.manifest = manifestSource(o, inline != null ? inline : value(args, ++i, name));
                    case "-" -> o.manifest = manifestSource(o, "-");
                    case "--release" -> o.release = inline != null ? inline : value(args, ++i, name);
                    case "--namespace", "-n" -> o.namespace = inline != null ? inline : value(args, ++i, name);
                    default -> {
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        if (o.overlay != null) {
                            throw new IllegalArgumentException(
                                    "more than one overlay given: " + o.overlay + " and " + arg);
                        }
                        o.overlay = arg;
                    }
                }
            }
            return o;
        }

        private static String manifestSource(Options o, String source) {
            if (o.manifest != null) {
                throw new IllegalArgumentException("more than one manifest given: " + o.manifest + " and " + source);
            }
            return source;
        }

        private static String value(List<String> args, int index, String option) {
            if (index >= args.size() || args.get(index).startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(index);
        }
    }
}
