package dev.hamonitoring.analysis;

/** How bad a finding is. Every finding makes the report fail; the severity orders them. */
public enum Severity {
    /** An HA invariant is broken: failover, deduplication or scheduling does not work as intended. */
    ERROR,
    /** Works, but wider or weaker than the stack needs (for example an allow rule no edge needs). */
    WARNING
}
