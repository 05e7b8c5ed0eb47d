package dev.hamonitoring.analysis.network;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.analysis.model.Args;
import dev.hamonitoring.analysis.model.CloudNativePg;
import dev.hamonitoring.analysis.model.Configs;
import dev.hamonitoring.analysis.model.PrometheusConfig;
import dev.hamonitoring.analysis.model.Relabel;
import dev.hamonitoring.analysis.model.Role;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.ThanosEndpoint;
import dev.hamonitoring.analysis.model.Workload;
import dev.hamonitoring.analysis.model.WorkloadKind;
import dev.hamonitoring.render.PodTemplates;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The communication edges of Thanos: Query's StoreAPI endpoints, the query frontend's downstream URL, every component's bucket. */
final class ThanosEdges {

    private ThanosEdges() {
    }

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
            g.external(w, ExternalNeed.Kind.OBJECT_STORAGE, "Thanos " + Args.subcommand(c) + " reads and writes blocks in the bucket");
        }
    }
}
