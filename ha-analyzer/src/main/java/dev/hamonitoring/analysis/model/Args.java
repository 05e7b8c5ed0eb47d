package dev.hamonitoring.analysis.model;

import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.List;

/** Command-line flags of a container ({@code --flag=value} or {@code --flag value}; one or two dashes). */
public final class Args {

    private Args() {}

    /** command + args, in order. */
    public static List<String> all(Container container) {
        List<String> all = new ArrayList<>();
        if (container.getCommand() != null) {
            all.addAll(container.getCommand());
        }
        if (container.getArgs() != null) {
            all.addAll(container.getArgs());
        }
        return all;
    }

    /** Every value given to the flag (written with or without its leading dashes). */
    public static List<String> values(Container container, String flag) {
        String name = flag.replaceFirst("^-+", "");
        List<String> tokens = all(container);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (!token.startsWith("-")) {
                continue;
            }
            String bare = token.replaceFirst("^-+", "");
            if (bare.equals(name) && i + 1 < tokens.size() && !tokens.get(i + 1).startsWith("-")) {
                values.add(tokens.get(i + 1));
            } else if (bare.startsWith(name + "=")) {
                values.add(bare.substring(name.length() + 1));
            }
        }
        return values;
    }

    /** Whether the flag is present in any form. */
    public static boolean has(Container container, String flag) {
        String name = flag.replaceFirst("^-+", "");
        return all(container).stream()
                .map(t -> t.replaceFirst("^-+", ""))
                .anyMatch(t -> t.equals(name) || t.startsWith(name + "="));
    }

    /** The last value of the flag, or null. */
    public static String last(Container container, String flag) {
        List<String> values = values(container, flag);
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    /** The first argument that is not a flag (a subcommand such as thanos' "query"), or null. */
    public static String subcommand(Container container) {
        if (container.getArgs() == null) {
            return null;
        }
        return container.getArgs().stream()
                .filter(a -> !a.startsWith("-"))
                .findFirst()
                .orElse(null);
    }
}
