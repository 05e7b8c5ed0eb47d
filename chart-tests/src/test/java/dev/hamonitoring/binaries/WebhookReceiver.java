package dev.hamonitoring.binaries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Alertmanager webhook receiver of the test (JDK HttpServer on loopback). It records every
 * notification (the JSON body Alertmanager posts) with its arrival time. Declared in a stack as
 * a pod behind a Service, so the rendered receiver URL resolves to it.
 */
final class WebhookReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One notification as received. */
    record Notification(Instant at, String groupKey, List<String> alertNames, JsonNode body) {
        String alertname() {
            return body.path("groupLabels")
                    .path("alertname")
                    .asText(body.path("commonLabels").path("alertname").asText());
        }
    }

    private final HttpServer server;
    private final List<Notification> received = new ArrayList<>();

    WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                body = JSON.readTree(in);
            }
            List<String> names = new ArrayList<>();
            body.path("alerts")
                    .forEach(a -> names.add(a.path("labels").path("alertname").asText()));
            synchronized (received) {
                received.add(
                        new Notification(Instant.now(), body.path("groupKey").asText(), names, body));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /**
     * Declares the receiver in a stack's network: a pod {@code podName} listening on its port, and
     * a Service {@code serviceName} port {@code servicePort} in front of it.
     */
    WebhookReceiver declareIn(Stack stack, String serviceName, int servicePort) {
        Map<String, String> labels = Map.of("app.kubernetes.io/name", serviceName);
        stack.network().declareTestPod(serviceName + "-0", labels, "http", port());
        stack.network().addTestService(serviceName, labels, servicePort, "http");
        return this;
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Notification> all() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Notifications whose group is this alertname. */
    List<Notification> forAlert(String alertname) {
        return all().stream().filter(n -> n.alertname().equals(alertname)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
