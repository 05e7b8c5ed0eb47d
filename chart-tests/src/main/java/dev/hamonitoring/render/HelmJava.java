package dev.hamonitoring.render;

/**
 * The one lock around calls into helm-java's in-process Go library (see the package
 * documentation for what helm-java does and does not do).
 */
final class HelmJava {

    /** Serializes calls into the one in-process Helm library. */
    static final Object LOCK = new Object();

    private HelmJava() {
    }
}
