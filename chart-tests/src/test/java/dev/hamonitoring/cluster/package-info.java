/**
 * Proof layer 3, "Cluster": the chart installed with helm-java into a real, container-less
 * Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler built
 * from source by {@code ci/build-binaries.sh}, KWOK for the nodes).
 *
 * <ul>
 *   <li>{@link dev.hamonitoring.cluster.ControlPlane}: starts one with {@code kwokctl --runtime=binary}
 *       (own KWOK_WORKDIR, unique name, everything on 127.0.0.1), exposes a fabric8 client and
 *       the kubeconfig, stops every process on close (shutdown hook as backstop; leftovers of a
 *       killed JVM are stopped by the next start).</li>
 *   <li>{@link dev.hamonitoring.cluster.Topology} / {@link dev.hamonitoring.cluster.Nodes}: fake
 *       nodes (zones × nodes, optionally the prod pool's label and taint) and
 *       {@link dev.hamonitoring.cluster.LocalVolumes} (local PersistentVolumes per node, sized from
 *       the rendered StatefulSets) for the chart's {@code provider: local} StorageClasses.</li>
 *   <li>{@link dev.hamonitoring.cluster.HelmRelease}, {@link dev.hamonitoring.cluster.ReleaseNamespace},
 *       {@link dev.hamonitoring.cluster.ReleaseWorkloads}: install/upgrade/uninstall, the
 *       PodSecurity-restricted namespace with the overlay's Secrets, and what the release runs.</li>
 *   <li>{@link dev.hamonitoring.cluster.Eviction}, {@link dev.hamonitoring.cluster.NodeDrain},
 *       {@link dev.hamonitoring.cluster.ReadinessSampler}: disruptions as kubectl does them, and
 *       Ready counts sampled while they happen.</li>
 * </ul>
 *
 * <h2>Behaviour found while building it (Kubernetes v1.34.4, KWOK v0.8.0, fabric8 7.9.0)</h2>
 * <ul>
 *   <li><b>fabric8 retries 429 and 5xx by itself</b> (up to 10 times, exponential backoff from 1 s):
 *       eight evictions refused by PodDisruptionBudgets took about 150 s to come back and were still
 *       reported as refusals. The harness client sets {@code requestRetryBackoffLimit=0};
 *       {@link dev.hamonitoring.cluster.Eviction} reads the status code itself.</li>
 *   <li><b>Stopped components become zombies</b>: kwokctl exits after starting them, so they are
 *       re-parented to PID 1, which in a container may reap them late. {@code ProcessHandle.isAlive()}
 *       says a zombie is alive; {@link dev.hamonitoring.cluster.ControlPlane#running(long)} reads
 *       {@code /proc/<pid>/stat} instead.</li>
 *   <li><b>Deleted nodes</b>: nothing happens to their pods until the pod garbage collector's
 *       orphan pass (40 s quarantine, 20 s period): 40–80 s after the Node objects are deleted the
 *       pods are gone and the controllers replace them. The node lifecycle controller does nothing
 *       for a deleted node. The harness forces nothing in the zone-loss test.</li>
 *   <li><b>Local volumes pin StatefulSet pods</b>: an evicted or killed StatefulSet pod comes back
 *       on its volume's node only; while that node is cordoned or gone the pod stays Pending
 *       ("didn't match PersistentVolume's node affinity"), and its budget stays spent.</li>
 *   <li><b>A Deployment whose new pods cannot be placed</b> (dev → prod on one node, hard
 *       anti-affinity) scales its old ReplicaSet up to the new replica count: the rollout stalls,
 *       the service keeps running old pods.</li>
 *   <li>KWOK makes a bound pod Running/Ready immediately and finishes deleted pods at once, so
 *       replacements are Ready in well under a second: to see a budget refuse an eviction, keep
 *       the replacements Pending (cordon).</li>
 * </ul>
 */
package dev.hamonitoring.cluster;
