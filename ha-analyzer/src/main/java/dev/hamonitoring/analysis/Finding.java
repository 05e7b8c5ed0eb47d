package dev.hamonitoring.analysis;

/**
 * One broken invariant.
 *
 * @param check the id of the check that found it
 * @param severity how bad it is
 * @param kind kind of the object at fault
 * @param name name of the object at fault
 * @param message what is wrong and what it breaks
 * @param fix the value (or template) to change, and to what
 */
public record Finding(String check, Severity severity, String kind, String name, String message, String fix) {

    public static Finding error(String check, String kind, String name, String message, String fix) {
        return new Finding(check, Severity.ERROR, kind, name, message, fix);
    }

    public static Finding warning(String check, String kind, String name, String message, String fix) {
        return new Finding(check, Severity.WARNING, kind, name, message, fix);
    }

    /** "Kind/name". */
    public String object() {
        return kind + "/" + name;
    }

    @Override
    public String toString() {
        return "[" + severity + "] " + check + " " + object() + ": " + message
                + (fix == null || fix.isEmpty() ? "" : " Fix: " + fix);
    }
}
