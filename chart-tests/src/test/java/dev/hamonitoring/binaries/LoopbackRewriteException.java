package dev.hamonitoring.binaries;

/**
 * The rendered configuration contains something the loopback rewrite does not know how to place
 * on this machine (an unknown flag, a host name no rendered Service answers for, a path no volume
 * mounts, a receiver that would leave the machine...). It is thrown instead of dropping or guessing,
 * so a chart change cannot slip past the binary tests unexamined.
 */
public final class LoopbackRewriteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LoopbackRewriteException(String message) {
        super(message);
    }

    public LoopbackRewriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
