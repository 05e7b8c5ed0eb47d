package dev.hamonitoring.analysis.topology;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamonitoring.analysis.model.Configs;
import dev.hamonitoring.analysis.model.Role;
import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.model.Workload;
import io.fabric8.kubernetes.api.model.Container;

/**
 * How many running pods a workload needs to keep serving, and why.
 *
 * @param running pods that must keep running
 * @param why the reason, for the report
 */
public record ComponentNeeds(int running, String why) {

    public static ComponentNeeds of(StackModel stack, Workload w) {
        int replicas = w.replicas();
        if (replicas == 0) {
            return new ComponentNeeds(0, "no replicas");
        }
        Role role = w.role();
        switch (role) {
            case ALERTMANAGER -> {
                return replicas == 1
                        ? new ComponentNeeds(1, "a single Alertmanager")
                        : new ComponentNeeds(
                                2, "a surviving Alertmanager needs a peer to deduplicate and fail over with");
            }
            case THANOS_COMPACTOR -> {
                return new ComponentNeeds(
                        0, "not required for serving: compaction, downsampling and retention wait until it is back");
            }
            case KUBE_STATE_METRICS -> {
                return new ComponentNeeds(
                        0,
                        "a singleton by design (a second replica would duplicate every kube_* series): the cluster"
                                + " rules see no object changes until the Deployment controller replaces the pod");
            }
            case REDIS, REDIS_SENTINEL -> {
                if (w.has(Role.REDIS_SENTINEL)) {
                    int quorum = sentinelQuorum(w);
                    int majority = replicas / 2 + 1;
                    int need = Math.min(replicas, Math.max(quorum, majority));
                    return new ComponentNeeds(
                            need,
                            "Sentinel failover needs quorum " + quorum + " and a majority (" + majority + " of "
                                    + replicas + ") of sentinels");
                }
                return new ComponentNeeds(1, "one Redis");
            }
            case LOKI_WRITE -> {
                int rf = lokiReplicationFactor(stack, w);
                int need = Math.min(replicas, rf / 2 + 1);
                return new ComponentNeeds(
                        need,
                        "a push needs " + (rf / 2 + 1) + " of its " + rf + " ingester replicas (replication factor "
                                + rf + ")");
            }
            case POSTGRESQL -> {
                return new ComponentNeeds(1, "a surviving instance can be promoted to primary");
            }
            default -> {
                return new ComponentNeeds(1, "any one replica serves");
            }
        }
    }

    private static int sentinelQuorum(Workload w) {
        for (Container c : w.containers()) {
            String quorum = StackModel.env(c, "SENTINEL_QUORUM");
            if (quorum != null) {
                try {
                    return Integer.parseInt(quorum.strip());
                } catch (NumberFormatException e) {
                    // fall through to the default
                }
            }
        }
        return w.replicas() / 2 + 1;
    }

    private static int lokiReplicationFactor(StackModel stack, Workload w) {
        Container c = w.container(Role.LOKI_WRITE).orElse(null);
        if (c == null) {
            return 3;
        }
        JsonNode config = Configs.loki(stack, w, c).orElse(null);
        if (config == null) {
            return 3;
        }
        JsonNode rf = config.path("ingester").path("lifecycler").path("ring").path("replication_factor");
        if (!rf.isNumber()) {
            rf = config.path("common").path("replication_factor");
        }
        return rf.isNumber() ? rf.asInt() : 3;
    }
}
