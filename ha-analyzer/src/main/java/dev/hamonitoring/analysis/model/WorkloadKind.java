package dev.hamonitoring.analysis.model;

/** The kinds of object the analysis models as pods; {@link #toString()} is the Kubernetes kind. */
public enum WorkloadKind {
    STATEFUL_SET("StatefulSet"),
    DEPLOYMENT("Deployment"),
    /** A CloudNativePG Cluster: the operator creates its pods. */
    CLUSTER("Cluster"),
    /** A bare Pod (not a hook): the helm test Pod, say. */
    POD("Pod");

    private final String kind;

    WorkloadKind(String kind) {
        this.kind = kind;
    }

    @Override
    public String toString() {
        return kind;
    }
}
