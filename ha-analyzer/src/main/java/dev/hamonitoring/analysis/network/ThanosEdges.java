package dev.hamonitoring.analysis.network;

import dev.hamonitoring.analysis.model.Args;
import dev.hamonitoring.analysis.model.ThanosEndpoint;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.Container;

/** The communication edges of Thanos: Query's StoreAPI endpoints, the query frontend's downstream URL, every component's bucket. */
final class ThanosEdges {

    private ThanosEdges() {}

    static void thanosQuery(GraphBuilder g, Workload w, Container c) {
        for (ThanosEndpoint e : ThanosEndpoint.of(c)) {
            if (e.isSrv()) {
                if (!e.srvPortName().isEmpty()) {
                    g.connectSrv(w, e.host(), e.srvPortName(), "StoreAPI " + e.flag());
                }
            } else {
                g.connect(w, e.host(), e.port(), "TCP", "StoreAPI " + e.flag());
            }
        }
    }

    static void queryFrontend(GraphBuilder g, Workload w, Container c) {
        for (String url : Args.values(c, "query-frontend.downstream-url")) {
            g.connectUrl(w, url, "downstream queries --query-frontend.downstream-url");
        }
    }

    static void objectStore(GraphBuilder g, Workload w, Container c) {
        if (Args.has(c, "objstore.config-file") || Args.has(c, "objstore.config")) {
            g.external(
                    w,
                    ExternalNeed.Kind.OBJECT_STORAGE,
                    "Thanos " + Args.subcommand(c) + " reads and writes blocks in the bucket");
        }
    }
}
