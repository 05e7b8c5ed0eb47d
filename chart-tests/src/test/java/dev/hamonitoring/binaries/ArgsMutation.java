package dev.hamonitoring.binaries;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A deliberate change of a container's rendered args, for negative controls (start Thanos Query
 * with the wrong replica label and show the test notices). Applied before the loopback rewrite,
 * which still validates the result; every added or removed arg is recorded as a
 * {@link Rewrite.Kind#MUTATION}, and a mutation that changes nothing is an error.
 *
 * @param description why, for messages and the summary
 * @param change      the change
 */
public record ArgsMutation(String description, UnaryOperator<List<String>> change) {

    /** No change. */
    public static final ArgsMutation NONE = new ArgsMutation("none", UnaryOperator.identity());

    public ArgsMutation {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(change, "change");
    }

    /** Replaces the arg {@code rendered} (which must be rendered) by {@code used}. */
    public static ArgsMutation replace(String rendered, String used, String description) {
        return new ArgsMutation(description, args -> {
            if (!args.contains(rendered)) {
                throw new IllegalStateException(
                        "Mutation '" + description + "': the rendered args do not contain " + rendered + ": " + args);
            }
            List<String> next = new ArrayList<>(args);
            next.replaceAll(a -> a.equals(rendered) ? used : a);
            return next;
        });
    }

    /** Removes every rendered arg starting with {@code prefix} (at least one must exist). */
    public static ArgsMutation removeStartingWith(String prefix, String description) {
        return new ArgsMutation(description, args -> {
            List<String> next = new ArrayList<>(args);
            if (!next.removeIf(a -> a.startsWith(prefix))) {
                throw new IllegalStateException(
                        "Mutation '" + description + "': no rendered arg starts with " + prefix + ": " + args);
            }
            return next;
        });
    }

    boolean isNone() {
        return this == NONE;
    }
}
