package dev.hamonitoring.analysis.network;

import dev.hamonitoring.analysis.model.Configs;
import dev.hamonitoring.analysis.model.Workload;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The communication edges of HAProxy: its backend servers (the Redis master it follows). */
final class HaproxyEdges {

    private static final Pattern HAPROXY_SERVER = Pattern.compile("^\\s*server\\s+(\\S+)\\s+(\\S+)");

    private HaproxyEdges() {}

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
