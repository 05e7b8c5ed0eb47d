package dev.hamonitoring.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The pod template of any workload object: the one place that knows where each kind keeps it. */
public final class PodTemplates {

    private PodTemplates() {}

    /** {@code PodTemplates.of(statefulSet)}: the template of a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob. */
    public static Optional<PodTemplateSpec> of(HasMetadata object) {
        PodTemplateSpec template = null;
        if (object instanceof StatefulSet s && s.getSpec() != null) {
            template = s.getSpec().getTemplate();
        } else if (object instanceof Deployment d && d.getSpec() != null) {
            template = d.getSpec().getTemplate();
        } else if (object instanceof DaemonSet d && d.getSpec() != null) {
            template = d.getSpec().getTemplate();
        } else if (object instanceof ReplicaSet r && r.getSpec() != null) {
            template = r.getSpec().getTemplate();
        } else if (object instanceof Job j && j.getSpec() != null) {
            template = j.getSpec().getTemplate();
        } else if (object instanceof CronJob c
                && c.getSpec() != null
                && c.getSpec().getJobTemplate() != null
                && c.getSpec().getJobTemplate().getSpec() != null) {
            template = c.getSpec().getJobTemplate().getSpec().getTemplate();
        }
        return Optional.ofNullable(template);
    }

    /** {@code PodTemplates.all(release.objects())}: every workload that has a template, in order, with it. */
    public static Map<HasMetadata, PodTemplateSpec> all(List<HasMetadata> objects) {
        Map<HasMetadata, PodTemplateSpec> templates = new LinkedHashMap<>();
        for (HasMetadata object : objects) {
            of(object).ifPresent(t -> templates.put(object, t));
        }
        return templates;
    }
}
