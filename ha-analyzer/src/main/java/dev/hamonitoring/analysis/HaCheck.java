package dev.hamonitoring.analysis;

import java.util.List;

/** One HA invariant of the rendered stack. Implementations are stateless. */
public interface HaCheck {

    /** Short stable id, used in findings and to select checks (for example "thanos-dedup"). */
    String id();

    /** The invariant, in one sentence. */
    String description();

    /** The violations found (empty when the invariant holds). */
    List<Finding> check(AnalysisContext context);
}
