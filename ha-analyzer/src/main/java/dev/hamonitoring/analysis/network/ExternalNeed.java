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
        DNS(false, "cluster DNS"),
        OBJECT_STORAGE(false, "object storage"),
        KUBE_API(false, "Kubernetes API server"),
        NOTIFICATIONS(false, "notification targets (webhooks, chat, mail)"),
        CLUSTER_SCRAPE(false, "cluster-wide scraping (nodes, kubelets, annotated pods of any namespace)"),
        OPERATOR(true, "CloudNativePG operator"),
        USERS(true, "users / ingress controller"),
        LOG_AGENTS(true, "log agents pushing logs");

        private final boolean ingress;
        private final String title;

        Kind(boolean ingress, String title) {
            this.ingress = ingress;
            this.title = title;
        }

        public boolean ingress() {
            return ingress;
        }

        public String title() {
            return title;
        }
    }
}
