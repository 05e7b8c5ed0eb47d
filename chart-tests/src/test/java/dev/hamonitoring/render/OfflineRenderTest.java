package dev.hamonitoring.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves renders make no network access. Surefire starts this JVM with HTTP_PROXY/HTTPS_PROXY
 * pointing at 127.0.0.1:{@code render.proxy-trap.port} (root pom.xml); Helm's Go HTTP
 * client sends any request there, where this test listens and records it.
 */
@DisplayName("Rendering offline")
class OfflineRenderTest {

    private ProxyTrap trap;

    @BeforeEach
    void listen() throws IOException {
        String proxy = System.getenv("HTTPS_PROXY");
        assertThat(proxy)
                .as("HTTPS_PROXY=http://127.0.0.1:<port>, which Surefire sets (root pom.xml, render.proxy-trap.port);"
                        + " run this test through Maven")
                .startsWith("http://127.0.0.1:");
        trap = ProxyTrap.listen(URI.create(proxy).getPort());
    }

    @AfterEach
    void close() throws IOException {
        if (trap != null) {
            trap.close();
        }
    }

    @Nested
    @DisplayName("with a draft-07 $schema in values.schema.json")
    class StandardDialect {

        @Test
        @DisplayName("validates values without any network request")
        void noRequest() {
            assertThatThrownBy(() -> TinyChart.render().set("replicas", "0").render())
                    .hasMessageContaining("- at '/replicas': minimum: got 0, want 1");
            TinyChart.render().render();

            assertThat(trap.requests()).isEmpty();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(
                strings = {
                    "https://json-schema.org/draft-07/schema#",
                    "http://json-schema.org/draft-07/schema",
                    "https://json-schema.org/draft/2020-12/schema"
                })
        @DisplayName("nor with the other spellings of the standard drafts Helm ships")
        void otherSpellings(String dialect, @TempDir Path temp) throws IOException {
            Path chart = copyWithDialect(temp, dialect);

            HelmRender.chart(chart).render();

            assertThat(trap.requests()).isEmpty();
        }
    }

    @Nested
    @DisplayName("with a $schema URL Helm does not ship")
    class UnknownDialect {

        @Test
        @DisplayName("Helm fetches it (so the trap sees requests) and the render fails")
        void fetched(@TempDir Path temp) throws IOException {
            Path chart = copyWithDialect(temp, "http://example.com/custom-meta-schema#");

            assertThatThrownBy(() -> HelmRender.chart(chart).render())
                    .isInstanceOf(ChartRenderException.class)
                    .hasMessageContaining("http://example.com/custom-meta-schema");
            assertThat(trap.requests())
                    .anySatisfy(request -> assertThat(request).startsWith("GET http://example.com/custom-meta-schema"));
        }
    }

    private static Path copyWithDialect(Path temp, String dialect) throws IOException {
        Path target = FileTrees.copy(TinyChart.dir(), temp.resolve("tiny-chart"));
        Path schema = target.resolve("values.schema.json");
        String original = Files.readString(schema);
        String changed = original.replace(
                "\"$schema\": \"http://json-schema.org/draft-07/schema#\"", "\"$schema\": \"" + dialect + "\"");
        assertThat(changed).as("fixture schema declares draft-07").isNotEqualTo(original);
        Files.writeString(schema, changed);
        return target;
    }

    /** A loopback listener that records each request line and answers 502. */
    private static final class ProxyTrap implements AutoCloseable {

        private final ServerSocket server;
        private final List<String> requests = new CopyOnWriteArrayList<>();

        private ProxyTrap(ServerSocket server) {
            this.server = server;
            Thread accept = new Thread(this::serve, "proxy-trap");
            accept.setDaemon(true);
            accept.start();
        }

        static ProxyTrap listen(int port) throws IOException {
            try {
                ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
                server.setReuseAddress(true);
                return new ProxyTrap(server);
            } catch (BindException e) {
                throw new IllegalStateException(
                        "Port " + port + " (render.proxy-trap.port) is taken by another process, so"
                                + " Helm's requests cannot be observed: stop that process or build with -Drender.proxy-trap.port=<free port>",
                        e);
            }
        }

        List<String> requests() {
            return List.copyOf(requests);
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    BufferedReader in = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                    String line = in.readLine();
                    requests.add(line == null ? "(empty)" : line);
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    // closed while accepting, or the client hung up: either way nothing more to record
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
