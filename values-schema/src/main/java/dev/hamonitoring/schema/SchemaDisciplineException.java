package dev.hamonitoring.schema;

import java.util.List;

/**
 * Thrown when the values schema (or values.yaml measured against it) breaks one of the project's
 * rules. The message lists every problem, one per line, so one build run shows them all.
 */
public final class SchemaDisciplineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public SchemaDisciplineException(String headline, List<String> problems) {
        super(format(headline, problems));
        this.problems = List.copyOf(problems);
    }

    /** The individual problems, in the order they were found. */
    public List<String> problems() {
        return problems;
    }

    private static String format(String headline, List<String> problems) {
        StringBuilder message = new StringBuilder(headline)
                .append(" (")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems")
                .append("):");
        for (String problem : problems) {
            message.append(System.lineSeparator()).append("  - ").append(problem);
        }
        return message.toString();
    }
}
