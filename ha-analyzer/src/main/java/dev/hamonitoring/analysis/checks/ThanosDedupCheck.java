package dev.hamonitoring.analysis.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.analysis.AnalysisContext;
import dev.hamonitoring.analysis.Finding;
import dev.hamonitoring.analysis.HaCheck;
import dev.hamonitoring.analysis.model.Args;
import dev.hamonitoring.analysis.model.Configs;
import dev.hamonitoring.analysis.model.PrometheusConfig;
import dev.hamonitoring.analysis.model.Role;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Thanos deduplication: exactly one Prometheus external label differs between replicas (a per-pod
 * value), Thanos Query and the compactor deduplicate on exactly that label, and alert relabelling
 * drops it so Alertmanager sees one alert, not one per replica.
 */
public final class ThanosDedupCheck implements HaCheck {

    public static final String ID = "thanos-dedup";

    /** Downward-API fields whose value differs from pod to pod. */
    private static final Set<String> PER_POD_FIELDS =
            Set.of("metadata.name", "metadata.uid", "status.podIP", "status.podIPs");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Prometheus replicas differ in exactly one external label; Query's --query.replica-label and the compactor's "
                + "--deduplication.replica-label are exactly that label; alert relabelling drops it";
    }

    /** The major version in an image tag such as prometheus:v3.9.1 or @sha256 with a tag before it. */
    private static final Pattern IMAGE_MAJOR = Pattern.compile(":v?(\\d+)\\.\\d+");

    @Override
    public List<Finding> check(AnalysisContext context) {
        StackModel stack = context.stack();
        List<Finding> findings = new ArrayList<>();
        Set<String> replicaLabels = new LinkedHashSet<>();
        for (Workload prometheus : stack.workloads(Role.PROMETHEUS)) {
            Container container = prometheus.container(Role.PROMETHEUS).orElseThrow();
            Optional<JsonNode> config = Configs.prometheus(stack, prometheus);
            if (config.isEmpty()) {
                findings.add(Finding.error(
                        ID,
                        prometheus.kind().toString(),
                        prometheus.name(),
                        "prometheus.yml (--config.file) is not in a rendered ConfigMap or Secret, so its external labels cannot be checked.",
                        "mount the configuration from a ConfigMap of the release"));
                continue;
            }
            Map<String, String> external = PrometheusConfig.externalLabels(config.get());
            List<String> perPod = perPodLabels(container, external);
            boolean expands = expandsExternalLabels(container);
            if (!perPod.isEmpty() && !expands) {
                findings.add(
                        Finding.error(
                                ID,
                                prometheus.kind().toString(),
                                prometheus.name(),
                                "External label " + perPod.get(0) + "=" + external.get(perPod.get(0))
                                        + " is only expanded by Prometheus 2 with "
                                        + "--enable-feature=expand-external-labels, which is not set: every replica sends the literal text, "
                                        + "so Thanos cannot tell the replicas apart.",
                                "add --enable-feature=expand-external-labels to the Prometheus container (or run Prometheus 3, which always expands)"));
                continue;
            }
            if (perPod.isEmpty() && prometheus.replicas() > 1) {
                findings.add(Finding.error(
                        ID,
                        prometheus.kind().toString(),
                        prometheus.name(),
                        "No external label differs between the " + prometheus.replicas()
                                + " replicas: their sidecars announce identical "
                                + "label sets and their blocks overlap, so Thanos can neither deduplicate nor tell them apart.",
                        "global.thanos.replicaLabel: a label set to ${POD_NAME} per replica"));
            }
            if (perPod.isEmpty()) {
                continue;
            }
            // The replica label is the per-pod label Query deduplicates on (else the first); any other is the fault.
            Set<String> queryLabels = new LinkedHashSet<>();
            stack.workloads(Role.THANOS_QUERY)
                    .forEach(q -> queryLabels.addAll(
                            values(q.container(Role.THANOS_QUERY).orElseThrow(), "query.replica-label")));
            String replica =
                    perPod.stream().filter(queryLabels::contains).findFirst().orElse(perPod.get(0));
            for (String extra : perPod) {
                if (!extra.equals(replica)) {
                    findings.add(
                            Finding.error(
                                    ID,
                                    prometheus.kind().toString(),
                                    prometheus.name(),
                                    "External label " + extra + "=" + external.get(extra)
                                            + " also differs per pod (besides the replica label " + replica
                                            + "): deduplication removes only the replica label, so the replicas' series (and alerts) still differ in "
                                            + extra + " and are never merged.",
                                    "prometheus.externalLabels." + extra
                                            + ": a value identical on every replica (only global.thanos.replicaLabel may be per pod)"));
                }
            }
            replicaLabels.add(replica);
            if (!PrometheusConfig.alertRelabelDrops(config.get(), replica)) {
                findings.add(Finding.error(
                        ID,
                        prometheus.kind().toString(),
                        prometheus.name(),
                        "alerting.alert_relabel_configs keeps the replica label " + replica
                                + ": each replica's copy of an alert reaches " + "Alertmanager with a different "
                                + replica + ", so it is not deduplicated and notifies once per replica.",
                        "alert_relabel_configs: add {action: labeldrop, regex: " + replica
                                + "} (prometheus.config in the prometheus subchart)"));
            }
        }
        if (replicaLabels.isEmpty()) {
            return findings;
        }
        for (Workload query : stack.workloads(Role.THANOS_QUERY)) {
            Container c = query.container(Role.THANOS_QUERY).orElseThrow();
            compare(
                    findings,
                    query,
                    replicaLabels,
                    values(c, "query.replica-label"),
                    "--query.replica-label",
                    "thanos.query");
        }
        for (Workload compactor : stack.workloads(Role.THANOS_COMPACTOR)) {
            Container c = compactor.container(Role.THANOS_COMPACTOR).orElseThrow();
            compare(
                    findings,
                    compactor,
                    replicaLabels,
                    values(c, "deduplication.replica-label"),
                    "--deduplication.replica-label",
                    "thanos.compactor");
        }
        return findings;
    }

    private static void compare(
            List<Finding> findings, Workload w, Set<String> expected, Set<String> actual, String flag, String key) {
        for (String missing : expected) {
            if (!actual.contains(missing)) {
                findings.add(Finding.error(
                        ID,
                        w.kind().toString(),
                        w.name(),
                        flag + " does not name " + missing
                                + ", the external label that differs between Prometheus replicas"
                                + (actual.isEmpty() ? "" : " (it names " + String.join(", ", actual) + ")")
                                + ": the replicas' series are "
                                + ("--query.replica-label".equals(flag)
                                        ? "returned twice instead of deduplicated."
                                        : "kept twice in the bucket instead of deduplicated offline."),
                        flag + "=" + missing + " (set from global.thanos.replicaLabel; check " + key + ".extraArgs)"));
            }
        }
        for (String extra : actual) {
            if (!expected.contains(extra)) {
                findings.add(Finding.error(
                        ID,
                        w.kind().toString(),
                        w.name(),
                        flag + "=" + extra
                                + " names a label that does not differ between Prometheus replicas (the replica label is "
                                + String.join(", ", expected) + "): series that differ only in " + extra
                                + " (other clusters, other sources) would be merged as if they were replicas.",
                        "remove " + flag + "=" + extra + " from " + key + ".extraArgs"));
            }
        }
    }

    private static Set<String> values(Container c, String flag) {
        Set<String> values = new LinkedHashSet<>();
        for (String v : Args.values(c, flag)) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    values.add(part.strip());
                }
            }
        }
        return values;
    }

    /** External labels whose value expands an env var that differs per pod (or $HOSTNAME, the pod name). */
    static List<String> perPodLabels(Container container, Map<String, String> external) {
        Set<String> perPodVars = new LinkedHashSet<>(Set.of("HOSTNAME"));
        if (container.getEnv() != null) {
            for (EnvVar env : container.getEnv()) {
                if (env.getValueFrom() != null
                        && env.getValueFrom().getFieldRef() != null
                        && PER_POD_FIELDS.contains(
                                env.getValueFrom().getFieldRef().getFieldPath())) {
                    perPodVars.add(env.getName());
                }
            }
        }
        List<String> labels = new ArrayList<>();
        external.forEach((name, value) -> {
            for (String var : perPodVars) {
                if (Pattern.compile("\\$\\{" + Pattern.quote(var) + "}|\\$" + Pattern.quote(var) + "\\b|\\$\\("
                                + Pattern.quote(var) + "\\)")
                        .matcher(value)
                        .find()) {
                    labels.add(name);
                    return;
                }
            }
        });
        return labels;
    }

    /**
     * Whether Prometheus expands ${VAR} in external labels: always from 3.0 on, before that only
     * with --enable-feature=expand-external-labels.
     */
    static boolean expandsExternalLabels(Container container) {
        if (Args.values(container, "enable-feature").stream().anyMatch(v -> v.contains("expand-external-labels"))) {
            return true;
        }
        Matcher version = IMAGE_MAJOR.matcher(String.valueOf(container.getImage()));
        return version.find() && Integer.parseInt(version.group(1)) >= 3;
    }
}
