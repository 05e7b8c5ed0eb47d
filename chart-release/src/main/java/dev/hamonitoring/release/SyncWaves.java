package dev.hamonitoring.release;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Argo CD sync waves: Argo CD applies a lower wave first and waits for it to be healthy before
 * the next one (within a wave it orders by kind). A wave is the
 * {@value #ANNOTATION} annotation, else {@code helm.sh/hook-weight}, else 0 (gitops-engine's
 * {@code syncwaves.Wave}).
 *
 * <p>{@link #RULES} say which objects must exist before which others in this chart;
 * {@link #violations} lists every pair of rendered objects that breaks one.
 */
public final class SyncWaves {

    /** Argo CD's wave annotation. */
    public static final String ANNOTATION = "argocd.argoproj.io/sync-wave";

    /** Kinds that create pods (directly or through an operator). */
    private static final Set<String> POD_CREATORS = Set.of(
            "apps/Deployment",
            "apps/StatefulSet",
            "apps/DaemonSet",
            "apps/ReplicaSet",
            "batch/Job",
            "batch/CronJob",
            "/Pod",
            "postgresql.cnpg.io/Cluster");

    /**
     * One ordering constraint: every object matching {@code first} must be in a strictly lower
     * wave than every object matching {@code then}.
     *
     * @param why what breaks otherwise
     */
    public record Rule(String why, Predicate<HasMetadata> first, Predicate<HasMetadata> then) {}

    /** The ordering this chart needs under Argo CD. */
    public static final List<Rule> RULES = List.of(
            new Rule(
                    "PriorityClasses before anything that creates pods: a pod naming a missing PriorityClass is refused at admission",
                    kind("scheduling.k8s.io/PriorityClass"),
                    SyncWaves::createsPods),
            new Rule(
                    "StorageClasses before anything that claims volumes: claims of a missing class stay Pending",
                    kind("storage.k8s.io/StorageClass"),
                    SyncWaves::createsPods),
            new Rule(
                    "ResourceQuota and LimitRange before anything that creates pods: LimitRange defaults apply only when a pod is created",
                    kind("/ResourceQuota").or(kind("/LimitRange")),
                    SyncWaves::createsPods),
            new Rule(
                    "the CloudNativePG Cluster before Grafana, which needs its database at start-up",
                    kind("postgresql.cnpg.io/Cluster"),
                    kind("apps/Deployment").and(component("grafana"))));

    private SyncWaves() {}

    /** The Argo CD wave of an object. */
    public static int wave(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        if (annotations != null) {
            for (String key : List.of(ANNOTATION, "helm.sh/hook-weight")) {
                String value = annotations.get(key);
                if (value != null) {
                    try {
                        return Integer.parseInt(value.trim());
                    } catch (NumberFormatException e) {
                        // gitops-engine ignores an unparsable wave too.
                    }
                }
            }
        }
        return 0;
    }

    /** Every broken rule, as "first (wave a) must come before then (wave b): why". */
    public static List<String> violations(List<? extends HasMetadata> objects) {
        List<String> violations = new ArrayList<>();
        for (Rule rule : RULES) {
            for (HasMetadata first : objects) {
                if (!rule.first().test(first)) {
                    continue;
                }
                for (HasMetadata then : objects) {
                    if (rule.then().test(then) && wave(first) >= wave(then)) {
                        violations.add(describe(first) + " (wave " + wave(first) + ") must sync before "
                                + describe(then) + " (wave " + wave(then) + "): " + rule.why());
                    }
                }
            }
        }
        return violations;
    }

    /** Whether the object creates pods (workloads, bare pods, a CloudNativePG Cluster). */
    public static boolean createsPods(HasMetadata object) {
        return POD_CREATORS.contains(groupKind(object));
    }

    /** {@code group/Kind} (core group empty). */
    public static String groupKind(HasMetadata object) {
        String apiVersion = object.getApiVersion();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return group + "/" + object.getKind();
    }

    private static Predicate<HasMetadata> kind(String groupKind) {
        return o -> groupKind.equals(groupKind(o));
    }

    private static Predicate<HasMetadata> component(String name) {
        return o -> o.getMetadata().getLabels() != null
                && name.equals(o.getMetadata().getLabels().get("app.kubernetes.io/name"));
    }

    private static String describe(HasMetadata object) {
        return object.getKind() + " " + object.getMetadata().getName();
    }
}
