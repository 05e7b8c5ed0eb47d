package dev.hamonitoring.analysis.checks;

import dev.hamonitoring.analysis.AnalysisContext;
import dev.hamonitoring.analysis.Finding;
import dev.hamonitoring.analysis.HaCheck;
import dev.hamonitoring.analysis.model.Role;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.ThanosEndpoint;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Thanos Query's endpoints lead to StoreAPI servers: every dnssrv+_grpc._tcp.&lt;svc&gt; names a
 * rendered headless Service with a port named grpc whose selector matches pods exposing that port.
 */
public final class QueryEndpointsCheck implements HaCheck {

    public static final String ID = "query-endpoints";

    private static final Set<Role> STORE_API =
            EnumSet.of(Role.THANOS_SIDECAR, Role.THANOS_STORE, Role.THANOS_QUERY, Role.THANOS_OTHER);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "every Thanos Query --endpoint dnssrv+_grpc._tcp.<svc> names a rendered headless Service with a port named grpc "
                + "whose selector matches pods exposing that port";
    }

    @Override
    public List<Finding> check(AnalysisContext context) {
        StackModel stack = context.stack();
        List<Finding> findings = new ArrayList<>();
        for (Workload query : stack.workloads(Role.THANOS_QUERY)) {
            Container c = query.container(Role.THANOS_QUERY).orElseThrow();
            List<ThanosEndpoint> endpoints = ThanosEndpoint.of(c);
            if (endpoints.isEmpty()) {
                findings.add(Finding.error(
                        ID,
                        query.kind().toString(),
                        query.name(),
                        "Thanos Query has no --endpoint: it answers every query with no data.",
                        "--endpoint=dnssrv+_grpc._tcp.<headless Service of the sidecars and store gateways>"));
            }
            for (ThanosEndpoint e : endpoints) {
                if (e.flag().startsWith("--store=")) {
                    findings.add(Finding.warning(
                            ID,
                            query.kind().toString(),
                            query.name(),
                            e.flag() + " uses the deprecated --store flag.",
                            "use --endpoint instead"));
                }
                if (e.isSrv()) {
                    checkSrv(findings, stack, query, e);
                } else {
                    checkStatic(findings, stack, query, e);
                }
            }
        }
        return findings;
    }

    private static void checkSrv(List<Finding> findings, StackModel stack, Workload query, ThanosEndpoint e) {
        Optional<StackModel.HostTarget> target = stack.resolve(e.host());
        if (target.isEmpty() || target.get().pod() != null) {
            findings.add(Finding.error(
                    ID,
                    query.kind().toString(),
                    query.name(),
                    e.flag() + ": " + e.host()
                            + " is not a rendered Service of the release, so the SRV lookup finds no StoreAPI.",
                    "name the headless Service of the sidecars or store gateways"));
            return;
        }
        Service service = target.get().service();
        String name = service.getMetadata().getName();
        if (!StackModel.isHeadless(service)) {
            findings.add(Finding.error(
                    ID,
                    "Service",
                    name,
                    e.flag() + ": " + name
                            + " is not headless: its SRV record is the one virtual IP, so Query sees one endpoint and "
                            + "each connection reaches one pod (deduplication and partial-response handling need every replica).",
                    "use a headless Service (clusterIP: None)"));
        }
        if (!"grpc".equals(e.srvPortName())) {
            findings.add(Finding.error(
                    ID,
                    query.kind().toString(),
                    query.name(),
                    e.flag() + " looks up the port named '" + e.srvPortName() + "', not the StoreAPI port 'grpc'.",
                    "--endpoint=dnssrv+_grpc._tcp." + e.host()));
        }
        Optional<ServicePort> port = StackModel.servicePort(service, e.srvPortName());
        if (port.isEmpty()) {
            findings.add(Finding.error(
                    ID,
                    "Service",
                    name,
                    e.flag() + ": Service " + name + " has no port named " + e.srvPortName()
                            + ", so the SRV lookup returns nothing.",
                    "add a port named grpc (targetPort the StoreAPI container port)"));
            return;
        }
        checkTargets(
                findings,
                stack,
                query,
                e,
                stack.selectedBy(service).isEmpty() ? List.of() : stack.endpoints(service, port.get()),
                service);
    }

    private static void checkStatic(List<Finding> findings, StackModel stack, Workload query, ThanosEndpoint e) {
        List<StackModel.Endpoint> endpoints = stack.connect(e.host(), e.port(), "TCP");
        if (endpoints.isEmpty()) {
            findings.add(Finding.error(
                    ID,
                    query.kind().toString(),
                    query.name(),
                    e.flag() + " leads to no pod of the release listening on port " + e.port() + ".",
                    "--endpoint=dnssrv+_grpc._tcp.<headless Service>"));
            return;
        }
        checkTargets(findings, stack, query, e, endpoints, null);
    }

    private static void checkTargets(
            List<Finding> findings,
            StackModel stack,
            Workload query,
            ThanosEndpoint e,
            List<StackModel.Endpoint> endpoints,
            Service service) {
        if (endpoints.isEmpty()) {
            String name = service == null ? e.host() : service.getMetadata().getName();
            findings.add(Finding.error(
                    ID,
                    "Service",
                    name,
                    e.flag()
                            + ": the Service selects no pod exposing its grpc targetPort, so the lookup returns no endpoint.",
                    "select the sidecar or store gateway pods, and target their grpc container port"));
            return;
        }
        for (StackModel.Endpoint endpoint : endpoints) {
            if (endpoint.workload().roles().stream().noneMatch(STORE_API::contains)) {
                findings.add(Finding.error(
                        ID,
                        endpoint.workload().kind().toString(),
                        endpoint.workload().name(),
                        e.flag() + " leads to " + endpoint.workload().ref() + ", which serves no Thanos StoreAPI.",
                        "point the endpoint at sidecars, store gateways or other Query instances"));
            }
        }
    }
}
