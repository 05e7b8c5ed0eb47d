package dev.hamonitoring.pods;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ContainerResource;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code kubectl exec}: a command in a running pod, through the API server and the pod's kubelet. */
final class PodExec {

    /** Exit code and output of one command. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + ", stdout: " + stdout.strip() + ", stderr: " + stderr.strip();
        }
    }

    private PodExec() {}

    static Result run(KubernetesClient client, String namespace, String pod, List<String> command) {
        return run(client, namespace, pod, command, Duration.ofSeconds(60));
    }

    static Result run(KubernetesClient client, String namespace, String pod, List<String> command, Duration atMost) {
        return run(client, namespace, pod, null, command, atMost);
    }

    /** In one container of the pod (null: its first). */
    static Result run(
            KubernetesClient client,
            String namespace,
            String pod,
            String container,
            List<String> command,
            Duration atMost) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PodResource inPod = client.pods().inNamespace(namespace).withName(pod);
        ContainerResource target = container == null ? inPod : inPod.inContainer(container);
        try (ExecWatch watch = target.writingOutput(out).writingError(err).exec(command.toArray(String[]::new))) {
            int code = watch.exitCode().get(atMost.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("exec " + command + " in " + namespace + "/" + pod + " failed", e);
        }
    }

    /** Whether a TCP connection from the pod to {@code host:port} is established within two seconds. */
    static boolean connects(KubernetesClient client, String namespace, String pod, String host, int port) {
        Result r = run(
                client, namespace, pod, List.of("timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port));
        return r.exitCode() == 0;
    }
}
