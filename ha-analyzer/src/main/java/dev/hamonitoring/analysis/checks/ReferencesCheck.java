package dev.hamonitoring.analysis.checks;

import dev.hamonitoring.analysis.AnalysisContext;
import dev.hamonitoring.analysis.ExternalNames;
import dev.hamonitoring.analysis.Finding;
import dev.hamonitoring.analysis.HaCheck;
import dev.hamonitoring.analysis.ValuesKeys;
import dev.hamonitoring.analysis.model.CloudNativePg;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every PriorityClass, StorageClass, Secret, ConfigMap and ServiceAccount a pod references exists:
 * rendered, created by an operator (CloudNativePG's -app Secret, its ServiceAccount), built in
 * (system-*-critical, kube-root-ca.crt), or declared external.
 */
public final class ReferencesCheck implements HaCheck {

    public static final String ID = "references";

    private static final Set<String> BUILT_IN_PRIORITY_CLASSES =
            Set.of("system-cluster-critical", "system-node-critical");
    private static final Set<String> BUILT_IN_CONFIG_MAPS = Set.of("kube-root-ca.crt");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "every referenced PriorityClass, StorageClass, Secret, ConfigMap and ServiceAccount is rendered, operator-created or declared external";
    }

    @Override
    public List<Finding> check(AnalysisContext context) {
        StackModel stack = context.stack();
        ExternalNames external = context.externals();
        Set<String> operatorSecrets = new LinkedHashSet<>();
        Set<String> operatorAccounts = new LinkedHashSet<>();
        for (CloudNativePg cluster : stack.postgresClusters()) {
            operatorSecrets.addAll(cluster.secrets());
            operatorAccounts.add(cluster.name());
        }
        List<Finding> findings = new ArrayList<>();
        for (Workload w : stack.workloads()) {
            Set<String> seen = new LinkedHashSet<>();
            var spec = w.podSpec();
            if (spec.getPriorityClassName() != null
                    && !BUILT_IN_PRIORITY_CLASSES.contains(spec.getPriorityClassName())) {
                require(
                        findings,
                        seen,
                        stack,
                        external,
                        w,
                        "PriorityClass",
                        spec.getPriorityClassName(),
                        rendered(stack, PriorityClass.class),
                        Set.of(),
                        "pods are rejected at admission",
                        ValuesKeys.of(w)
                                + ".priorityClassName (an existing class) or .priorityTier (critical, standard)");
            }
            for (Workload.Claim claim : w.claims()) {
                if (claim.storageClass() != null && !claim.storageClass().isEmpty()) {
                    require(
                            findings,
                            seen,
                            stack,
                            external,
                            w,
                            "StorageClass",
                            claim.storageClass(),
                            rendered(stack, StorageClass.class),
                            Set.of(),
                            "its PVCs stay Pending and so do the pods",
                            ValuesKeys.of(w)
                                    + ".persistence.storageClass (an existing class) or .persistence.storageTier (fast, standard)");
                }
            }
            String account = spec.getServiceAccountName();
            if (account != null && !account.isEmpty() && !"default".equals(account)) {
                require(
                        findings,
                        seen,
                        stack,
                        external,
                        w,
                        "ServiceAccount",
                        account,
                        rendered(stack, ServiceAccount.class),
                        operatorAccounts,
                        "the controller cannot create its pods",
                        "render the ServiceAccount or declare it external");
            }
            if (spec.getImagePullSecrets() != null) {
                for (LocalObjectReference ref : spec.getImagePullSecrets()) {
                    require(
                            findings,
                            seen,
                            stack,
                            external,
                            w,
                            "Secret",
                            ref.getName(),
                            rendered(stack, Secret.class),
                            operatorSecrets,
                            "images cannot be pulled",
                            "global.imagePullSecrets: only existing Secrets (declare them external)");
                }
            }
            if (spec.getVolumes() != null) {
                for (Volume v : spec.getVolumes()) {
                    if (v.getSecret() != null
                            && !Boolean.TRUE.equals(v.getSecret().getOptional())) {
                        secret(
                                findings,
                                seen,
                                stack,
                                external,
                                operatorSecrets,
                                w,
                                v.getSecret().getSecretName(),
                                "volume " + v.getName());
                    }
                    if (v.getConfigMap() != null
                            && !Boolean.TRUE.equals(v.getConfigMap().getOptional())) {
                        configMap(
                                findings,
                                seen,
                                stack,
                                external,
                                w,
                                v.getConfigMap().getName(),
                                "volume " + v.getName());
                    }
                    if (v.getProjected() != null && v.getProjected().getSources() != null) {
                        for (VolumeProjection p : v.getProjected().getSources()) {
                            if (p.getSecret() != null
                                    && !Boolean.TRUE.equals(p.getSecret().getOptional())) {
                                secret(
                                        findings,
                                        seen,
                                        stack,
                                        external,
                                        operatorSecrets,
                                        w,
                                        p.getSecret().getName(),
                                        "volume " + v.getName());
                            }
                            if (p.getConfigMap() != null
                                    && !Boolean.TRUE.equals(p.getConfigMap().getOptional())) {
                                configMap(
                                        findings,
                                        seen,
                                        stack,
                                        external,
                                        w,
                                        p.getConfigMap().getName(),
                                        "volume " + v.getName());
                            }
                        }
                    }
                }
            }
            List<Container> containers = new ArrayList<>(w.containers());
            if (spec.getInitContainers() != null) {
                containers.addAll(spec.getInitContainers());
            }
            for (Container c : containers) {
                if (c.getEnv() != null) {
                    for (EnvVar env : c.getEnv()) {
                        var from = env.getValueFrom();
                        if (from != null
                                && from.getSecretKeyRef() != null
                                && !Boolean.TRUE.equals(from.getSecretKeyRef().getOptional())) {
                            secret(
                                    findings,
                                    seen,
                                    stack,
                                    external,
                                    operatorSecrets,
                                    w,
                                    from.getSecretKeyRef().getName(),
                                    "env " + env.getName());
                        }
                        if (from != null
                                && from.getConfigMapKeyRef() != null
                                && !Boolean.TRUE.equals(
                                        from.getConfigMapKeyRef().getOptional())) {
                            configMap(
                                    findings,
                                    seen,
                                    stack,
                                    external,
                                    w,
                                    from.getConfigMapKeyRef().getName(),
                                    "env " + env.getName());
                        }
                    }
                }
                if (c.getEnvFrom() != null) {
                    for (EnvFromSource source : c.getEnvFrom()) {
                        if (source.getSecretRef() != null
                                && !Boolean.TRUE.equals(source.getSecretRef().getOptional())) {
                            secret(
                                    findings,
                                    seen,
                                    stack,
                                    external,
                                    operatorSecrets,
                                    w,
                                    source.getSecretRef().getName(),
                                    "envFrom");
                        }
                        if (source.getConfigMapRef() != null
                                && !Boolean.TRUE.equals(source.getConfigMapRef().getOptional())) {
                            configMap(
                                    findings,
                                    seen,
                                    stack,
                                    external,
                                    w,
                                    source.getConfigMapRef().getName(),
                                    "envFrom");
                        }
                    }
                }
            }
        }
        return findings;
    }

    private static void secret(
            List<Finding> findings,
            Set<String> seen,
            StackModel stack,
            ExternalNames external,
            Set<String> operator,
            Workload w,
            String name,
            String where) {
        require(
                findings,
                seen,
                stack,
                external,
                w,
                "Secret",
                name,
                rendered(stack, Secret.class),
                operator,
                "pods cannot start (" + where + ")",
                "create it before install and declare it (an existingSecret value or --external Secret/" + name + ")");
    }

    private static void configMap(
            List<Finding> findings,
            Set<String> seen,
            StackModel stack,
            ExternalNames external,
            Workload w,
            String name,
            String where) {
        require(
                findings,
                seen,
                stack,
                external,
                w,
                "ConfigMap",
                name,
                rendered(stack, ConfigMap.class),
                BUILT_IN_CONFIG_MAPS,
                "pods cannot start (" + where + ")",
                "create it before install and declare it (--external ConfigMap/" + name + ")");
    }

    private static void require(
            List<Finding> findings,
            Set<String> seen,
            StackModel stack,
            ExternalNames external,
            Workload w,
            String kind,
            String name,
            Set<String> rendered,
            Set<String> provided,
            String consequence,
            String fix) {
        if (rendered.contains(name)
                || provided.contains(name)
                || external.contains(kind, name)
                || !seen.add(kind + "/" + name)) {
            return;
        }
        findings.add(Finding.error(
                ID,
                w.kind().toString(),
                w.name(),
                "References " + kind + " " + name
                        + ", which is neither rendered, created by an operator, nor declared external: " + consequence
                        + ".",
                fix));
    }

    private static <T extends HasMetadata> Set<String> rendered(StackModel stack, Class<T> type) {
        Set<String> names = new LinkedHashSet<>();
        stack.all(type).forEach(o -> names.add(o.getMetadata().getName()));
        return names;
    }
}
