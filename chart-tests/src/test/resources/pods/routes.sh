#!/usr/bin/env bash
# The pod network between the containers: every node's pods sit on a bridge
# with that node's pod CIDR, and all containers share one Docker network, so
# a route per node (pod CIDR via node address) connects them, like kindnet.
# Runs forever; a node that comes or goes is picked up within two seconds.
set -uo pipefail
kubeconfig="$1"
own="$(ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)"
template='{range .items[*]}{.spec.podCIDR}{" "}{.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}'
while true; do
  /opt/kubernetes/bin/kubectl --kubeconfig="$kubeconfig" get nodes -o jsonpath="$template" 2>/dev/null |
    while read -r cidr address; do
      [[ -n "$cidr" && -n "$address" && "$address" != "$own" ]] && ip route replace "$cidr" via "$address" 2>/dev/null
    done
  sleep 2
done
