package dev.hamonitoring.analysis.network;

import dev.hamonitoring.analysis.model.Configs;
import dev.hamonitoring.analysis.model.Workload;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The communication edges of Grafana: its database, cache, Live engine, gossip and provisioned data sources. */
final class GrafanaEdges {

    private static final Pattern REDIS_ADDR = Pattern.compile("(?:^|,)addr=([^,]+)");

    private GrafanaEdges() {}

    static void grafana(GraphBuilder g, Workload w) {
        Configs.GrafanaIni ini = Configs.grafanaIni(g.stack(), w).orElse(null);
        if (ini == null) {
            return;
        }
        String dbType = ini.get("database", "type");
        String dbHost = ini.get("database", "host");
        if (dbHost != null && ("postgres".equals(dbType) || "mysql".equals(dbType))) {
            g.connectHostPort(w, dbHost, "postgres".equals(dbType) ? 5432 : 3306, "Grafana database ([database] host)");
        }
        if ("redis".equals(ini.get("remote_cache", "type"))) {
            String connstr = ini.get("remote_cache", "connstr");
            if (connstr != null) {
                Matcher m = REDIS_ADDR.matcher(connstr);
                if (m.find()) {
                    g.connectHostPort(w, m.group(1), 6379, "Grafana remote cache ([remote_cache] connstr)");
                }
            }
        }
        if ("redis".equals(ini.get("live", "ha_engine")) && ini.get("live", "ha_engine_address") != null) {
            g.connectHostPort(
                    w, ini.get("live", "ha_engine_address"), 6379, "Grafana Live HA engine ([live] ha_engine_address)");
        }
        boolean alerting = !"false".equals(ini.get("unified_alerting", "enabled"));
        if (alerting) {
            g.external(w, ExternalNeed.Kind.NOTIFICATIONS, "unified alerting notifies contact points");
            String listen = ini.get("unified_alerting", "ha_listen_address");
            String peers = ini.get("unified_alerting", "ha_peers");
            if (listen != null || (peers != null && !peers.isBlank())) {
                int port = Configs.hostPort(
                                listen == null ? "0.0.0.0:9094" : listen.replace("${POD_IP}", "0.0.0.0"), 9094)
                        .map(Configs.Address::port)
                        .orElse(9094);
                g.selfGossip(w, port, "Grafana unified alerting gossip ([unified_alerting] ha_listen_address)");
            }
        }
        for (String url : Configs.grafanaDatasourceUrls(g.stack(), w)) {
            g.connectUrl(w, url, "Grafana data source " + url);
        }
        w.port("http")
                .ifPresent(
                        p -> g.external(w, ExternalNeed.Kind.USERS, "the Grafana UI on port " + p.getContainerPort()));
    }
}
