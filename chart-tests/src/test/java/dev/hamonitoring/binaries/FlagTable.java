package dev.hamonitoring.binaries;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How each flag the chart renders is placed on loopback, per program ({@code prometheus},
 * {@code alertmanager}, {@code thanos <subcommand>}). A flag that is not listed here makes the
 * rewrite fail: whoever adds a flag to the chart decides here whether it carries an address or a
 * path (rewritten) or only semantics (kept as rendered).
 */
public final class FlagTable {

    /** What a flag's value is, and so how the rewrite places it. */
    public enum Placement {
        /** Semantics only: kept exactly as rendered. */
        KEEP,
        /** A boolean flag without a value ({@code --wait}): kept. */
        SWITCH,
        /** {@code host:port} to listen on: {@code 127.0.0.1:<the pod's port>}. */
        LISTEN,
        /** {@code host:port} announced to peers (host is the pod IP or a DNS name of the pod). */
        ADVERTISE,
        /** {@code host:port} of another pod, through the loopback DNS. */
        PEER,
        /** An http(s) URL, through the loopback DNS. */
        URL,
        /** A Thanos StoreAPI endpoint: {@code host:port}, {@code dns+host:port} or {@code dnssrv+_port._proto.name}; may become several. */
        ENDPOINT,
        /** A file or directory path, through the container's mounts. */
        PATH,
        /** prometheus.yml: a path whose file is rewritten with {@link PrometheusConfigRewrite}. */
        PROMETHEUS_CONFIG,
        /** alertmanager.yml: a path whose file is rewritten with {@link AlertmanagerConfigRewrite}. */
        ALERTMANAGER_CONFIG,
        /** objstore.yml: a path whose file is rewritten with {@link ObjstoreConfigRewrite}. */
        OBJSTORE_CONFIG
    }

    private static final Map<String, Map<String, Placement>> TABLE = new LinkedHashMap<>();

