package dev.hamonitoring.analysis;

import dev.hamonitoring.analysis.model.Workload;
import java.util.Map;

/**
 * The chart's values block of a workload, for the "value to change" of a finding. The chart
 * writes its component registry (common.components) onto every workload as an annotation, so the
 * analysis reads the key from the rendered object instead of keeping a table of its own; a
 * workload without it (another chart's, or a hand-edited manifest) is named by its component.
 */
public final class ValuesKeys {

    /** Annotation that names a workload's values block, for example {@code thanos.queryFrontend}. */
    public static final String ANNOTATION = "ha-monitoring/values-key";

    private ValuesKeys() {}

    /** "thanos.queryFrontend" for the Thanos query frontend Deployment; its component when not annotated. */
    public static String of(Workload workload) {
        Map<String, String> annotations = workload.source() == null
                ? null
                : workload.source().getMetadata().getAnnotations();
        String key = annotations == null ? null : annotations.get(ANNOTATION);
        return key == null || key.isBlank() ? workload.component() : key;
    }
}
