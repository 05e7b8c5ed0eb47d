package dev.hamonitoring.analysis.network;

import dev.hamonitoring.analysis.model.Workload;

/**
 * A peer outside the release that a workload talks to (or that talks to it), declared rather than
 * derived: its address is not in the render. Policy rules to such peers are listed, not judged.
 *
 * @param workload the release's side
 * @param kind what the peer is
 * @param why what makes the workload need it
 */
public record ExternalNeed(Workload workload, Kind kind, String why) {

    /** External peers the stack is known to need. */
    public enum Kind {
        DNS("cluster DNS"),
        OBJECT_STORAGE("object storage"),
        KUBE_API("Kubernetes API server"),
        NOTIFICATIONS("notification targets (webhooks, chat, mail)"),
        CLUSTER_SCRAPE("cluster-wide scraping (nodes, kubelets, annotated pods of any namespace)"),
        OPERATOR("CloudNativePG operator"),
        USERS("users / ingress controller"),
        LOG_AGENTS("log agents pushing logs");

        private final String title;

        Kind(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }
}
