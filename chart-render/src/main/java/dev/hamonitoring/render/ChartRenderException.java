package dev.hamonitoring.render;

/**
 * Helm refused to render (template error, values schema violation, kubeVersion mismatch...) or
 * rendered something that is not a list of Kubernetes objects. {@link #helmError()} holds Helm's
 * full error text, for example
 * {@code values don't meet the specifications of the schema(s) ... - at '/replicas': minimum: got 0, want 1}.
 */
public final class ChartRenderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String helmError;

    ChartRenderException(String context, String helmError, Throwable cause) {
        super(context + ":" + System.lineSeparator() + helmError, cause);
        this.helmError = helmError;
    }

    /** Helm's own error text, unmodified. */
    public String helmError() {
        return helmError;
    }
}
