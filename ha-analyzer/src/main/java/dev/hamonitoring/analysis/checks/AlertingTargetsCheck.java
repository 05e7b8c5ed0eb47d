package dev.hamonitoring.analysis.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.analysis.AnalysisContext;
import dev.hamonitoring.analysis.Finding;
import dev.hamonitoring.analysis.HaCheck;
import dev.hamonitoring.analysis.model.Configs;
import dev.hamonitoring.analysis.model.PodInstance;
import dev.hamonitoring.analysis.model.PrometheusConfig;
import dev.hamonitoring.analysis.model.Role;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Prometheus sends every alert to every Alertmanager replica: a static list of all replicas, or
 * DNS records of a headless Service selecting exactly the Alertmanager pods. A ClusterIP Service
 * load-balances each alert to one replica.
 */
public final class AlertingTargetsCheck implements HaCheck {

    public static final String ID = "alerts-every-alertmanager";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Prometheus alerts every Alertmanager replica (static list of all pods, or DNS of a headless Service selecting "
                + "exactly them), never one replica behind a load-balanced Service";
    }

    @Override
    public List<Finding> check(AnalysisContext context) {
        StackModel stack = context.stack();
        List<Finding> findings = new ArrayList<>();
        List<Workload> alertmanagers = stack.workloads(Role.ALERTMANAGER);
        if (alertmanagers.isEmpty()) {
            return findings;
        }
        for (Workload prometheus : stack.workloads(Role.PROMETHEUS)) {
            Optional<JsonNode> config = Configs.prometheus(stack, prometheus);
            if (config.isEmpty()) {
                continue;
            }
            String object = configMapName(stack, prometheus);
            List<PrometheusConfig.AlertmanagerTarget> targets = PrometheusConfig.alertmanagers(config.get());
            Set<PodInstance> reached = new LinkedHashSet<>();
            for (PrometheusConfig.AlertmanagerTarget target : targets) {
                reached.addAll(reach(findings, stack, object, target));
            }
            for (Workload am : alertmanagers) {
                List<String> missed = am.pods().stream()
                        .filter(p -> !reached.contains(p))
                        .map(PodInstance::name)
                        .toList();
                if (!missed.isEmpty()) {
                    findings.add(Finding.error(
                            ID,
                            "ConfigMap",
                            object,
                            (targets.isEmpty() ? "prometheus.yml has no alerting.alertmanagers: " : "")
                                    + "Alertmanager pod(s) " + String.join(", ", missed) + " receive no alerts from "
                                    + prometheus.name()
                                    + ": when the replica that does receive them fails, notifications stop or are duplicated.",
                            "alerting.alertmanagers: dns_sd_configs type A on the headless Service of " + am.name()
                                    + " (" + (am.serviceName() == null ? "<headless service>" : am.serviceName())
                                    + ")"));
                }
            }
        }
        return findings;
    }

    private static List<PodInstance> reach(
            List<Finding> findings, StackModel stack, String object, PrometheusConfig.AlertmanagerTarget target) {
        if (target.source().startsWith("kubernetes_sd_configs")) {
            // Per-pod discovery reaches every Alertmanager pod it keeps.
            return stack.workloads(Role.ALERTMANAGER).stream()
                    .flatMap(w -> w.pods().stream())
                    .toList();
        }
        Optional<StackModel.HostTarget> resolved = stack.resolve(target.host());
        if (resolved.isEmpty()) {
            findings.add(Finding.error(
                    ID,
                    "ConfigMap",
                    object,
                    "Alertmanager target " + target + " names no rendered Service or pod of the release.",
                    "point alerting at the Alertmanager headless Service"));
            return List.of();
        }
        StackModel.HostTarget t = resolved.get();
        if (t.pod() != null) {
            return t.pod().workload().has(Role.ALERTMANAGER) ? List.of(t.pod()) : List.of();
        }
        String service = t.service().getMetadata().getName();
        if (target.source().startsWith("static_configs")) {
            findings.add(Finding.error(
                    ID,
                    "ConfigMap",
                    object,
                    "Static Alertmanager target " + target.host() + ":" + target.port()
                            + " is a Service name: each alert goes to "
                            + "whichever single pod that one address leads to, not to every replica.",
                    "list every replica's pod DNS name, or use dns_sd_configs on the headless Service"));
            return List.of();
        }
        if (!StackModel.isHeadless(t.service())) {
            findings.add(
                    Finding.error(
                            ID,
                            "Service",
                            service,
                            "Prometheus sends alerts through " + target
                                    + ", a ClusterIP (load-balanced) Service: its DNS record is one virtual "
                                    + "IP, so each alert reaches a single Alertmanager replica and failover loses or duplicates notifications.",
                            "alerting.alertmanagers: dns_sd_configs on the headless Service (clusterIP: None) of the Alertmanager StatefulSet"));
            return List.of();
        }
        List<Workload> selected = stack.selectedBy(t.service());
        List<Workload> others =
                selected.stream().filter(w -> !w.has(Role.ALERTMANAGER)).toList();
        if (!others.isEmpty()) {
            findings.add(Finding.error(
                    ID,
                    "Service",
                    service,
                    "Headless Service " + service + " used for alerting also selects "
                            + String.join(
                                    ", ", others.stream().map(Workload::ref).toList())
                            + ": Prometheus posts alerts to pods that are not Alertmanagers.",
                    "select only the Alertmanager pods (app.kubernetes.io/name and app.kubernetes.io/instance)"));
        }
        List<PodInstance> pods = new ArrayList<>();
        for (Workload am : selected) {
            if (!am.has(Role.ALERTMANAGER)) {
                continue;
            }
            if (target.port() > 0 && am.port(target.port(), "TCP").isEmpty()) {
                findings.add(Finding.error(
                        ID,
                        "ConfigMap",
                        object,
                        "Alertmanager target " + target + " uses port " + target.port() + ", which " + am.name()
                                + " does not listen on.",
                        "use the Alertmanager web port (container port http)"));
                continue;
            }
            pods.addAll(am.pods());
        }
        return pods;
    }

    private static String configMapName(StackModel stack, Workload prometheus) {
        if (prometheus.podSpec().getVolumes() != null) {
            for (var v : prometheus.podSpec().getVolumes()) {
                if (v.getConfigMap() != null) {
                    Optional<ConfigMap> cm = stack.configMap(v.getConfigMap().getName());
                    if (cm.isPresent()
                            && cm.get().getData() != null
                            && cm.get().getData().keySet().stream().anyMatch(k -> k.endsWith("prometheus.yml"))) {
                        return cm.get().getMetadata().getName();
                    }
                }
            }
        }
        return prometheus.name();
    }
}
