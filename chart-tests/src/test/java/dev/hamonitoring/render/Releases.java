package dev.hamonitoring.render;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders of the real chart, shared by the render tests: each combination of overlay and extra
 * values files is rendered once per JVM. Tests read the objects and never modify them.
 */
final class Releases {

    private static final Map<List<String>, RenderedRelease> CACHE = new ConcurrentHashMap<>();

    private Releases() {}

    /** The chart rendered with an overlay (dev, staging, prod) and extra test values files. */
    static RenderedRelease overlay(String environment, String... extraValues) {
        List<String> key = new ArrayList<>();
        key.add(environment);
        key.addAll(List.of(extraValues));
        return CACHE.computeIfAbsent(key, k -> render(environment, extraValues).render());
    }

    /** The render request behind {@link #overlay}, for tests that add --set values or expect failure. */
    static HelmRender render(String environment, String... extraValues) {
        HelmRender render =
                HelmRender.chart(ProjectPaths.umbrellaChart()).valuesFile(ProjectPaths.environment(environment));
        for (String name : extraValues) {
            render = render.valuesFile(testValues(name));
        }
        return render;
    }

    /** A values file of the render tests: chart-tests/src/test/resources/values/NAME.yaml. */
    static Path testValues(String name) {
        return ProjectPaths.root()
                .resolve("chart-tests/src/test/resources/values")
                .resolve(name + ".yaml");
    }

    /** The pod template of a workload, or a failure naming it. */
    static PodTemplateSpec podTemplate(HasMetadata workload) {
        return PodTemplates.of(workload)
                .orElseThrow(() -> new IllegalArgumentException(
                        workload.getKind() + " " + workload.getMetadata().getName() + " has no pod template"));
    }

    /** The pod template spec of a workload. */
    static PodSpec podSpec(HasMetadata workload) {
        return podTemplate(workload).getSpec();
    }

    /** Pod template labels of a workload. */
    static Map<String, String> podLabels(HasMetadata workload) {
        return podTemplate(workload).getMetadata().getLabels();
    }

    /** Replicas of a StatefulSet or Deployment. */
    static int replicas(HasMetadata workload) {
        if (workload instanceof StatefulSet statefulSet) {
            return statefulSet.getSpec().getReplicas();
        }
        if (workload instanceof Deployment deployment) {
            return deployment.getSpec().getReplicas();
        }
        throw new IllegalArgumentException(workload.getKind() + " has no replicas");
    }

    /** One container of a pod spec, by name. */
    static Container container(PodSpec spec, String name) {
        return spec.getContainers().stream()
                .filter(c -> c.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " in "
                        + spec.getContainers().stream().map(Container::getName).toList()));
    }

    /** Every StatefulSet, Deployment and DaemonSet (node-exporter) of a render. */
    static List<HasMetadata> workloads(RenderedRelease release) {
        List<HasMetadata> workloads = new ArrayList<>(release.all(StatefulSet.class));
        workloads.addAll(release.all(Deployment.class));
        workloads.addAll(release.all(DaemonSet.class));
        return workloads;
    }
}
