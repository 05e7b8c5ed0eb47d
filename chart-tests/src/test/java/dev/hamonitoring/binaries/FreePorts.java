package dev.hamonitoring.binaries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free loopback ports, found by binding port 0. A port is checked free for both TCP and UDP
 * (Alertmanager gossips over both on one port) and never handed out twice in one JVM.
 */
public final class FreePorts {

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {}

    /** A loopback port that is free for TCP and UDP right now. */
    public static synchronized int allocate() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.setReuseAddress(false);
                tcp.bind(new InetSocketAddress(loopback, 0));
                port = tcp.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot bind a loopback port", e);
            }
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
                HANDED_OUT.add(udp.getLocalPort());
                return port;
            } catch (IOException e) {
                // Taken for UDP: try another one.
            }
        }
        throw new IllegalStateException("No free loopback port for TCP and UDP after 50 attempts");
    }
}
