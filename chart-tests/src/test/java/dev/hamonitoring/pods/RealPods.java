package dev.hamonitoring.pods;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;

/** What the tests read off a running pod of the release. */
final class RealPods {

    private RealPods() {}

    /** The Deployment or StatefulSet a pod belongs to (through its ReplicaSet for a Deployment). */
    static String owner(Pod pod) {
        OwnerReference owner = pod.getMetadata().getOwnerReferences().get(0);
        return "ReplicaSet".equals(owner.getKind())
                ? owner.getName().substring(0, owner.getName().lastIndexOf('-'))
                : owner.getName();
    }
}
