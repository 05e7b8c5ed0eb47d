package dev.hamonitoring.binaries;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One container of a rendered pod, as a process on this machine: the binary that stands in for
 * the container's image, the container's rendered arguments after the loopback rewrite, the
 * container's environment (with {@code fieldRef}s resolved for this pod), and where its rendered
 * readiness probe answers.
 *
 * @param pod           the pod name ({@code monitoring-prometheus-0})
 * @param container     the container name ({@code thanos-sidecar})
 * @param program       {@code prometheus}, {@code alertmanager}, {@code thanos sidecar}...
 * @param binaryName    the executable standing in for the image ({@code thanos}), found by {@link Binaries#path}
 * @param renderedArgs  the container's args as rendered (after any deliberate mutation)
 * @param args          the args the process gets
 * @param environment   the complete environment of the process (nothing is inherited)
 * @param workingDirectory where it runs (the pod's directory)
 * @param readiness     the rendered readinessProbe's URL on loopback, if the container has one
 * @param rewrites      every change from what was rendered, flags and files
 */
public record RenderedProcess(
        String pod,
        String container,
        String program,
        String binaryName,
        List<String> renderedArgs,
        List<String> args,
        Map<String, String> environment,
        Path workingDirectory,
        Optional<URI> readiness,
        List<Rewrite> rewrites) {

    /** {@code <pod>/<container>}. */
    public String name() {
        return pod + "/" + container;
    }

    /**
     * The executable.
     *
     * @throws IllegalStateException naming ci/build-binaries.sh when it is not built
     */
    public Path binary() {
        return Binaries.path(binaryName);
    }

    /** The command line: binary then args. */
    public List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(args);
        return List.copyOf(command);
    }

    /** The rewrites of one kind. */
    public List<Rewrite> rewrites(Rewrite.Kind kind) {
        return rewrites.stream().filter(r -> r.kind() == kind).toList();
    }

    /** The value of the first {@code --name=value} arg the process gets. */
    public Optional<String> flag(String name) {
        return args.stream()
                .filter(a -> a.startsWith(name + "="))
                .map(a -> a.substring(name.length() + 1))
                .findFirst();
    }
}