    static {
        Map<String, Placement> log = Map.of("--log.level", Placement.KEEP, "--log.format", Placement.KEEP);

        program(
                "prometheus",
                log,
                Map.ofEntries(
                        Map.entry("--config.file", Placement.PROMETHEUS_CONFIG),
                        Map.entry("--storage.tsdb.path", Placement.PATH),
                        Map.entry("--web.listen-address", Placement.LISTEN),
                        Map.entry("--storage.tsdb.retention.time", Placement.KEEP),
                        Map.entry("--storage.tsdb.retention.size", Placement.KEEP),
                        Map.entry("--storage.tsdb.min-block-duration", Placement.KEEP),
                        Map.entry("--storage.tsdb.max-block-duration", Placement.KEEP),
                        Map.entry("--enable-feature", Placement.KEEP),
                        Map.entry("--web.enable-lifecycle", Placement.SWITCH),
                        Map.entry("--web.enable-admin-api", Placement.SWITCH)));

        program(
                "alertmanager",
                log,
                Map.ofEntries(
                        Map.entry("--config.file", Placement.ALERTMANAGER_CONFIG),
                        Map.entry("--storage.path", Placement.PATH),
                        Map.entry("--data.retention", Placement.KEEP),
                        Map.entry("--web.listen-address", Placement.LISTEN),
                        Map.entry("--cluster.listen-address", Placement.LISTEN),
                        Map.entry("--cluster.advertise-address", Placement.ADVERTISE),
                        Map.entry("--cluster.peer", Placement.PEER),
                        Map.entry("--cluster.reconnect-timeout", Placement.KEEP),
                        Map.entry("--cluster.peer-timeout", Placement.KEEP),
                        Map.entry("--cluster.settle-timeout", Placement.KEEP)));

        Map<String, Placement> server = Map.of(
                "--http-address", Placement.LISTEN,
                "--grpc-address", Placement.LISTEN);

        program(
                "thanos sidecar",
                log,
                server,
                Map.ofEntries(
                        Map.entry("--prometheus.url", Placement.URL),
                        Map.entry("--tsdb.path", Placement.PATH),
                        Map.entry("--objstore.config-file", Placement.OBJSTORE_CONFIG),
                        Map.entry("--reloader.config-file", Placement.PATH),
                        Map.entry("--reloader.config-envsubst-file", Placement.PATH),
                        Map.entry("--reloader.rule-dir", Placement.PATH),
                        Map.entry("--shipper.upload-compacted", Placement.SWITCH)));

        program(
                "thanos query",
                log,
                server,
                Map.ofEntries(
                        Map.entry("--endpoint", Placement.ENDPOINT),
                        Map.entry("--query.replica-label", Placement.KEEP),
                        Map.entry("--query.auto-downsampling", Placement.SWITCH),
                        Map.entry("--store.sd-dns-interval", Placement.KEEP),
                        Map.entry("--query.partial-response", Placement.SWITCH),
                        Map.entry("--no-query.partial-response", Placement.SWITCH),
                        Map.entry("--query.timeout", Placement.KEEP),
                        Map.entry("--deduplication.func", Placement.KEEP)));

        program(
                "thanos query-frontend",
                log,
                Map.of("--http-address", Placement.LISTEN),
                Map.ofEntries(
                        Map.entry("--query-frontend.downstream-url", Placement.URL),
                        Map.entry("--query-range.split-interval", Placement.KEEP),
                        Map.entry("--query-range.max-retries-per-request", Placement.KEEP),
                        Map.entry("--query-frontend.log-queries-longer-than", Placement.KEEP)));

        program(
                "thanos store",
                log,
                server,
                Map.ofEntries(
                        Map.entry("--data-dir", Placement.PATH),
                        Map.entry("--objstore.config-file", Placement.OBJSTORE_CONFIG),
                        Map.entry("--index-cache-size", Placement.KEEP),
                        Map.entry("--chunk-pool-size", Placement.KEEP),
                        Map.entry("--sync-block-duration", Placement.KEEP),
                        Map.entry("--ignore-deletion-marks-delay", Placement.KEEP)));

        program(
                "thanos compact",
                log,
                Map.of("--http-address", Placement.LISTEN),
                Map.ofEntries(
                        Map.entry("--wait", Placement.SWITCH),
                        Map.entry("--data-dir", Placement.PATH),
                        Map.entry("--objstore.config-file", Placement.OBJSTORE_CONFIG),
                        Map.entry("--retention.resolution-raw", Placement.KEEP),
                        Map.entry("--retention.resolution-5m", Placement.KEEP),
                        Map.entry("--retention.resolution-1h", Placement.KEEP),
                        Map.entry("--deduplication.replica-label", Placement.KEEP),
                        Map.entry("--deduplication.func", Placement.KEEP),
                        Map.entry("--compact.enable-vertical-compaction", Placement.SWITCH),
                        Map.entry("--delete-delay", Placement.KEEP),
                        Map.entry("--consistency-delay", Placement.KEEP),
                        Map.entry("--wait-interval", Placement.KEEP)));
    }

    /** Subcommands of the thanos binary this layer runs. */
    public static final Set<String> THANOS_SUBCOMMANDS =
            Set.of("sidecar", "query", "query-frontend", "store", "compact");

    private FlagTable() {}

    @SafeVarargs
    private static void program(String name, Map<String, Placement>... parts) {
        Map<String, Placement> flags = new LinkedHashMap<>();
        for (Map<String, Placement> part : parts) {
            flags.putAll(part);
        }
        TABLE.put(name, Map.copyOf(flags));
    }

    /** How {@code flag} of {@code program} is placed, if the table knows it. */
    public static Optional<Placement> placement(String program, String flag) {
        Map<String, Placement> flags = TABLE.get(program);
        if (flags == null) {
            throw new LoopbackRewriteException("No flag table for program '" + program + "'; known: " + TABLE.keySet());
        }
        return Optional.ofNullable(flags.get(flag));
    }

    /** The programs the table covers. */
    public static List<String> programs() {
        return List.copyOf(TABLE.keySet());
    }
}
