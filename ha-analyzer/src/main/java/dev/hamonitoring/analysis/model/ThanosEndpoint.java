package dev.hamonitoring.analysis.model;

import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One StoreAPI endpoint of Thanos Query: {@code --endpoint} (or the deprecated {@code --store})
 * as {@code dnssrv+_<port>._tcp.<host>}, {@code dns+<host>:<port>} or {@code <host>:<port>}.
 *
 * @param flag the flag and value as written
 * @param host the host name looked up
 * @param srvPortName the SRV port name for dnssrv+, else null
 * @param port the port for dns+ and static endpoints, else 0
 */
public record ThanosEndpoint(String flag, String host, String srvPortName, int port) {

    private static final Pattern SRV = Pattern.compile("^dnssrv(?:noa)?\\+_([^.]+)\\._(?:tcp|udp)\\.(.+)$");

    public boolean isSrv() {
        return srvPortName != null;
    }

    /** Every endpoint of a Thanos Query container. */
    public static List<ThanosEndpoint> of(Container query) {
        List<ThanosEndpoint> endpoints = new ArrayList<>();
        for (String flag : List.of("endpoint", "store", "endpoint-strict")) {
            for (String value : Args.values(query, flag)) {
                parse("--" + flag + "=" + value, value).ifPresent(endpoints::add);
            }
        }
        return endpoints;
    }

    static Optional<ThanosEndpoint> parse(String flag, String value) {
        Matcher srv = SRV.matcher(value.strip());
        if (srv.matches()) {
            return Optional.of(new ThanosEndpoint(flag, srv.group(2), srv.group(1), 0));
        }
        if (value.startsWith("dnssrv")) {
            return Optional.of(new ThanosEndpoint(flag, value.replaceFirst("^dnssrv(?:noa)?\\+", ""), "", 0));
        }
        return Configs.hostPort(value, 0).map(a -> new ThanosEndpoint(flag, a.host(), null, a.port()));
    }
}
