package dev.hamonitoring.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hamonitoring.analysis.topology.NodePool;
import dev.hamonitoring.analysis.topology.Topology;
import dev.hamonitoring.render.ChartRenderException;
import dev.hamonitoring.render.RenderedRelease;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ha-report [overlay] [options]}: renders an overlay of the umbrella chart and prints its HA
 * report. Exit code 0 when no check finds anything (a topology the overlay does not survive is
 * reported, not failed), 1 when there are findings, 2 on usage or render errors.
 */
public final class HaReportCommand {

    public static final int OK = 0;
    public static final int FINDINGS = 1;
    public static final int ERROR = 2;

    static final String USAGE = """
            Usage: ci/ha-report.sh [OVERLAY] [options]

              OVERLAY                 dev | staging | prod (charts/ha-monitoring/environments/) or a values file; default prod
              -f, --values FILE       another values file on top of the overlay (repeatable)
              --topology SPEC         ZxN preset (Z zones of N nodes, e.g. 3x2, 1x3, 1x1) or a YAML file
                                      nodes: [{name, zone, labels: {...}, taints: ["k=v:NoSchedule"]}]; default 3x2
              --pool MODE             labels and taints of preset nodes:
                                        overlay  the overlay's global.nodePool (nodeSelector as labels, tolerations as taints); default
                                        none     bare nodes: pods that require a pool show "no eligible node"
                                        k=v[,k=v][;key=value:Effect,...]  explicit labels and taints
              --external NAMES        objects that exist outside the release: Kind/name or name, comma-separated (repeatable);
                                      Secrets named in values as existingSecret are declared external already
              --external-file FILE    YAML: external: [Kind/name, ...]
              --operator-namespace NS namespace of the CloudNativePG operator; default cnpg-system
              --release NAME          release name; default monitoring
              --namespace NS          release namespace; default monitoring
              --json                  print the report as JSON
              --list-checks           print the checks and the invariant each one holds the release to
              -h, --help              this help

            Exit code: 0 no findings, 1 findings, 2 usage or render error.
            """;

    private HaReportCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit code instead of exiting. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
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
            report = analyse(options);
        } catch (ChartRenderException e) {
            err.println("ha-report: the chart does not render:");
            err.println(e.helmError());
            return ERROR;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            err.println("ha-report: " + e.getMessage());
            return ERROR;
        }
        if (options.json) {
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                err.println("ha-report: cannot write JSON: " + e.getMessage());
                return ERROR;
            }
        } else {
            out.print(TextReport.format(report));
        }
        return report.passed() ? OK : FINDINGS;
    }

    static HaReport analyse(Options options) {
        Overlay overlay = Overlay.of(options.overlay);
        for (Path file : options.values) {
            overlay = overlay.withValues(file);
        }
        NodePool pool = switch (options.pool) {
            case "overlay" -> overlay.pool();
            case "none" -> NodePool.none();
            default -> NodePool.parse(options.pool);
        };
        Topology topology = Topology.isPreset(options.topology) ? Topology.preset(options.topology, pool)
                : loadTopology(options.topology);
        ExternalNames externals = overlay.externals().plus(ExternalNames.of("--external", options.external));
        for (Path file : options.externalFiles) {
            externals = externals.plus(ExternalNames.load(file));
        }
        RenderedRelease release = overlay.render(options.release, options.namespace);
        return HaAnalysis.of(release)
                .release(options.release)
                .namespace(options.namespace)
                .overlay(overlay.label())
                .topology(topology)
                .externals(externals)
                .operatorNamespace(options.operatorNamespace)
                .run();
    }

    private static Topology loadTopology(String spec) {
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--topology " + spec + " is neither a ZxN preset (3x2, 1x3, ...) nor an existing file");
        }
        return Topology.load(file);
    }

    /** Parsed command-line options. */
    static final class Options {
        String overlay = "prod";
        String topology = "3x2";
        String pool = "overlay";
        String release = "monitoring";
        String namespace = "monitoring";
        String operatorNamespace = AnalysisContext.DEFAULT_OPERATOR_NAMESPACE;
        final List<Path> values = new ArrayList<>();
        final List<String> external = new ArrayList<>();
        final List<Path> externalFiles = new ArrayList<>();
        boolean json;
        boolean help;
        boolean listChecks;

        static Options parse(List<String> args) {
            Options o = new Options();
            boolean overlaySet = false;
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
                    case "--external" -> o.external.addAll(Arrays.asList((inline != null ? inline : value(args, ++i, name)).split(",")));
                    case "--external-file" -> o.externalFiles.add(Path.of(inline != null ? inline : value(args, ++i, name)));
                    case "--operator-namespace" -> o.operatorNamespace = inline != null ? inline : value(args, ++i, name);
                    case "--release" -> o.release = inline != null ? inline : value(args, ++i, name);
                    case "--namespace", "-n" -> o.namespace = inline != null ? inline : value(args, ++i, name);
                    default -> {
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        if (overlaySet) {
                            throw new IllegalArgumentException("more than one overlay given: " + o.overlay + " and " + arg);
                        }
                        o.overlay = arg;
                        overlaySet = true;
                    }
                }
            }
            return o;
        }

        private static String value(List<String> args, int index, String option) {
            if (index >= args.size() || args.get(index).startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(index);
        }
    }
}
