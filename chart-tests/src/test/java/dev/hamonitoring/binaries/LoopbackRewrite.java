package dev.hamonitoring.binaries;

import dev.hamonitoring.render.MountedFiles;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a container of a declared pod into a {@link RenderedProcess}, changing only addresses,
 * ports and paths (and the {@link TestTimings}):
 *
 * <ol>
 *   <li>the image picks the binary ({@link Binaries#checkImage}: the tag must be the built version);</li>
 *   <li>env is the container's env, {@code fieldRef}s resolved for this pod ({@code POD_NAME} =
 *       pod name, {@code POD_IP} = {@value LoopbackNetwork#POD_IP}); nothing is inherited;</li>
 *   <li>{@code $(VAR)} in args is expanded like the kubelet does;</li>
 *   <li>each flag is placed by {@link FlagTable}: listen addresses get the pod's loopback port
 *       for that container port, peers/URLs/endpoints go through the {@link LoopbackNetwork} DNS,
 *       paths through the container's mounts; configuration files named by flags are rewritten
 *       in the pod's volume ({@link PrometheusConfigRewrite}, {@link AlertmanagerConfigRewrite},
 *       {@link ObjstoreConfigRewrite}); any flag the table does not know fails.</li>
 * </ol>
 */
public final class LoopbackRewrite {

    private static final Pattern FIELD_LABEL = Pattern.compile("metadata\\.labels\\['([^']+)'\\]");

    private final LoopbackNetwork network;
    private final TestTimings timings;
    private final Map<Path, ConfigRewrite> files = new LinkedHashMap<>();

    public LoopbackRewrite(LoopbackNetwork network, TestTimings timings) {
        this.network = network;
        this.timings = timings;
    }

    public LoopbackNetwork network() {
        return network;
    }

    public TestTimings timings() {
        return timings;
    }

    /** The container {@code container} of {@code pod}, as rendered. */
    public RenderedProcess process(LoopbackPod pod, String container) {
        return process(pod, container, ArgsMutation.NONE);
    }

    /** The container {@code container} of {@code pod}, with its rendered args deliberately changed first. */
    public synchronized RenderedProcess process(LoopbackPod pod, String containerName, ArgsMutation mutation) {
        if (pod.servedByTest()) {
            throw new IllegalArgumentException(pod.name() + " is served by the test, not run from the chart");
        }
        Container container = pod.container(containerName);
        String where = pod.name() + "/" + containerName;
        Binaries.Component component = Binaries.checkImage(container.getImage());
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
            throw new LoopbackRewriteException(
                    where + ": a rendered command " + container.getCommand() + " replaces the image's"
                            + " entrypoint; the loopback rewrite only knows the images' own entrypoints");
        }
        pod.prepareVolumes();
        List<Rewrite> rewrites = new ArrayList<>();
        Map<String, String> env = environment(pod, container, where);

        List<String> rendered = container.getArgs() == null ? List.of() : List.copyOf(container.getArgs());
        if (!mutation.isNone()) {
            List<String> mutated = List.copyOf(mutation.change().apply(new ArrayList<>(rendered)));
            if (mutated.equals(rendered)) {
                throw new IllegalStateException(
                        "Mutation '" + mutation.description() + "' of " + where + " changed nothing");
            }
            for (String arg : rendered) {
                if (!mutated.contains(arg)) {
                    rewrites.add(
                            new Rewrite(where + " (" + mutation.description() + ")", arg, null, Rewrite.Kind.MUTATION));
                }
            }
            for (String arg : mutated) {
                if (!rendered.contains(arg)) {
                    rewrites.add(
                            new Rewrite(where + " (" + mutation.description() + ")", null, arg, Rewrite.Kind.MUTATION));
                }
            }
            rendered = mutated;
        }

        List<String> expanded = rendered.stream().map(a -> expand(a, env)).toList();
        String program = component.key();
        int firstFlag = 0;
        if (component == Binaries.Component.THANOS) {
            if (expanded.isEmpty() || !FlagTable.THANOS_SUBCOMMANDS.contains(expanded.get(0))) {
                throw new LoopbackRewriteException(where + ": thanos args must start with a subcommand of "
                        + FlagTable.THANOS_SUBCOMMANDS + ", got " + expanded);
            }
            program = "thanos " + expanded.get(0);
            firstFlag = 1;
        }
        List<String> flags = new ArrayList<>(expanded.subList(firstFlag, expanded.size()));
        applyTimings(program, flags, where, rewrites);

        List<String> args = new ArrayList<>(expanded.subList(0, firstFlag));
        for (String arg : flags) {
            args.addAll(place(program, arg, pod, container, where, rewrites));
        }
        return new RenderedProcess(
                pod.name(),
                containerName,
                program,
                component.binaries().get(0),
                rendered,
                List.copyOf(args),
                Collections.unmodifiableMap(env),
                pod.directory(),
                readiness(pod, container, where),
                List.copyOf(rewrites));
    }

    /** The rewrite of a configuration file of some pod's volume, by its path on this machine. */
    public synchronized Optional<ConfigRewrite> fileRewrite(Path hostFile) {
        return Optional.ofNullable(files.get(hostFile));
    }

    /** Every configuration file rewritten so far, by path on this machine. */
    public synchronized Map<Path, ConfigRewrite> fileRewrites() {
        return Map.copyOf(files);
    }

    private void applyTimings(String program, List<String> flags, String where, List<Rewrite> rewrites) {
        for (String flag : timings.flags(program)) {
            String name = flag.substring(0, flag.indexOf('='));
            int index = -1;
            for (int i = 0; i < flags.size(); i++) {
                if (flags.get(i).startsWith(name + "=")) {
                    index = i;
                }
            }
            if (index >= 0) {
                rewrites.add(new Rewrite(where + " " + name, flags.get(index), flag, Rewrite.Kind.TIMING));
                flags.set(index, flag);
            } else {
                rewrites.add(new Rewrite(where + " " + name, null, flag, Rewrite.Kind.TIMING));
                flags.add(flag);
            }
        }
    }

    private List<String> place(
            String program, String arg, LoopbackPod pod, Container container, String where, List<Rewrite> rewrites) {
        if (!arg.startsWith("--")) {
            throw new LoopbackRewriteException(
                    where + ": positional argument '" + arg + "' of " + program + " is not placeable");
        }
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg : arg.substring(0, eq);
        String value = eq < 0 ? null : arg.substring(eq + 1);
        FlagTable.Placement placement = FlagTable.placement(program, name)
                .orElseThrow(() ->
                        new LoopbackRewriteException(where + ": the loopback rewrite does not know how to place flag "
                                + name + " of " + program + " (rendered: '" + arg + "'). Classify it in "
                                + FlagTable.class.getName() + ": an address, a path, or semantics kept as rendered."));
        if (value == null && placement != FlagTable.Placement.SWITCH) {
            throw new LoopbackRewriteException(
                    where + ": flag " + name + " of " + program + " needs a value in --name=value form");
        }
        String what = where + " " + name;
        List<String> result = switch (placement) {
            case KEEP, SWITCH -> List.of(arg);
            case LISTEN -> {
                HostPort hostPort = HostPort.parse(value, what);
                if (!List.of("", "0.0.0.0", "127.0.0.1", "localhost", "::", LoopbackNetwork.POD_IP)
                        .contains(hostPort.host())) {
                    throw new LoopbackRewriteException(what + ": listens on a specific host '" + hostPort.host()
                            + "'; only all" + " interfaces or the pod IP can be placed on loopback");
                }
                yield List.of(name + "=" + HostPort.loopback(pod.hostPort(hostPort.port())));
            }
            case ADVERTISE, PEER -> {
                HostPort hostPort = HostPort.parse(value, what);
                yield List.of(name + "=" + network.resolve(hostPort.host(), hostPort.port(), pod, what));
            }
            case URL -> List.of(name + "=" + Urls.rewrite(value, network, pod, what));
            case ENDPOINT ->
                endpoints(value, pod, what).stream().map(h -> name + "=" + h).toList();
            case PATH -> List.of(name + "=" + pod.hostPath(container, value));
            case PROMETHEUS_CONFIG, ALERTMANAGER_CONFIG, OBJSTORE_CONFIG -> {
                Path file = pod.hostPath(container, value);
                rewriteFile(placement, file, value, pod, container);
                yield List.of(name + "=" + file);
            }
        };
        if (!result.equals(List.of(arg))) {
            rewrites.add(new Rewrite(
                    what,
                    value,
                    result.isEmpty() ? null : String.join(" ", result),
                    switch (placement) {
                        case PATH, PROMETHEUS_CONFIG, ALERTMANAGER_CONFIG, OBJSTORE_CONFIG -> Rewrite.Kind.PATH;
                        default -> Rewrite.Kind.ADDRESS;
                    }));
        }
        return result;
    }

    private List<HostPort> endpoints(String value, LoopbackPod pod, String what) {
        if (value.startsWith("dnssrv+")) {
            return network.lookupSrv(value.substring("dnssrv+".length()), what);
        }
        if (value.startsWith("dns+")) {
            HostPort hostPort = HostPort.parse(value.substring("dns+".length()), what);
            return network.lookupA(hostPort.host(), hostPort.port(), what);
        }
        if (value.contains("+")) {
            throw new LoopbackRewriteException(
                    what + ": endpoint '" + value + "' uses a lookup the loopback DNS does not answer");
        }
        HostPort hostPort = HostPort.parse(value, what);
        return List.of(network.resolve(hostPort.host(), hostPort.port(), pod, what));
    }

    private void rewriteFile(
            FlagTable.Placement placement, Path file, String containerPath, LoopbackPod pod, Container container) {
        if (files.containsKey(file)) {
            return; // Another container of the pod (or a restart) already placed it.
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LoopbackRewriteException(
                    pod.name() + "/" + container.getName() + ": " + containerPath
                            + " is mounted but the volume has no such file (" + file + ")",
                    e);
        }
        ConfigRewrite result = switch (placement) {
            case PROMETHEUS_CONFIG ->
                PrometheusConfigRewrite.forProcess(text, network, pod, container.getName(), containerPath, timings);
            case ALERTMANAGER_CONFIG ->
                AlertmanagerConfigRewrite.forProcess(text, network, pod, container.getName(), containerPath);
            case OBJSTORE_CONFIG ->
                ObjstoreConfigRewrite.forProcess(text, network, pod, container.getName(), containerPath);
            default -> throw new IllegalArgumentException(placement.name());
        };
        try {
            Files.writeString(file, result.text(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.put(file, result);
    }

    private Optional<URI> readiness(LoopbackPod pod, Container container, String where) {
        if (container.getReadinessProbe() == null
                || container.getReadinessProbe().getHttpGet() == null) {
            return Optional.empty();
        }
        HTTPGetAction get = container.getReadinessProbe().getHttpGet();
        if (get.getScheme() != null && !get.getScheme().equalsIgnoreCase("HTTP")) {
            throw new LoopbackRewriteException(
                    where + ": readiness probe scheme " + get.getScheme() + " is not supported");
        }
        int containerPort;
        if (get.getPort().getIntVal() != null) {
            containerPort = get.getPort().getIntVal();
        } else {
            String portName = get.getPort().getStrVal();
            List<ContainerPort> ports = container.getPorts() == null ? List.of() : container.getPorts();
            containerPort = ports.stream()
                    .filter(p -> portName.equals(p.getName()))
                    .map(ContainerPort::getContainerPort)
                    .findFirst()
                    .orElseThrow(() -> new LoopbackRewriteException(
                            where + ": readiness probe port '" + portName + "' is not a port of this container ("
                                    + ports.stream().map(ContainerPort::getName).toList() + ")"));
        }
        String path = get.getPath() == null ? "/" : get.getPath();
        return Optional.of(URI.create("http://" + HostPort.loopback(pod.hostPort(containerPort)) + path));
    }

    private Map<String, String> environment(LoopbackPod pod, Container container, String where) {
        if (container.getEnvFrom() != null && !container.getEnvFrom().isEmpty()) {
            throw new LoopbackRewriteException(where + ": envFrom is not supported by the loopback rewrite");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
            String value;
            if (var.getValueFrom() == null) {
                value = expand(var.getValue() == null ? "" : var.getValue(), env);
            } else {
                value = valueFrom(var.getName(), var.getValueFrom(), pod, where);
            }
            env.put(var.getName(), value);
        }
        return env;
    }

    private String valueFrom(String name, EnvVarSource source, LoopbackPod pod, String where) {
        String what = where + " env " + name;
        if (source.getFieldRef() != null) {
            String field = source.getFieldRef().getFieldPath();
            Matcher label = FIELD_LABEL.matcher(field);
            if (label.matches()) {
                return pod.labels().getOrDefault(label.group(1), "");
            }
            return switch (field) {
                case "metadata.name" -> pod.name();
                case "metadata.namespace" -> pod.namespace();
                case "status.podIP", "status.hostIP" -> LoopbackNetwork.POD_IP;
                case "spec.nodeName" -> "localhost";
                case "spec.serviceAccountName" -> String.valueOf(pod.spec().getServiceAccountName());
                default ->
                    throw new LoopbackRewriteException(what + ": fieldRef " + field + " is not supported on loopback");
            };
        }
        if (source.getSecretKeyRef() != null) {
            Secret secret =
                    network.rendered(Secret.class, source.getSecretKeyRef().getName(), what);
            String value =
                    MountedFiles.data(secret).get(source.getSecretKeyRef().getKey());
            if (value == null) {
                throw new LoopbackRewriteException(
                        what + ": Secret " + secret.getMetadata().getName() + " has no key "
                                + source.getSecretKeyRef().getKey());
            }
            return value;
        }
        if (source.getConfigMapKeyRef() != null) {
            ConfigMap map = network.rendered(
                    ConfigMap.class, source.getConfigMapKeyRef().getName(), what);
            String value = map.getData() == null
                    ? null
                    : map.getData().get(source.getConfigMapKeyRef().getKey());
            if (value == null) {
                throw new LoopbackRewriteException(
                        what + ": ConfigMap " + map.getMetadata().getName() + " has no key "
                                + source.getConfigMapKeyRef().getKey());
            }
            return value;
        }
        throw new LoopbackRewriteException(what + ": valueFrom " + source + " is not supported on loopback");
    }

    /**
     * The kubelet's expansion of {@code $(VAR)} in args and env values: defined variables are
     * replaced, undefined references are left as they are, {@code $$} is a literal {@code $}.
     */
    static String expand(String text, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '(') {
                int close = text.indexOf(')', i + 2);
                if (close < 0) {
                    out.append(text.substring(i));
                    break;
                }
                String name = text.substring(i + 2, close);
                out.append(env.containsKey(name) ? env.get(name) : text.substring(i, close + 1));
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
