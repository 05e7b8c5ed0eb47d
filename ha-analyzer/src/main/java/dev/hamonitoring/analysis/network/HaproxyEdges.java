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

/** The communication edges of HAProxy: its backend servers (the Redis master it follows). */
final class HaproxyEdges {

    private static final Pattern HAPROXY_SERVER = Pattern.compile("^\\s*server\\s+(\\S+)\\s+(\\S+)");

    private HaproxyEdges() {
    }

    static void haproxy(GraphBuilder g, Workload w) {
        Configs.haproxy(g.stack(), w).ifPresent(cfg -> {
            for (String line : cfg.split("\n")) {
                Matcher m = HAPROXY_SERVER.matcher(line);
                if (m.find()) {
                    g.connectHostPort(w, m.group(2), 0, "HAProxy backend server " + m.group(1));
                }
            }
        });
    }
}
