package dev.hamonitoring.analysis.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;

/**
 * What a container is, recognised from its image repository (registry and tag ignored, so a
 * mirror through global.imageRegistry is still recognised) and, for multi-role images, its
 * subcommand or target.
 */
public enum Role {
    PROMETHEUS("Prometheus"),
    THANOS_SIDECAR("Thanos sidecar"),
    THANOS_QUERY("Thanos Query"),
    THANOS_QUERY_FRONTEND("Thanos Query Frontend"),
    THANOS_STORE("Thanos Store Gateway"),
    THANOS_COMPACTOR("Thanos Compactor"),
    THANOS_OTHER("Thanos"),
    ALERTMANAGER("Alertmanager"),
    GRAFANA("Grafana"),
    POSTGRESQL("PostgreSQL (CloudNativePG)"),
    REDIS("Redis"),
    REDIS_SENTINEL("Redis Sentinel"),
    HAPROXY("HAProxy"),
    LOKI_WRITE("Loki write"),
    LOKI_READ("Loki read"),
    LOKI_BACKEND("Loki backend"),
    LOKI_OTHER("Loki"),
    KUBE_STATE_METRICS("kube-state-metrics"),
    NODE_EXPORTER("node-exporter"),
    OTHER("other");

    private final String title;

    Role(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    /** The role of one container of a pod (the pod is needed to tell Redis from its Sentinel). */
    public static Role of(Container container, PodSpec pod) {
        String repository = repository(container.getImage());
        if (is(repository, "prometheus/prometheus")) {
            return PROMETHEUS;
        }
        if (is(repository, "prometheus/alertmanager")) {
            return ALERTMANAGER;
        }
        if (is(repository, "thanos/thanos")) {
            String sub = Args.subcommand(container);
            if (sub == null) {
                return THANOS_OTHER;
            }
            return switch (sub) {
                case "sidecar" -> THANOS_SIDECAR;
                case "query" -> THANOS_QUERY;
                case "query-frontend" -> THANOS_QUERY_FRONTEND;
                case "store" -> THANOS_STORE;
                case "compact" -> THANOS_COMPACTOR;
                default -> THANOS_OTHER;
            };
        }
        if (is(repository, "grafana/grafana")
                || is(repository, "grafana/grafana-oss")
                || is(repository, "grafana/grafana-enterprise")) {
            return GRAFANA;
        }
        if (is(repository, "grafana/loki")) {
            String target = Args.last(container, "target");
            if (target == null) {
                return LOKI_OTHER;
            }
            return switch (target) {
                case "write" -> LOKI_WRITE;
                case "read" -> LOKI_READ;
                case "backend" -> LOKI_BACKEND;
                default -> LOKI_OTHER;
            };
        }
        if (is(repository, "haproxy")
                || is(repository, "haproxytech/haproxy-alpine")
                || is(repository, "haproxytech/haproxy-debian")) {
            return HAPROXY;
        }
        if (is(repository, "redis") || is(repository, "bitnami/redis") || is(repository, "bitnami/redis-sentinel")) {
            boolean sentinel = "sentinel".equals(container.getName())
                    || hasPortNamed(container, "sentinel")
                    || Args.all(container).stream().anyMatch(a -> a.contains("sentinel"));
            return sentinel ? REDIS_SENTINEL : REDIS;
        }
        if (is(repository, "cloudnative-pg/postgresql")) {
            return POSTGRESQL;
        }
        if (is(repository, "kube-state-metrics/kube-state-metrics")) {
            return KUBE_STATE_METRICS;
        }
        if (is(repository, "prometheus/node-exporter")) {
            return NODE_EXPORTER;
        }
        return OTHER;
    }

    /** "quay.io/thanos/thanos:v0.42.5" → "thanos/thanos"; "docker.io/library/redis@sha256:..." → "library/redis". */
    public static String repository(String image) {
        if (image == null) {
            return "";
        }
        String ref = image;
        int at = ref.indexOf('@');
        if (at >= 0) {
            ref = ref.substring(0, at);
        }
        int slash = ref.lastIndexOf('/');
        int colon = ref.lastIndexOf(':');
        if (colon > slash) {
            ref = ref.substring(0, colon);
        }
        int first = ref.indexOf('/');
        if (first > 0) {
            String head = ref.substring(0, first);
            if (head.contains(".") || head.contains(":") || "localhost".equals(head)) {
                ref = ref.substring(first + 1);
            }
        }
        return ref;
    }

    private static boolean is(String repository, String name) {
        return repository.equals(name)
                || repository.endsWith("/" + name)
                || (!name.contains("/") && repository.equals("library/" + name));
    }

    private static boolean hasPortNamed(Container container, String name) {
        List<ContainerPort> ports = container.getPorts();
        return ports != null && ports.stream().anyMatch(p -> name.equals(p.getName()));
    }
}
