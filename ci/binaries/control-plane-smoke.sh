#!/usr/bin/env bash
# Starts an offline Kubernetes control plane (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler) with one KWOK fake node from the
# binaries built by ci/build-binaries.sh, checks that it really works, and
# tears it down again. It is the executable form of the recipe in
# ci/binaries/README.md.
#
# Checks: the apiserver is healthy and reports the pinned version; a fake node
# becomes Ready; the scheduler binds a pod to it and KWOK marks the pod
# Running/Ready; PodSecurity admission rejects a privileged pod in a namespace
# labelled pod-security.kubernetes.io/enforce=restricted.
#
# Needs: curl, jq. Uses no network besides 127.0.0.1.
# Usage: ci/binaries/control-plane-smoke.sh [--keep]   (--keep: leave it running)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$repo_root/ci/build-binaries.sh"
keep=0
[[ "${1:-}" == "--keep" ]] && keep=1

k8s_dir="$("$build" --print-dir kubernetes)"
etcd_dir="$("$build" --print-dir etcd)"
kwok_dir="$("$build" --print-dir kwok)"
kube_version="$(sed -n 's/^kubernetes=//p' "$repo_root/ci/binaries/versions.properties")"

work="$(mktemp -d "${TMPDIR:-/tmp}/ha-monitoring-cp.XXXXXX")"
name="smoke"
cluster_dir="$work/clusters/$name"

# kwokctl keeps every cluster under $KWOK_WORKDIR (default ~/.kwok).
export KWOK_WORKDIR="$work"
# kwokctl runs "kubectl get --raw /version" to see that the cluster serves,
# and takes the first kubectl on PATH, downloading one if there is none.
# Put the kubectl built with the control plane first.
export PATH="$k8s_dir:$PATH"

kwokctl() { "$kwok_dir/kwokctl" --config "$work/kwokctl.yaml" "$@"; }

cleanup() {
  local rc=$?
  if [[ $keep -eq 1 && $rc -eq 0 ]]; then
    echo "left running; stop with: KWOK_WORKDIR=$work $kwok_dir/kwokctl delete cluster --name $name"
    return
  fi
  [[ $rc -eq 0 ]] || { echo "FAILED; component logs:" >&2; tail -n 20 "$cluster_dir"/logs/*.log >&2 2>/dev/null || true; }
  # "kwokctl delete cluster" signals the processes and returns before they
  # have exited: wait for them before removing their data directories.
  local pids=() pid
  for pid in "$cluster_dir"/pids/*.pid; do [[ -f "$pid" ]] && pids+=("$(cat "$pid")"); done
  kwokctl delete cluster --name "$name" >/dev/null 2>&1 || true
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# All options in one KwokctlConfiguration instead of flags: bindAddress is
# only settable this way (the default 0.0.0.0 would expose etcd and the
# apiserver on every interface).
cat >"$work/kwokctl.yaml" <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  kubeVersion: $kube_version
  bindAddress: 127.0.0.1
  kubeAuthorization: true
  kubeAdmission: true
  etcdBinary: $etcd_dir/etcd
  kubeApiserverBinary: $k8s_dir/kube-apiserver
  kubeControllerManagerBinary: $k8s_dir/kube-controller-manager
  kubeSchedulerBinary: $k8s_dir/kube-scheduler
  kwokControllerBinary: $kwok_dir/kwok
  kubectlBinary: $k8s_dir/kubectl
EOF

now() { date +%s.%N; }
since() { printf '%.1f' "$(echo "$(now) - $1" | bc)"; }
t0=$(now)

# --kubeconfig "": do not add a context to ~/.kube/config.
kwokctl create cluster --name "$name" --kubeconfig "" >"$work/create.log" 2>&1 ||
  { cat "$work/create.log" >&2; exit 1; }
echo "kwokctl create cluster returned after $(since "$t0") s"

server="$(sed -n 's/^ *server: //p' "$cluster_dir/kubeconfig.yaml")"
pki="$cluster_dir/pki"
api() { # METHOD PATH [JSON-BODY]
  local args=(-sS --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" -X "$1" "$server$2")
  [[ $# -lt 3 ]] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
  curl "${args[@]}"
}
wait_for() { # DESCRIPTION TIMEOUT-SECONDS COMMAND...
  local what="$1" deadline=$(( $(date +%s) + $2 )); shift 2
  until "$@" >/dev/null 2>&1; do
    [[ $(date +%s) -lt $deadline ]] || { echo "timed out waiting for $what" >&2; return 1; }
    sleep 0.2
  done
}

apiserver_ready() { [[ "$(api GET /readyz)" == ok ]]; }
wait_for "apiserver /readyz" 120 apiserver_ready
echo "apiserver ready after $(since "$t0") s"
got_version="$(api GET /version | jq -r .gitVersion)"
[[ "$got_version" == "$kube_version" ]] || { echo "apiserver reports $got_version, expected $kube_version" >&2; exit 1; }

api POST /api/v1/nodes "$(jq -n '{
  apiVersion: "v1", kind: "Node",
  metadata: {
    name: "fake-node-1",
    annotations: {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
    labels: {"kubernetes.io/hostname": "fake-node-1", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
             "topology.kubernetes.io/zone": "zone-a", "type": "kwok"}
  },
  status: {allocatable: {cpu: "32", memory: "256Gi", pods: "110"}, capacity: {cpu: "32", memory: "256Gi", pods: "110"}}
}')" >/dev/null
node_ready() { api GET /api/v1/nodes/fake-node-1 | jq -e '.status.conditions[]? | select(.type=="Ready" and .status=="True")'; }
wait_for "node Ready" 120 node_ready
echo "apiserver healthy and 1 fake node Ready after $(since "$t0") s"

# A pod needs the namespace's "default" ServiceAccount (ServiceAccount
# admission), which the controller-manager creates shortly after the namespace.
api POST /api/v1/namespaces '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"smoke"}}' >/dev/null
default_sa() { api GET /api/v1/namespaces/smoke/serviceaccounts/default | jq -e '.kind == "ServiceAccount"'; }
wait_for "default service account" 60 default_sa
t_pod=$(now)
api POST /api/v1/namespaces/smoke/pods '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},
  "spec":{"containers":[{"name":"web","image":"registry.invalid/web:1"}]}}' >/dev/null
pod_ready() {
  api GET /api/v1/namespaces/smoke/pods/web |
    jq -e '.spec.nodeName == "fake-node-1" and .status.phase == "Running" and ([.status.conditions[]? | select(.type=="Ready" and .status=="True")] | length == 1)'
}
wait_for "pod bound and Running/Ready" 60 pod_ready
echo "pod scheduled to fake-node-1 and Running/Ready $(since "$t_pod") s after creation"

api POST /api/v1/namespaces '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"restricted",
  "labels":{"pod-security.kubernetes.io/enforce":"restricted"}}}' >/dev/null
answer="$(api POST /api/v1/namespaces/restricted/pods '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"priv"},
  "spec":{"containers":[{"name":"priv","image":"registry.invalid/priv:1","securityContext":{"privileged":true}}]}}')"
if jq -e '.kind == "Status" and .code == 403 and (.message | contains("violates PodSecurity"))' <<<"$answer" >/dev/null; then
  echo "PodSecurity rejected the privileged pod: $(jq -r .message <<<"$answer" | cut -c1-120)..."
else
  echo "PodSecurity did not reject the privileged pod: $answer" >&2
  exit 1
fi

echo "control plane smoke test passed in $(since "$t0") s"
