#!/usr/bin/env bash
# Builds the Debian root filesystems of the real-pod test layer with
# debootstrap, from Debian's package archive, into a cache keyed by recipe:
#
#   ${HA_MONITORING_CACHE:-$HOME/.cache/ha-monitoring}/rootfs/<name>/<recipe>/rootfs.tar
#   ${HA_MONITORING_CACHE:-$HOME/.cache/ha-monitoring}/rootfs/<name>/<recipe>/packages.txt
#                                            "package version" of what it installed
#
#   node       a Kubernetes node: containerd, runc, CNI plugins, iptables,
#              ipset, conntrack, iproute2, openssl (the control plane's PKI)
#   workload   what the chart's Redis, HAProxy and helm-test containers run:
#              redis-server, redis-sentinel, redis-tools, haproxy, curl
#
# The Java test layer imports each tarball into Docker as a base image and
# builds the node and workload images from it; kubelet, kube-proxy and the
# monitoring binaries come from ci/build-binaries.sh, not from Debian.
# A tarball only ever appears complete (built next to it, renamed at the end).
#
# Usage: ci/build-rootfs.sh [NAME]...        build what is missing (default: all)
#        ci/build-rootfs.sh --print-path NAME
# Needs root (debootstrap) and the debootstrap package.
set -euo pipefail

cache_root="${HA_MONITORING_CACHE:-$HOME/.cache/ha-monitoring}"
suite=bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
names=(node workload)

packages_of() {
  case "$1" in
    node) echo containerd runc containernetworking-plugins iptables ipset conntrack iproute2 openssl ca-certificates procps kmod ;;
    workload) echo redis-server redis-sentinel redis-tools haproxy curl ca-certificates ;;
    *) echo "build-rootfs: unknown root filesystem '$1' (known: ${names[*]})" >&2; exit 1 ;;
  esac
}

recipe_of() { { echo "$suite"; packages_of "$1"; declare -f configure_rootfs; } | sha256sum | cut -c1-16; }

path_of() { printf '%s/rootfs/%s/%s/rootfs.tar\n' "$cache_root" "$1" "$(recipe_of "$1")"; }

# Settings both images need: no apt caches or docs, iptables in legacy mode
# (kube-proxy and kube-router program the same tables; legacy avoids mixing
# two backends inside one node).
configure_rootfs() { # dir
  chroot "$1" update-alternatives --quiet --set iptables /usr/sbin/iptables-legacy 2>/dev/null || true
  chroot "$1" update-alternatives --quiet --set ip6tables /usr/sbin/ip6tables-legacy 2>/dev/null || true
  rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/usr/share/doc/* "$1"/usr/share/man/*
  # Services the packages would start under an init system never run here.
  rm -f "$1"/etc/systemd/system/multi-user.target.wants/*
}

build() {
  local name="$1" final tmp start
  final="$(path_of "$name")"
  if [[ -s "$final" ]]; then echo "cached rootfs $name ($final)"; return 0; fi
  command -v debootstrap >/dev/null || { echo "build-rootfs: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
  mkdir -p "$(dirname "$final")"
  tmp="$(mktemp -d "$(dirname "$final")/.tmp-XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  start=$(date +%s)
  echo "building rootfs $name: $(packages_of "$name")"
  local include
  include="$(packages_of "$name" | tr ' ' ',')"
  debootstrap --variant=minbase --include="$include" "$suite" "$tmp/root" "$mirror" >"$tmp/debootstrap.log" 2>&1 || {
    tail -n 30 "$tmp/debootstrap.log" >&2; echo "build-rootfs: debootstrap of $name failed" >&2; exit 1; }
  configure_rootfs "$tmp/root"
  # shellcheck disable=SC2046
  chroot "$tmp/root" dpkg-query -W -f '${Package} ${Version}\n' $(packages_of "$name") >"$(dirname "$final")/packages.txt"
  tar -C "$tmp/root" --numeric-owner -cf "$tmp/rootfs.tar" .
  mv -T "$tmp/rootfs.tar" "$final"
  rm -rf "$tmp"
  trap - EXIT
  echo "finished rootfs $name in $(( $(date +%s) - start )) s ($(du -h "$final" | cut -f1), $final)"
}

case "${1:-}" in
  --print-path)
    [[ $# -eq 2 ]] || { echo "usage: $0 --print-path NAME" >&2; exit 2; }
    packages_of "$2" >/dev/null
    p="$(path_of "$2")"
    [[ -s "$p" ]] || { echo "build-rootfs: $2 is not built; run ci/build-rootfs.sh" >&2; exit 1; }
    echo "$p"
    exit 0 ;;
esac
[[ $# -gt 0 ]] || set -- "${names[@]}"
for n in "$@"; do build "$n"; done
