package dev.hamonitoring.binaries;

import java.net.URI;
import java.net.URISyntaxException;

/** URLs of the rendered configuration, pointed at the loopback address that answers for their host. */
final class Urls {

    private Urls() {}

    /** {@code http://svc.ns.svc.cluster.local:10902/x} to {@code http://127.0.0.1:<port>/x}; the scheme, path and query are kept. */
    static String rewrite(String url, LoopbackNetwork network, LoopbackPod from, String where) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new LoopbackRewriteException(where + ": '" + url + "' is not a URL", e);
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new LoopbackRewriteException(where + ": '" + url + "' has no scheme or host");
        }
        String scheme = uri.getScheme();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new LoopbackRewriteException(
                    where + ": scheme " + scheme + " of '" + url + "' is not supported on loopback");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        HostPort target = network.resolve(uri.getHost(), port, from, where);
        StringBuilder result = new StringBuilder(scheme).append("://").append(target);
        if (uri.getRawPath() != null) {
            result.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            result.append('?').append(uri.getRawQuery());
        }
        return result.toString();
    }
}
