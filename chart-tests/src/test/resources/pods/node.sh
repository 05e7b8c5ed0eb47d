#!/usr/bin/env bash
# Entry point of a real-pod layer node container: containerd with the test
# images imported, kubelet, kube-proxy (iptables), kube-router as the
# NetworkPolicy engine only, and the route loop of the pod network.
#
# Environment: NODE_NAME, NODE_LABELS (k=v,...), NODE_TAINTS (k=v:Effect,...),
# CLUSTER_CIDR, SERVICE_CIDR, CLUSTER_DNS, SANDBOX_IMAGE. /pki is the control plane's PKI
# (read-only), /images/workloads.tar the image archive to import.
set -euo pipefail
export PATH="/opt/kubernetes/bin:/opt/kube-router/bin:$PATH"
log=/var/log/kubernetes
mkdir -p "$log" /etc/kubernetes /etc/cni/net.d /etc/containerd /var/lib/kubelet /var/local-pv

# Mounts made by kubelet (volumes) must reach the containers runc starts.
mount --make-rshared /
# kubelet and kube-proxy write sysctls; Docker mounts /proc/sys read-only.
mount -o remount,rw /proc/sys
sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1

ip="$(ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)"
network="$(ip -4 route show dev eth0 scope link | awk '{print $1; exit}')"

# Nothing may leave the machine: no resolver (an image reference that is not
# imported fails at once instead of being looked up), and no traffic from the
# node or its pods to anything but this network, the pods and the Services.
echo "# no resolver: nothing here may leave the machine" >/etc/resolv.conf
iptables -N HA-EGRESS
for allowed in 127.0.0.0/8 "$network" "$CLUSTER_CIDR" "$SERVICE_CIDR"; do
  iptables -A HA-EGRESS -d "$allowed" -j RETURN
done
iptables -A HA-EGRESS -j REJECT
iptables -I OUTPUT -j HA-EGRESS
iptables -I FORWARD -j HA-EGRESS
until [[ -s /pki/node-$NODE_NAME.kubeconfig ]]; do sleep 0.2; done
cp "/pki/node-$NODE_NAME.kubeconfig" /etc/kubernetes/kubelet.kubeconfig

# The node container's own cgroup (the host's hierarchy is mounted, cgroupns
# host): pods go below it, so each node's pods stay apart from the others'.
own_cgroup="$(awk -F: '$2=="memory"{print $3}' /proc/self/cgroup)"

cat >/etc/containerd/config.toml <<TOML
version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$SANDBOX_IMAGE"
  # No process here may lower its OOM score (CAP_SYS_RESOURCE is not granted):
  # keep the pods' scores at or above containerd's own.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "/etc/cni/net.d"
TOML
containerd >"$log/containerd.log" 2>&1 &
until ctr version >/dev/null 2>&1; do sleep 0.2; done
ctr -n k8s.io images import /images/workloads.tar >"$log/images.log" 2>&1
echo "images imported"

: >/etc/kubernetes/resolv.conf
cat >/etc/kubernetes/kubelet.yaml <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
cgroupRoot: $own_cgroup
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
clusterDomain: cluster.local
clusterDNS: [$CLUSTER_DNS]
resolvConf: /etc/kubernetes/resolv.conf
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: /pki/ca.crt}
authorization: {mode: Webhook}
registerWithTaints: []
serializeImagePulls: false
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
nodeStatusUpdateFrequency: 4s
YAML
taint_flag=()
[[ -n "${NODE_TAINTS:-}" ]] && taint_flag=(--register-with-taints="$NODE_TAINTS")
kubelet --config=/etc/kubernetes/kubelet.yaml --kubeconfig=/etc/kubernetes/kubelet.kubeconfig \
  --hostname-override="$NODE_NAME" --node-ip="$ip" --node-labels="${NODE_LABELS:-}" "${taint_flag[@]}" \
  >"$log/kubelet.log" 2>&1 &

# The pod CIDR the controller manager gave this node decides the bridge's range.
cidr=""
until [[ -n "$cidr" ]]; do
  cidr="$(kubectl --kubeconfig=/etc/kubernetes/kubelet.kubeconfig get node "$NODE_NAME" -o jsonpath='{.spec.podCIDR}' 2>/dev/null || true)"
  [[ -n "$cidr" ]] || sleep 0.5
done
cat >/etc/cni/net.d/10-pods.conflist <<JSON
{
  "cniVersion": "1.0.0",
  "name": "pods",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$cidr"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
JSON

cat >/etc/kubernetes/kube-proxy.yaml <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: /pki/kube-proxy.kubeconfig}
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $CLUSTER_CIDR
# The conntrack table is the host's: leave its size and timeouts alone.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
kube-proxy --config=/etc/kubernetes/kube-proxy.yaml >"$log/kube-proxy.log" 2>&1 &

# NetworkPolicy only: routing is the route loop's, Services are kube-proxy's.
kube-router --kubeconfig=/pki/admin-in-network.kubeconfig --hostname-override="$NODE_NAME" \
  --run-router=false --run-service-proxy=false --run-firewall=true --enable-cni=false \
  --metrics-port=0 --health-port=0 >"$log/kube-router.log" 2>&1 &

echo "node $NODE_NAME started"
# kube-proxy's identity may list nodes (a node may only read its own).
exec /opt/pods/routes.sh /pki/kube-proxy.kubeconfig
