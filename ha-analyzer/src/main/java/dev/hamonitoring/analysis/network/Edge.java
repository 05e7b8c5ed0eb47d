package dev.hamonitoring.analysis.network;

import dev.hamonitoring.analysis.model.Workload;

/**
 * One communication the stack needs: pods of {@code from} open connections (or send datagrams)
 * to pods of {@code to} on a port.
 *
 * @param from the client workload
 * @param to the server workload (may equal from: gossip, replication)
 * @param port the destination pod port
 * @param protocol TCP or UDP
 * @param why what needs it and where that was read
 */
public record Edge(Workload from, Workload to, int port, String protocol, String why) {

    @Override
    public String toString() {
        return from.component() + " → " + to.component() + " " + port + "/" + protocol + " (" + why + ")";
    }
}
