package dev.hamonitoring.analysis.checks;

import dev.hamonitoring.analysis.AnalysisContext;
import dev.hamonitoring.analysis.Finding;
import dev.hamonitoring.analysis.HaCheck;
import dev.hamonitoring.analysis.model.Quantities;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The release fits its own ResourceQuota: requests and limits × (replicas + rolling-update surge:
 * a Deployment's maxSurge, one pod for a StatefulSet, whose replacement is admitted while the
 * quota may still count the pod it replaces, one job pod for a CloudNativePG Cluster), pods,
 * PVC count and storage (also per StorageClass), Services and workload counts, all at or below
 * every quota's hard limits. Missing requests and limits are filled as admission does (requests
 * default to limits, then the LimitRange defaults).
 */
public final class ResourceQuotaCheck implements HaCheck {

    public static final String ID = "resource-quota";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "requests/limits × (replicas + surge), pods, PVCs and storage of the release fit every ResourceQuota's hard limits";
    }

    /** What the release needs, per quota resource name, with the contributions that make it up. */
    public record Need(BigDecimal amount, List<String> parts) {}

    @Override
    public List<Finding> check(AnalysisContext context) {
        StackModel stack = context.stack();
        List<Finding> findings = new ArrayList<>();
        if (stack.quotas().isEmpty()) {
            return findings;
        }
        Map<String, Need> needs = needs(stack);
        for (ResourceQuota quota : stack.quotas()) {
            if (quota.getSpec() == null || quota.getSpec().getHard() == null) {
                continue;
            }
            if (quota.getSpec().getScopes() != null
                            && !quota.getSpec().getScopes().isEmpty()
                    || quota.getSpec().getScopeSelector() != null) {
                continue; // Scoped quotas count a subset of pods the analysis does not model.
            }
            for (Map.Entry<String, Quantity> hard :
                    new TreeMap<>(quota.getSpec().getHard()).entrySet()) {
                String key = switch (hard.getKey()) {
                    case "cpu" -> "requests.cpu";
                    case "memory" -> "requests.memory";
                    default -> hard.getKey();
                };
                Need need = needs.get(key);
                if (need == null) {
                    continue;
                }
                BigDecimal limit = Quantities.amount(hard.getValue());
                if (need.amount().compareTo(limit) > 0) {
                    findings.add(Finding.error(
                            ID,
                            "ResourceQuota",
                            quota.getMetadata().getName(),
                            "hard " + hard.getKey() + "=" + hard.getValue()
                                    + " is below what the release needs during a rollout: "
                                    + Quantities.format(key, need.amount()) + " (" + String.join(" + ", need.parts())
                                    + "); pods or PVCs beyond it are refused at admission and rollouts stall.",
                            "resourceQuota.hard." + hard.getKey() + ": " + Quantities.format(key, need.amount())
                                    + " or more (or leave resourceQuota.hard empty to have it computed)"));
                }
            }
        }
        return findings;
    }

    /** Needs per quota resource name. */
    public static Map<String, Need> needs(StackModel stack) {
        Defaults defaults = defaults(stack);
        Map<String, BigDecimal> totals = new LinkedHashMap<>();
        Map<String, List<String>> parts = new LinkedHashMap<>();
        for (Workload w : stack.workloads()) {
            int pods = w.replicas() + w.surge();
            String count = pods + "×" + w.component();
            add(totals, parts, "pods", BigDecimal.valueOf(pods), count);
            for (String resource : List.of("cpu", "memory")) {
                add(
                        totals,
                        parts,
                        "requests." + resource,
                        podAmount(w, resource, true, defaults).multiply(BigDecimal.valueOf(pods)),
                        count + " " + Quantities.format(resource, podAmount(w, resource, true, defaults)));
                add(
                        totals,
                        parts,
                        "limits." + resource,
                        podAmount(w, resource, false, defaults).multiply(BigDecimal.valueOf(pods)),
                        count + " " + Quantities.format(resource, podAmount(w, resource, false, defaults)));
            }
            for (Workload.Claim claim : w.claims()) {
                if (claim.bytes() == null) {
                    continue;
                }
                BigDecimal bytes = claim.bytes().multiply(BigDecimal.valueOf(w.replicas()));
                String part = w.replicas() + "×" + w.component() + " " + claim.size();
                add(totals, parts, "requests.storage", bytes, part);
                add(
                        totals,
                        parts,
                        "persistentvolumeclaims",
                        BigDecimal.valueOf(w.replicas()),
                        w.replicas() + "×" + w.component());
                if (claim.storageClass() != null) {
                    String prefix = claim.storageClass() + ".storageclass.storage.k8s.io/";
                    add(totals, parts, prefix + "requests.storage", bytes, part);
                    add(
                            totals,
                            parts,
                            prefix + "persistentvolumeclaims",
                            BigDecimal.valueOf(w.replicas()),
                            w.replicas() + "×" + w.component());
                }
            }
            String kindCount = switch (w.kind()) {
                case DEPLOYMENT -> "count/deployments.apps";
                case STATEFUL_SET -> "count/statefulsets.apps";
                default -> null;
            };
            if (kindCount != null) {
                add(totals, parts, kindCount, BigDecimal.ONE, w.name());
            }
        }
        add(
                totals,
                parts,
                "services",
                BigDecimal.valueOf(stack.services().size()),
                stack.services().size() + " Services (rendered and operator-created)");
        Map<String, Need> needs = new LinkedHashMap<>();
        totals.forEach((k, v) -> needs.put(k, new Need(v, parts.get(k))));
        return needs;
    }

    private static void add(
            Map<String, BigDecimal> totals,
            Map<String, List<String>> parts,
            String key,
            BigDecimal amount,
            String part) {
        if (amount.signum() == 0) {
            return;
        }
        totals.merge(key, amount, BigDecimal::add);
        parts.computeIfAbsent(key, k -> new ArrayList<>()).add(part);
    }

    private record Defaults(Map<String, Quantity> request, Map<String, Quantity> limit) {}

    private static Defaults defaults(StackModel stack) {
        Map<String, Quantity> request = new LinkedHashMap<>();
        Map<String, Quantity> limit = new LinkedHashMap<>();
        for (LimitRange range : stack.limitRanges()) {
            if (range.getSpec() == null || range.getSpec().getLimits() == null) {
                continue;
            }
            for (LimitRangeItem item : range.getSpec().getLimits()) {
                if ("Container".equals(item.getType())) {
                    if (item.getDefaultRequest() != null) {
                        request.putAll(item.getDefaultRequest());
                    }
                    if (item.getDefault() != null) {
                        limit.putAll(item.getDefault());
                    }
                }
            }
        }
        return new Defaults(request, limit);
    }

    /** One pod's request or limit of a resource: the containers' sum, or the largest init container if that is more. */
    private static BigDecimal podAmount(Workload w, String resource, boolean request, Defaults defaults) {
        BigDecimal sum = BigDecimal.ZERO;
        for (Container c : w.containers()) {
            sum = sum.add(containerAmount(c, resource, request, defaults));
        }
        BigDecimal init = BigDecimal.ZERO;
        if (w.podSpec().getInitContainers() != null) {
            for (Container c : w.podSpec().getInitContainers()) {
                init = init.max(containerAmount(c, resource, request, defaults));
            }
        }
        return sum.max(init);
    }

    private static BigDecimal containerAmount(Container c, String resource, boolean request, Defaults defaults) {
        Map<String, Quantity> requests =
                c.getResources() == null || c.getResources().getRequests() == null
                        ? Map.of()
                        : c.getResources().getRequests();
        Map<String, Quantity> limits =
                c.getResources() == null || c.getResources().getLimits() == null
                        ? Map.of()
                        : c.getResources().getLimits();
        Quantity limit = limits.containsKey(resource)
                ? limits.get(resource)
                : defaults.limit().get(resource);
        if (!request) {
            return limit == null ? BigDecimal.ZERO : Quantities.amount(limit);
        }
        // API defaulting copies an explicit limit into a missing request before LimitRanger adds defaultRequest.
        Quantity value = requests.containsKey(resource)
                ? requests.get(resource)
                : limits.containsKey(resource)
                        ? limits.get(resource)
                        : defaults.request().get(resource);
        return value == null ? BigDecimal.ZERO : Quantities.amount(value);
    }
}
