package dev.hamonitoring.analysis.network;

import dev.hamonitoring.analysis.model.Configs;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What every program's edge derivation ({@code *Edges}) adds to: edges, external needs, unresolved addresses. */
final class GraphBuilder {

    private final StackModel stack;
    private final Set<Edge> edges = new LinkedHashSet<>();
    private final List<ExternalNeed> externals = new ArrayList<>();
    private final List<String> unresolved = new ArrayList<>();

    GraphBuilder(StackModel stack) {
        this.stack = stack;
    }

    StackModel stack() {
        return stack;
    }

    void edge(Edge edge) {
        edges.add(edge);
    }

    void unresolved(String address) {
        unresolved.add(address);
    }

    Set<Edge> edges() {
        return edges;
    }

    List<ExternalNeed> externals() {
        return externals;
    }

    List<String> unresolvedAddresses() {
        return unresolved;
    }

    boolean needs(Workload w, ExternalNeed.Kind kind) {
        return externals.stream().anyMatch(e -> e.workload() == w && e.kind() == kind);
    }

    void external(Workload w, ExternalNeed.Kind kind, String why) {
        if (!needs(w, kind)) {
            externals.add(new ExternalNeed(w, kind, why));
        }
    }

    void connect(Workload from, String host, int port, String protocol, String why) {
        List<StackModel.Endpoint> endpoints = stack.connect(host, port, protocol);
        if (endpoints.isEmpty()) {
            if (stack.resolve(host).isPresent()
                    || host.endsWith("." + stack.namespace() + ".svc")
                    || host.contains("." + stack.namespace() + ".svc.")) {
                unresolved.add(from.component() + ": " + host + ":" + port + "/" + protocol + " (" + why + ")");
            }
            return;
        }
        for (StackModel.Endpoint e : endpoints) {
            edges.add(new Edge(from, e.workload(), e.port(), e.protocol(), why));
        }
    }

    void connectUrl(Workload from, String url, String why) {
        Configs.url(url).ifPresent(a -> connect(from, a.host(), a.port(), "TCP", why));
    }

    void connectHostPort(Workload from, String hostPort, int defaultPort, String why) {
        Configs.hostPort(hostPort, defaultPort).ifPresent(a -> connect(from, a.host(), a.port(), "TCP", why));
    }

    /** SRV lookup _name._proto.host: every pod behind the Service port with that name. */
    void connectSrv(Workload from, String host, String portName, String why) {
        Optional<StackModel.HostTarget> target = stack.resolve(host);
        Optional<ServicePort> port = target.flatMap(t -> StackModel.servicePort(t.service(), portName));
        if (port.isEmpty()) {
            unresolved.add(from.component() + ": SRV _" + portName + "._tcp." + host + " (" + why + ")");
            return;
        }
        for (StackModel.Endpoint e : stack.endpoints(target.get().service(), port.get())) {
            edges.add(new Edge(from, e.workload(), e.port(), e.protocol(), why));
        }
    }

    void selfGossip(Workload w, int port, String why) {
        edges.add(new Edge(w, w, port, "TCP", why));
        edges.add(new Edge(w, w, port, "UDP", why));
    }
}
