package dev.hamonitoring.pods;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A client writing to Redis from inside a pod, one new connection and one {@code RPUSH key i} every
 * 100 ms (as Grafana reconnects after a lost connection), for a fixed time. Each write is logged
 * with when it started and Redis' answer: a list length acknowledges it.
 */
final class RedisWriter {

    private final KubernetesClient client;
    private final String pod;
    private final String container;
    private final String host;
    private final String key;
    private final String password;

    private RedisWriter(
            KubernetesClient client, String pod, String container, String host, String key, String password) {
        this.client = client;
        this.pod = pod;
        this.container = container;
        this.host = host;
        this.key = key;
        this.password = password;
    }

    /** Writes from this pod's container to {@code host:6379}, under {@code key}. */
    static RedisWriter from(
            KubernetesClient client, String pod, String container, String host, String key, String password) {
        return new RedisWriter(client, pod, container, host, key, password);
    }

    /** The log of one run: every write's start (epoch ms), index and whether Redis acknowledged it. */
    record Writes(List<Long> startedAt, List<Integer> acknowledged, List<Long> acknowledgedAt, long endedAt) {

        /** The longest time without an acknowledged write, the end of the run included. */
        long largestGapMillis() {
            long gap = 0;
            long previous = startedAt.isEmpty() ? endedAt : startedAt.get(0);
            for (long at : acknowledgedAt) {
                gap = Math.max(gap, at - previous);
                previous = at;
            }
            return Math.max(gap, endedAt - previous);
        }

        /** Acknowledged writes missing from what Redis holds now. */
        Set<Integer> lost(Set<Integer> held) {
            Set<Integer> lost = new TreeSet<>(acknowledged);
            lost.removeAll(held);
            return lost;
        }

        /** When write {@code i} was sent. */
        long sentAt(int i) {
            return startedAt.get(i);
        }
    }

    /** Writes for this long and returns the log. */
    Writes run(Duration duration) {
        String cli = cliCommand();
        String script = "end=$(( $(date +%s) + " + duration.toSeconds() + " )); i=0; "
                + "while [ $(date +%s) -lt $end ]; do at=$(date +%s%3N); "
                + "r=$(" + cli + " RPUSH " + key + " $i 2>&1 | tr '\\n' ' '); echo \"$at $i $r\"; "
                + "i=$((i + 1)); sleep 0.1; done; echo \"end $(date +%s%3N)\"";
        PodExec.Result result = PodExec.run(
                client,
                RealPodsProfile.NAMESPACE,
                pod,
                container,
                List.of("sh", "-c", script),
                duration.plusMinutes(1));
        List<Long> started = new ArrayList<>();
        List<Integer> acknowledged = new ArrayList<>();
        List<Long> acknowledgedAt = new ArrayList<>();
        long ended = 0;
        for (String line : result.stdout().split("\n")) {
            String[] fields = line.strip().split("\\s+", 3);
            if (fields.length >= 2 && fields[0].equals("end")) {
                ended = Long.parseLong(fields[1]);
            } else if (fields.length >= 2) {
                long at = Long.parseLong(fields[0]);
                started.add(at);
                if (fields.length == 3 && fields[2].strip().matches("\\d+")) {
                    acknowledged.add(Integer.parseInt(fields[1]));
                    acknowledgedAt.add(at);
                }
            }
        }
        if (ended == 0) {
            throw new IllegalStateException("the writer in " + pod + " did not finish: " + result);
        }
        return new Writes(started, acknowledged, acknowledgedAt, ended);
    }

    /** The indexes the list holds now, read through the same address. */
    Set<Integer> held() {
        PodExec.Result result = cli("LRANGE " + key + " 0 -1");
        if (result.exitCode() != 0) {
            throw new IllegalStateException("cannot read " + key + " through " + host + ": " + result);
        }
        Set<Integer> held = new TreeSet<>();
        for (String line : result.stdout().split("\n")) {
            if (line.strip().matches("\\d+")) {
                held.add(Integer.parseInt(line.strip()));
            }
        }
        return held;
    }

    /** How many entries the list has now (0 when Redis does not answer). */
    int length() {
        String out = cli("LLEN " + key).stdout().strip();
        return out.matches("\\d+") ? Integer.parseInt(out) : 0;
    }

    /** The redis-cli invocation every write and read uses: the password from env, two seconds at most. */
    private String cliCommand() {
        return "REDISCLI_AUTH='" + password + "' timeout 2 redis-cli --no-auth-warning -h " + host + " -p 6379";
    }

    private PodExec.Result cli(String arguments) {
        return PodExec.run(
                client,
                RealPodsProfile.NAMESPACE,
                pod,
                container,
                List.of("sh", "-c", cliCommand() + " " + arguments),
                Duration.ofSeconds(30));
    }
}
