package dev.hamonitoring.binaries;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scrape target the test runs itself (JDK HttpServer on loopback), serving Prometheus text
 * format on {@code /metrics}:
 * <ul>
 *   <li>{@code ha_test_uptime_seconds} - seconds since the exporter started (the same value
 *       for every scraper at the same moment, so replicas agree);</li>
 *   <li>{@code ha_test_scrapes_total} - scrapes served;</li>
 *   <li>{@code ha_test_trigger{scenario="..."}} - gauges the test sets to make alert rules fire.</li>
 * </ul>
 * Declared in a stack as a pod (labels of the release, a container port named {@code metrics}),
 * so the chart's own Kubernetes pod discovery and relabeling find it.
 */
final class LocalExporter implements AutoCloseable {

    static final String PORT_NAME = "metrics";

    private final String name;
    private final HttpServer server;
    private final long startNanos = System.nanoTime();
    private final AtomicLong scrapes = new AtomicLong();
    private final Map<String, Double> triggers = new ConcurrentHashMap<>();

    LocalExporter(String name) {
        this.name = name;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/metrics", exchange -> {
            byte[] body = metrics().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** Declares this exporter as a pod of the release in a stack's network. */
    LocalExporter declareIn(Stack stack) {
        stack.network()
                .declareTestPod(
                        name,
                        Map.of(
                                "app.kubernetes.io/name", "ha-test-exporter",
                                "app.kubernetes.io/instance", "monitoring"),
                        PORT_NAME,
                        port());
        return this;
    }

    String name() {
        return name;
    }

    int port() {
        return server.getAddress().getPort();
    }

    long scrapes() {
        return scrapes.get();
    }

    void trigger(String scenario, double value) {
        triggers.put(scenario, value);
    }

    private String metrics() {
        scrapes.incrementAndGet();
        double uptime = (System.nanoTime() - startNanos) / 1e9;
        StringBuilder text = new StringBuilder()
                .append("# HELP ha_test_uptime_seconds Seconds since the test exporter started.\n")
                .append("# TYPE ha_test_uptime_seconds gauge\n")
                .append("ha_test_uptime_seconds ")
                .append(String.format(Locale.ROOT, "%.3f", uptime))
                .append('\n')
                .append("# HELP ha_test_scrapes_total Scrapes served.\n")
                .append("# TYPE ha_test_scrapes_total counter\n")
                .append("ha_test_scrapes_total ")
                .append(scrapes.get())
                .append('\n');
        if (!triggers.isEmpty()) {
            text.append("# HELP ha_test_trigger Set by the test to make alert rules fire.\n")
                    .append("# TYPE ha_test_trigger gauge\n");
            new TreeMap<>(triggers)
                    .forEach((scenario, value) -> text.append("ha_test_trigger{scenario=\"")
                            .append(scenario)
                            .append("\"} ")
                            .append(value)
                            .append('\n'));
        }
        return text.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
