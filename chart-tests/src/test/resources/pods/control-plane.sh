#!/usr/bin/env bash
# Entry point of the real-pod layer's control-plane container: makes the
# cluster's PKI and kubeconfigs (in /pki, shared with the node containers),
# runs etcd, kube-apiserver, kube-controller-manager and kube-scheduler, and
# keeps routes to every node's pod CIDR so replies from the API server reach
# pods (the nodes run the same route loop).
#
# Environment: NODES (node names, space separated), SERVICE_CIDR, CLUSTER_CIDR,
# API_SERVER_NAME (this container's name, a name in its serving certificate).
#
# Node loss is noticed faster than Kubernetes' defaults, so the node-loss tests
# fit a CI run: NotReady after 20 s (default 50 s), pods evicted from an
# unreachable node 30 s later (default 300 s). Nothing else changes.
set -euo pipefail
export PATH="/opt/kubernetes/bin:/opt/etcd/bin:$PATH"
pki=/pki
log=/var/log/kubernetes
mkdir -p "$pki" "$log" /var/lib/etcd

ip="$(ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)"
service_ip="$(echo "$SERVICE_CIDR" | awk -F'[./]' '{print $1"."$2"."$3"."$4+1}')"

# ------------------------------------------------------------------ PKI
ssl() { openssl "$@" 2>/dev/null; }
ssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ha-monitoring-test-ca" \
  -keyout "$pki/ca.key" -out "$pki/ca.crt"
cert() { # name subject [subjectAltName]
  ssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$pki/$1.key" -out "$pki/$1.csr"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n%s\n' \
    "${3:+subjectAltName=$3}" >"$pki/$1.ext"
  ssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
    -extfile "$pki/$1.ext" -out "$pki/$1.crt"
  rm -f "$pki/$1.csr" "$pki/$1.ext"
}
cert apiserver "/CN=kube-apiserver" \
  "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:$API_SERVER_NAME,DNS:localhost,IP:127.0.0.1,IP:$ip,IP:$service_ip"
cert admin "/O=system:masters/CN=admin"
cert kube-proxy "/CN=system:kube-proxy"
for n in $NODES; do cert "node-$n" "/O=system:nodes/CN=system:node:$n"; done
ssl genrsa -out "$pki/sa.key" 2048
ssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub"

kubeconfig() { # file user server
  local f="$pki/$1.kubeconfig"
  kubectl config --kubeconfig="$f" set-cluster test --server="$3" --certificate-authority="$pki/ca.crt" --embed-certs >/dev/null
  kubectl config --kubeconfig="$f" set-credentials user --client-certificate="$pki/$2.crt" --client-key="$pki/$2.key" --embed-certs >/dev/null
  kubectl config --kubeconfig="$f" set-context test --cluster=test --user=user >/dev/null
  kubectl config --kubeconfig="$f" use-context test >/dev/null
}
# Nodes reach the API server by address: they have no name resolver at all.
server="https://$ip:6443"
kubeconfig admin admin "https://127.0.0.1:6443"
kubeconfig admin-in-network admin "$server"
kubeconfig kube-proxy kube-proxy "$server"
for n in $NODES; do kubeconfig "node-$n" "node-$n" "$server"; done
chmod -R a+rX "$pki"

# -------------------------------------------------------- control plane
etcd --data-dir=/var/lib/etcd --listen-client-urls=http://127.0.0.1:2379 \
  --advertise-client-urls=http://127.0.0.1:2379 --listen-peer-urls=http://127.0.0.1:2380 \
  --unsafe-no-fsync >"$log/etcd.log" 2>&1 &

kube-apiserver --etcd-servers=http://127.0.0.1:2379 --bind-address=0.0.0.0 --secure-port=6443 \
  --advertise-address="$ip" --service-cluster-ip-range="$SERVICE_CIDR" \
  --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
  --client-ca-file="$pki/ca.crt" --kubelet-client-certificate="$pki/admin.crt" --kubelet-client-key="$pki/admin.key" \
  --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
  --allow-privileged=true --default-not-ready-toleration-seconds=30 --default-unreachable-toleration-seconds=30 \
  --profiling=false >"$log/kube-apiserver.log" 2>&1 &

until kubectl --kubeconfig="$pki/admin.kubeconfig" get --raw /readyz >/dev/null 2>&1; do sleep 0.5; done

kube-controller-manager --kubeconfig="$pki/admin.kubeconfig" --authentication-kubeconfig="$pki/admin.kubeconfig" \
  --authorization-kubeconfig="$pki/admin.kubeconfig" --bind-address=127.0.0.1 \
  --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" --use-service-account-credentials \
  --allocate-node-cidrs --cluster-cidr="$CLUSTER_CIDR" --node-cidr-mask-size=24 --service-cluster-ip-range="$SERVICE_CIDR" \
  --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
  --node-monitor-grace-period=20s --profiling=false >"$log/kube-controller-manager.log" 2>&1 &
kube-scheduler --kubeconfig="$pki/admin.kubeconfig" --authentication-kubeconfig="$pki/admin.kubeconfig" \
  --authorization-kubeconfig="$pki/admin.kubeconfig" --bind-address=127.0.0.1 --profiling=false \
  >"$log/kube-scheduler.log" 2>&1 &

echo "control plane ready"
exec /opt/pods/routes.sh "$pki/admin.kubeconfig"
