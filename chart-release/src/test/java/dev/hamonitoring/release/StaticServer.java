package dev.hamonitoring.release;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A static file server on the loopback interface (JDK HttpServer): serves a chart repository
 * folder the way GitHub Pages or S3 would, and records the paths requested.
 */
final class StaticServer implements AutoCloseable {

    private final HttpServer server;
    private final List<String> requests = new ArrayList<>();

    private StaticServer(HttpServer server) {
        this.server = server;
    }

    /** Serves {@code root} on a free loopback port. */
    static StaticServer serve(Path root) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            StaticServer result = new StaticServer(server);
            Path base = root.toAbsolutePath().normalize();
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                synchronized (result.requests) {
                    result.requests.add(exchange.getRequestMethod() + " " + path);
                }
                Path file = base.resolve(path.substring(1)).normalize();
                if (!"GET".equals(exchange.getRequestMethod())
                        || !file.startsWith(base)
                        || !Files.isRegularFile(file)) {
                    exchange.sendResponseHeaders(404, -1);
                } else {
                    byte[] body = Files.readAllBytes(file);
                    exchange.getResponseHeaders()
                            .add("Content-Type", path.endsWith(".yaml") ? "application/x-yaml" : "application/gzip");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
                exchange.close();
            });
            server.start();
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>/}. */
    URI uri() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort() + "/");
    }

    /** "GET /index.yaml", ... in arrival order. */
    List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
