package dev.hamonitoring.binaries;

/** A loopback address a process listens on or connects to. */
public record HostPort(String host, int port) {

    /** {@code 127.0.0.1:<port>}. */
    public static HostPort loopback(int port) {
        return new HostPort(LoopbackNetwork.POD_IP, port);
    }

    /**
     * Splits {@code host:port} ({@code :9090}, {@code 0.0.0.0:10901}, {@code [::]:9094}).
     *
     * @throws LoopbackRewriteException when there is no numeric port
     */
    public static HostPort parse(String value, String what) {
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new LoopbackRewriteException(what + ": '" + value + "' is not host:port");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new HostPort(host, Integer.parseInt(value.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new LoopbackRewriteException(what + ": '" + value + "' has no numeric port", e);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
