package dev.hamonitoring.cluster;

import static org.awaitility.Awaitility.await;

import dev.hamonitoring.analysis.model.WorkloadKind;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What a release runs in the cluster, read back from the API: its Deployments and StatefulSets
 * (label {@code app.kubernetes.io/instance=<release>}), their pods, and the PodDisruptionBudget
 * covering each.
 */
public final class ReleaseWorkloads {

    public static final String NAME_LABEL = "app.kubernetes.io/name";
    public static final String INSTANCE_LABEL = "app.kubernetes.io/instance";

    /**
     * One workload.
     *
     * @param name its {@code app.kubernetes.io/name} (prometheus, thanos-query, ...)
     * @param kind Deployment or StatefulSet
     * @param workload the object's name
     * @param replicas {@code spec.replicas}
     * @param selector its {@code spec.selector.matchLabels}
     * @param pdb the PodDisruptionBudget whose selector matches its pods, if any
     * @param minAvailable that budget's {@code minAvailable} (-1 without a budget)
     */
    public record Component(
            String name,
            WorkloadKind kind,
            String workload,
            int replicas,
            Map<String, String> selector,
            Optional<String> pdb,
            int minAvailable) {
        public Component {
            selector = Map.copyOf(selector);
        }

        public boolean stateful() {
            return kind == WorkloadKind.STATEFUL_SET;
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String release;

    public ReleaseWorkloads(KubernetesClient client, String namespace, String release) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.release = Objects.requireNonNull(release, "release");
    }

    public String namespace() {
        return namespace;
    }

    public String release() {
        return release;
    }

    /** Every Deployment and StatefulSet of the release, by component name. */
    public List<Component> components() {
        List<PodDisruptionBudget> pdbs = client.policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(namespace)
                .list()
                .getItems();
        List<Component> result = new ArrayList<>();
        for (Deployment d : client.apps()
                .deployments()
                .inNamespace(namespace)
                .withLabel(INSTANCE_LABEL, release)
                .list()
                .getItems()) {
            result.add(component(
                    WorkloadKind.DEPLOYMENT,
                    d.getMetadata().getName(),
                    d.getMetadata().getLabels(),
                    d.getSpec().getReplicas(),
                    d.getSpec().getSelector(),
                    d.getSpec().getTemplate(),
                    pdbs));
        }
        for (StatefulSet s : client.apps()
                .statefulSets()
                .inNamespace(namespace)
                .withLabel(INSTANCE_LABEL, release)
                .list()
                .getItems()) {
            result.add(component(
                    WorkloadKind.STATEFUL_SET,
                    s.getMetadata().getName(),
                    s.getMetadata().getLabels(),
                    s.getSpec().getReplicas(),
                    s.getSpec().getSelector(),
                    s.getSpec().getTemplate(),
                    pdbs));
        }
        result.sort(Comparator.comparing(Component::name));
        return result;
    }

    /** The component of that name. */
    public Component component(String name) {
        return components().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "No workload " + name + " of release " + release + " in " + namespace + "; there are "
                                + components().stream().map(Component::name).collect(Collectors.toList())));
    }

    private static Component component(
            WorkloadKind kind,
            String workload,
            Map<String, String> labels,
            Integer replicas,
            LabelSelector selector,
            PodTemplateSpec template,
            List<PodDisruptionBudget> pdbs) {
        Map<String, String> podLabels = template.getMetadata().getLabels();
        Optional<PodDisruptionBudget> pdb = pdbs.stream()
                .filter(p -> matches(p.getSpec().getSelector(), podLabels))
                .findFirst();
        int minAvailable = pdb.map(p -> p.getSpec().getMinAvailable())
                .map(ReleaseWorkloads::intValue)
                .orElse(-1);
        return new Component(
                labels.getOrDefault(NAME_LABEL, workload),
                kind,
                workload,
                replicas == null ? 1 : replicas,
                selector.getMatchLabels(),
                pdb.map(p -> p.getMetadata().getName()),
                minAvailable);
    }

    private static int intValue(IntOrString value) {
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        throw new IllegalStateException("percentage minAvailable is not handled here: " + value.getStrVal());
    }

    /** Whether the selector's matchLabels (the only form the chart uses) all appear in labels. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null || labels == null) {
            return false;
        }
        if (selector.getMatchExpressions() != null
                && !selector.getMatchExpressions().isEmpty()) {
            throw new IllegalStateException("matchExpressions are not handled here: " + selector);
        }
        Map<String, String> match = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        return !match.isEmpty()
                && match.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** Every pod of the component, terminating ones included. */
    public List<Pod> pods(Component component) {
        return client.pods().inNamespace(namespace).withLabels(component.selector()).list().getItems().stream()
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .collect(Collectors.toList());
    }

    /** The component's pods that are not being deleted. */
    public List<Pod> livePods(Component component) {
        return pods(component).stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .collect(Collectors.toList());
    }

    /** Pods of the component that are Ready and not being deleted. */
    public int ready(Component component) {
        return (int)
                livePods(component).stream().filter(ReleaseWorkloads::isReady).count();
    }

    /** Ready pods per component name. */
    public Map<String, Integer> readyCounts(List<Component> components) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, List<Pod>> byComponent = podsByComponent(components);
        for (Component c : components) {
            counts.put(c.name(), (int) byComponent.get(c.name()).stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .filter(ReleaseWorkloads::isReady)
                    .count());
        }
        return counts;
    }

    /** One list call: every pod of the release, grouped by component. */
    public Map<String, List<Pod>> podsByComponent(List<Component> components) {
        List<Pod> all = client.pods()
                .inNamespace(namespace)
                .withLabel(INSTANCE_LABEL, release)
                .list()
                .getItems();
        Map<String, List<Pod>> result = new LinkedHashMap<>();
        for (Component c : components) {
            result.put(
                    c.name(),
                    all.stream()
                            .filter(p -> c.selector().entrySet().stream()
                                    .allMatch(e -> e.getValue()
                                            .equals(p.getMetadata().getLabels().get(e.getKey()))))
                            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                            .collect(Collectors.toList()));
        }
        return result;
    }

    /** Whether every component has exactly {@code replicas} live pods, all Ready. */
    public boolean allReady() {
        List<Component> components = components();
        if (components.isEmpty()) {
            return false;
        }
        Map<String, List<Pod>> pods = podsByComponent(components);
        return components.stream().allMatch(c -> {
            List<Pod> live = pods.get(c.name()).stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .collect(Collectors.toList());
            return live.size() == c.replicas() && live.stream().allMatch(ReleaseWorkloads::isReady);
        });
    }

    /** Waits until {@link #allReady()}; the failure message lists what is not. */
    public void awaitAllReady(Duration timeout) {
        long t0 = System.nanoTime();
        try {
            await("every pod of " + release + " Ready")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(this::allReady);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "Not every pod of " + release + " became Ready within " + timeout + ": " + describe(), e);
        }
        System.out.printf("[cluster] every pod of %s Ready after %.1f s%n", release, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Workloads whose rollout is not finished, as "Kind/name: reason" lines: the controller has not
     * observed the latest spec yet, or not every replica runs the latest pod template (for a
     * StatefulSet, updateRevision differs from currentRevision), or old replicas are still there.
     */
    public List<String> rolloutsInProgress() {
        List<String> pending = new ArrayList<>();
        for (StatefulSet s : client.apps()
                .statefulSets()
                .inNamespace(namespace)
                .withLabel(INSTANCE_LABEL, release)
                .list()
                .getItems()) {
            var status = s.getStatus();
            int replicas = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
            String name = "StatefulSet/" + s.getMetadata().getName();
            if (status == null
                    || !Objects.equals(
                            status.getObservedGeneration(), s.getMetadata().getGeneration())) {
                pending.add(name + ": generation " + s.getMetadata().getGeneration() + " not observed yet");
            } else if (!Objects.equals(status.getUpdatedReplicas(), replicas)
                    || !Objects.equals(status.getCurrentRevision(), status.getUpdateRevision())) {
                pending.add(name + ": " + status.getUpdatedReplicas() + "/" + replicas + " replicas on revision "
                        + status.getUpdateRevision());
            }
        }
        for (Deployment d : client.apps()
                .deployments()
                .inNamespace(namespace)
                .withLabel(INSTANCE_LABEL, release)
                .list()
                .getItems()) {
            var status = d.getStatus();
            int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            String name = "Deployment/" + d.getMetadata().getName();
            if (status == null
                    || !Objects.equals(
                            status.getObservedGeneration(), d.getMetadata().getGeneration())) {
                pending.add(name + ": generation " + d.getMetadata().getGeneration() + " not observed yet");
            } else if (!Objects.equals(status.getUpdatedReplicas(), replicas)
                    || !Objects.equals(status.getReplicas(), replicas)) {
                pending.add(name + ": " + status.getUpdatedReplicas() + " updated of " + status.getReplicas()
                        + ", want " + replicas);
            }
        }
        return pending;
    }

    /** Waits until no rollout is in progress and every pod is Ready; the failure message lists what is not. */
    public void awaitRolledOut(Duration timeout) {
        long t0 = System.nanoTime();
        try {
            await("rollout of " + release)
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> rolloutsInProgress().isEmpty() && allReady());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "The rollout of " + release + " did not finish within " + timeout + ": "
                            + String.join("; ", rolloutsInProgress()) + describe(),
                    e);
        }
        System.out.printf("[cluster] rollout of %s finished after %.1f s%n", release, (System.nanoTime() - t0) / 1e9);
    }

    /** Each component: replicas, and each pod with node, phase and readiness (for messages). */
    public String describe() {
        List<Component> components = components();
        Map<String, List<Pod>> pods = podsByComponent(components);
        StringBuilder out = new StringBuilder();
        for (Component c : components) {
            out.append("\n  ")
                    .append(c.kind())
                    .append(' ')
                    .append(c.workload())
                    .append(" replicas=")
                    .append(c.replicas())
                    .append(':');
            for (Pod p : pods.get(c.name())) {
                out.append("\n    ")
                        .append(p.getMetadata().getName())
                        .append(" node=")
                        .append(p.getSpec().getNodeName())
                        .append(" phase=")
                        .append(p.getStatus() == null ? null : p.getStatus().getPhase())
                        .append(" ready=")
                        .append(isReady(p))
                        .append(p.getMetadata().getDeletionTimestamp() == null ? "" : " terminating")
                        .append(scheduledMessage(p)
                                .map(m -> " unschedulable: " + m)
                                .orElse(""));
            }
        }
        return out.toString();
    }

    /** The message of a PodScheduled=False condition, if the pod has one. */
    public static Optional<String> scheduledMessage(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
                .map(c -> c.getReason() + ": " + c.getMessage())
                .findFirst();
    }

    /** Condition Ready=True and not being deleted. */
    public static boolean isReady(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null
                && pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
