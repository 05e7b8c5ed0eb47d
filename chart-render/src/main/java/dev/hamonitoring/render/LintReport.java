package dev.hamonitoring.render;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The result of {@link HelmLint#run()}: Helm's lint messages and whether lint failed (in strict
 * mode warnings fail too).
 *
 * @param messages every message, multi-line ones joined back together
 * @param failed   Helm's verdict
 */
public record LintReport(List<Message> messages, boolean failed) {

    private static final Pattern HEAD = Pattern.compile("^\\[(INFO|WARNING|ERROR)] (.*)$");

    public LintReport {
        messages = List.copyOf(messages);
    }

    /** Lint message severities, as Helm prints them. */
    public enum Severity {
        INFO,
        WARNING,
        ERROR
    }

    /**
     * One lint message.
     *
     * @param severity INFO, WARNING or ERROR
     * @param text     the text after {@code [SEVERITY] }, for example {@code values.yaml: - at '/replicas': ...}
     */
    public record Message(Severity severity, String text) {
        @Override
        public String toString() {
            return "[" + severity + "] " + text;
        }
    }

    /** Messages of severity ERROR. */
    public List<Message> errors() {
        return bySeverity(Severity.ERROR);
    }

    /** Messages of severity WARNING. */
    public List<Message> warnings() {
        return bySeverity(Severity.WARNING);
    }

    private List<Message> bySeverity(Severity severity) {
        return messages.stream().filter(m -> m.severity() == severity).collect(Collectors.toList());
    }

    /**
     * Regroups the lines helm-java returns (it splits Helm's output on newlines) into messages:
     * a line starting with {@code [SEVERITY]} opens a message, the lines after it continue it, and
     * a bare {@code Error ...} line (helm-java's form when Helm produced no messages) is an ERROR.
     */
    static LintReport parse(List<String> lines, boolean failed) {
        List<Message> messages = new ArrayList<>();
        Severity severity = null;
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            Matcher head = HEAD.matcher(line);
            boolean bareError = line.startsWith("Error ");
            if (head.matches() || bareError) {
                if (severity != null) {
                    messages.add(new Message(severity, text.toString().strip()));
                }
                severity = bareError ? Severity.ERROR : Severity.valueOf(head.group(1));
                text.setLength(0);
                text.append(bareError ? line.substring("Error ".length()) : head.group(2));
            } else if (!line.isBlank()) {
                if (severity == null) {
                    severity = Severity.INFO; // text before any header: keep it rather than lose it
                }
                text.append('\n').append(line);
            }
        }
        if (severity != null) {
            messages.add(new Message(severity, text.toString().strip()));
        }
        return new LintReport(messages, failed);
    }

    @Override
    public String toString() {
        return (failed ? "lint FAILED" : "lint passed")
                + messages.stream().map(m -> "\n  " + m).collect(Collectors.joining());
    }
}
