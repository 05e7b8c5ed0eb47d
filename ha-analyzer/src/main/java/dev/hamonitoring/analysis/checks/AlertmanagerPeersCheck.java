package dev.hamonitoring.analysis.checks;

import dev.hamonitoring.analysis.AnalysisContext;
import dev.hamonitoring.analysis.Finding;
import dev.hamonitoring.analysis.HaCheck;
import dev.hamonitoring.analysis.model.Args;
import dev.hamonitoring.analysis.model.Configs;
import dev.hamonitoring.analysis.model.Labels;
import dev.hamonitoring.analysis.model.PodInstance;
import dev.hamonitoring.analysis.model.Role;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import dev.hamonitoring.analysis.model.WorkloadKind;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Alertmanager clustering: one --cluster.peer per StatefulSet ordinal, through the governing
 * headless Service, on the cluster port; that Service exposes the port over TCP and UDP and
 * publishes not-ready addresses.
 */
public final class AlertmanagerPeersCheck implements HaCheck {

    public static final String ID = "alertmanager-peers";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "--cluster.peer lists every StatefulSet ordinal through the headless Service on the cluster port; "
                + "the Service exposes it over TCP and UDP and publishes not-ready addresses";
    }

    @Override
    public List<Finding> check(AnalysisContext context) {
        StackModel stack = context.stack();
        List<Finding> findings = new ArrayList<>();
        for (Workload am : stack.workloads(Role.ALERTMANAGER)) {
            Container c = am.container(Role.ALERTMANAGER).orElseThrow();
            String listen = Args.last(c, "cluster.listen-address");
            if (listen != null && listen.isBlank()) {
                if (am.replicas() > 1) {
                    findings.add(Finding.error(
                            ID,
                            am.kind().toString(),
                            am.name(),
                            "--cluster.listen-address is empty, which turns clustering off: the " + am.replicas()
                                    + " replicas share no silences and no notification log, so each one notifies.",
                            "--cluster.listen-address=0.0.0.0:9094"));
                }
                continue;
            }
            int port = Configs.hostPort(listen == null ? "0.0.0.0:9094" : listen, 9094)
                    .map(Configs.Address::port)
                    .orElse(9094);
            if (am.kind() != WorkloadKind.STATEFUL_SET) {
                if (am.replicas() > 1) {
                    findings.add(Finding.error(
                            ID,
                            am.kind().toString(),
                            am.name(),
                            "Alertmanager runs as a " + am.kind()
                                    + ": its pods have no stable DNS names to list as --cluster.peer.",
                            "run Alertmanager as a StatefulSet with a headless governing Service"));
                }
                continue;
            }
            checkService(findings, stack, am, port);
            checkPeers(findings, stack, am, c, port);
        }
        return findings;
    }

    private static void checkService(List<Finding> findings, StackModel stack, Workload am, int port) {
        Optional<Service> found = am.serviceName() == null ? Optional.empty() : stack.service(am.serviceName());
        if (found.isEmpty()) {
            findings.add(Finding.error(
                    ID,
                    am.kind().toString(),
                    am.name(),
                    "The governing Service " + am.serviceName()
                            + " (spec.serviceName) is not rendered: the peers' DNS names do not resolve.",
                    "render a headless Service named " + am.serviceName()));
            return;
        }
        Service service = found.get();
        String name = service.getMetadata().getName();
        if (!StackModel.isHeadless(service)) {
            findings.add(Finding.error(
                    ID,
                    "Service",
                    name,
                    "The governing Service of " + am.name() + " is not headless (clusterIP "
                            + service.getSpec().getClusterIP()
                            + "): pods get no per-pod DNS names, so --cluster.peer names do not resolve.",
                    "spec.clusterIP: None"));
        }
        if (!Labels.matches(service.getSpec().getSelector(), am.podLabels())) {
            findings.add(Finding.error(
                    ID,
                    "Service",
                    name,
                    "Selector " + Labels.describe(service.getSpec().getSelector())
                            + " does not select the Alertmanager pods: they get no DNS records.",
                    "select app.kubernetes.io/name and app.kubernetes.io/instance of the Alertmanager pods"));
        }
        for (String protocol : List.of("TCP", "UDP")) {
            if (StackModel.servicePort(service, port, protocol).isEmpty()) {
                findings.add(Finding.error(
                        ID,
                        "Service",
                        name,
                        "No " + port + "/" + protocol + " port: gossip uses both TCP and UDP on the cluster port.",
                        "add port " + port + " protocol " + protocol + " (targetPort the cluster port)"));
            }
        }
        if (!Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses())) {
            findings.add(Finding.error(
                    ID,
                    "Service",
                    name,
                    "publishNotReadyAddresses is not true: a replica that is starting (not ready yet) has no DNS record, so the others "
                            + "cannot gossip with it and it cannot find them until it is ready.",
                    "spec.publishNotReadyAddresses: true"));
        }
    }

    private static void checkPeers(List<Finding> findings, StackModel stack, Workload am, Container c, int port) {
        List<String> peers = Args.values(c, "cluster.peer");
        TreeSet<Integer> covered = new TreeSet<>();
        for (String peer : peers) {
            Optional<Configs.Address> address = Configs.hostPort(peer, 0);
            Optional<PodInstance> pod =
                    address.flatMap(a -> stack.resolve(a.host())).map(StackModel.HostTarget::pod);
            if (pod.isEmpty() || pod.get().workload() != am) {
                findings.add(Finding.error(
                        ID,
                        am.kind().toString(),
                        am.name(),
                        "--cluster.peer=" + peer + " does not name a pod of " + am.name()
                                + " through its headless Service " + am.serviceName()
                                + (pod.isPresent() ? " (it names " + pod.get().name() + ")" : "") + ".",
                        "--cluster.peer=<statefulset>-<ordinal>." + am.serviceName() + "." + stack.namespace()
                                + ".svc.<cluster domain>:" + port));
                continue;
            }
            if (address.get().port() != port) {
                findings.add(Finding.error(
                        ID,
                        am.kind().toString(),
                        am.name(),
                        "--cluster.peer=" + peer + " uses port " + address.get().port() + ", not the cluster port "
                                + port + ".",
                        "use port " + port));
            }
            covered.add(pod.get().ordinal());
        }
        for (int ordinal = 0; ordinal < am.replicas(); ordinal++) {
            if (!covered.contains(ordinal) && am.replicas() > 1) {
                findings.add(Finding.error(
                        ID,
                        am.kind().toString(),
                        am.name(),
                        "No --cluster.peer for ordinal " + ordinal + " (" + am.name() + "-" + ordinal
                                + "): when the other replicas restart, "
                                + "it can be left out of the cluster and notify on its own.",
                        "one --cluster.peer per ordinal 0.." + (am.replicas() - 1)
                                + " (generated from alertmanager.replicas)"));
            }
        }
    }
}
