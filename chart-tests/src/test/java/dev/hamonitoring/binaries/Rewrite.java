package dev.hamonitoring.binaries;

/**
 * One change the loopback rewrite made to what the chart rendered: where (a flag of a container,
 * or a path inside a configuration file), the rendered value, the value used here, and why.
 *
 * @param where     {@code <pod>/<container> --flag} or {@code <file>: yaml.path}
 * @param rendered  the value as rendered ({@code null} when the rewrite added it)
 * @param used      the value given to the process ({@code null} when the rewrite removed it)
 * @param kind      why it changed
 */
public record Rewrite(String where, String rendered, String used, Kind kind) {

    /** Why a rendered value was changed. */
    public enum Kind {
        /** A listen/advertise address, a peer, a URL, an endpoint or a discovery section: Kubernetes networking mapped to loopback ports. */
        ADDRESS,
        /** A file or directory: a mount path mapped to the pod's directory on this machine. */
        PATH,
        /** A test-speed timing (scrape/evaluation interval, consistency delay): the only semantic changes allowed. */
        TIMING,
        /** A deliberate change of the rendered arguments by a test (negative controls): never used silently. */
        MUTATION
    }

    @Override
    public String toString() {
        return kind + " " + where + ": " + (rendered == null ? "(added)" : rendered) + " -> "
                + (used == null ? "(removed)" : used);
    }
}
