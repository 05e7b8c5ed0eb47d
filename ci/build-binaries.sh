#!/usr/bin/env bash
# Builds, from source at the versions pinned in ci/binaries/versions.properties,
# the binaries the integration tests run, into a cache keyed by version:
#
#   ${HA_MONITORING_CACHE:-$HOME/.cache/ha-monitoring}/bin/<name>/<version>/<binary>
#
# A version directory only ever appears complete: each component is built in
# a temporary directory next to it and renamed into place at the end, so an
# interrupted build leaves nothing that looks usable. A warm run only checks
# that the directories exist and were built with the current recipe.
#
# Usage:
#   ci/build-binaries.sh [TARGET]...    build what is missing; TARGET is a group
#                                       (all, monitoring, control-plane, nodes) or a
#                                       component name; default: all
#   ci/build-binaries.sh --print-dir NAME
#                                       print the cache directory of component
#                                       NAME; exit 1 if it is not built
#   ci/build-binaries.sh --list         print "name version" for each component
#
# Environment: HA_MONITORING_CACHE (cache root), GO (go command to use).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wrappers="$repo_root/ci/binaries"
versions_file="$wrappers/versions.properties"
cache_root="${HA_MONITORING_CACHE:-$HOME/.cache/ha-monitoring}"
bin_root="$cache_root/bin"

# Build order: the monitoring group first, then the control plane, then what
# only the real-pod layer runs (cluster add-ons and the pod sandbox).
components=(prometheus alertmanager thanos node-exporter kube-state-metrics etcd kwok kubernetes coredns kube-router pause gofakes3 alert-receiver)
group_monitoring=(prometheus alertmanager thanos node-exporter kube-state-metrics)
group_control_plane=(etcd kwok kubernetes)
group_nodes=(coredns kube-router pause gofakes3 alert-receiver)

die() { echo "build-binaries: $*" >&2; exit 1; }

version_of() {
  local v
  v="$(sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p" "$versions_file" | tail -n1)"
  [[ -n "$v" ]] || die "no version for '$1' in $versions_file"
  printf '%s\n' "$v"
}

binaries_of() {
  case "$1" in
    prometheus) echo prometheus promtool ;;
    alertmanager) echo alertmanager amtool ;;
    thanos) echo thanos ;;
    etcd) echo etcd ;;
    kwok) echo kwok kwokctl ;;
    kubernetes) echo kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy ;;
    node-exporter) echo node_exporter ;;
    kube-state-metrics) echo kube-state-metrics ;;
    coredns) echo coredns ;;
    kube-router) echo kube-router ;;
    pause) echo pause ;;
    alert-receiver) echo alert-receiver ;;
    gofakes3) echo gofakes3 ;;
    *) die "unknown component '$1' (known: ${components[*]})" ;;
  esac
}

is_component() { local c; for c in "${components[@]}"; do [[ "$c" == "$1" ]] && return 0; done; return 1; }

dir_of() { printf '%s/%s/%s\n' "$bin_root" "$1" "$(version_of "$1")"; }

# Fingerprint of how a component is built: its build function (as bash
# prints it, without comments), the shared ldflags, and its wrapper module.
# Stored in BUILD-INFO; a change (e.g. a fixed build flag) makes the next run
# rebuild that component even though its version did not change.
recipe_of() {
  {
    declare -f "build_$1" prom_ldflags go_bin
    binaries_of "$1"
    if [[ -d "$wrappers/$1" ]]; then cat "$wrappers/$1/go.mod" "$wrappers/$1/go.sum"; fi
    # A component built from the project's own source (pause, alert-receiver) also hashes it.
    if [[ -f "$wrappers/$1/main.go" ]]; then cat "$wrappers/$1/main.go"; fi
  } | sha256sum | cut -c1-16
}

# A version directory is complete when every binary of the component is there
# and it was built with the current recipe.
is_built() {
  local dir b
  dir="$(dir_of "$1")"
  for b in $(binaries_of "$1"); do [[ -x "$dir/$b" ]] || return 1; done
  grep -qx "recipe=$(recipe_of "$1")" "$dir/BUILD-INFO" 2>/dev/null
}

# ---------------------------------------------------------------- build steps
# Each build_<component> function builds into "$out" (a temporary directory).
# go_bin builds one binary and reports its time.

go_cmd() { nice -n 19 "$GO" "$@"; }

# go_bin NAME PKG DIR [extra go args...]
#  DIR "-": "go install PKG" (PKG carries @version); otherwise "go build" inside
#  the wrapper module DIR with its committed go.mod/go.sum (-mod=readonly).
go_bin() {
  local name="$1" pkg="$2" dir="$3" start secs
  shift 3
  start=$(date +%s)
  if [[ "$dir" == "-" ]]; then
    # GOBIN is absolute and empty, so the binary lands in $out under its own name.
    (cd "$out" && GOBIN="$out" go_cmd install -trimpath "$@" "$pkg") >>"$log" 2>&1 || fail "$name"
  else
    (cd "$dir" && go_cmd build -mod=readonly -trimpath -o "$out/$name" "$@" "$pkg") >>"$log" 2>&1 || fail "$name"
  fi
  [[ -x "$out/$name" ]] || fail "$name"
  secs=$(( $(date +%s) - start ))
  echo "built $name $version in $secs s"
}

fail() {
  # The temporary directory goes away on exit: keep the log next to it.
  local kept="$bin_root/$component/build-failed.log"
  cp "$log" "$kept" 2>/dev/null || kept="$log"
  echo "build-binaries: building $1 $version failed; last lines of $kept:" >&2
  tail -n 40 "$kept" >&2
  exit 1
}

# The wrapper modules must have been generated for the pinned version.
check_wrapper() { # dir module version
  grep -qE "^require $2 $3\$" "$1/go.mod" ||
    die "$1/go.mod does not require $2 $3: run ci/binaries/update-wrappers.sh and commit the result"
}

# ldflags read by github.com/prometheus/common/version (--version output and
# the build_info metric), as the upstream release tooling (promu) sets them.
prom_ldflags() { # version without v
  local p=github.com/prometheus/common/version
  echo "-s -w -X $p.Version=$1 -X $p.Revision=unknown -X $p.Branch=HEAD -X $p.BuildUser=ha-monitoring -X $p.BuildDate=19700101-00:00:00"
}

build_prometheus() {
  # Prometheus 3.x is published as Go module versions v0.<major*100+minor>.<patch>.
  # Its go.mod has exclude directives, so "go install ...@v" is refused: it is
  # built from a wrapper module like Thanos.
  local v="${version#v}" major minor patch
  IFS=. read -r major minor patch <<<"$v"
  check_wrapper "$wrappers/prometheus" github.com/prometheus/prometheus "v0.$((major * 100 + minor)).$patch"
  # No "builtinassets" tag: the compiled web UI is not part of the Go module,
  # so the binaries serve the HTTP API but not the React UI.
  local flags=(-tags netgo -ldflags "$(prom_ldflags "$v")")
  go_bin prometheus github.com/prometheus/prometheus/cmd/prometheus "$wrappers/prometheus" "${flags[@]}"
  go_bin promtool github.com/prometheus/prometheus/cmd/promtool "$wrappers/prometheus" "${flags[@]}"
}

build_alertmanager() {
  local flags=(-tags netgo -ldflags "$(prom_ldflags "${version#v}")")
  go_bin alertmanager "github.com/prometheus/alertmanager/cmd/alertmanager@$version" - "${flags[@]}"
  go_bin amtool "github.com/prometheus/alertmanager/cmd/amtool@$version" - "${flags[@]}"
}

build_thanos() {
  check_wrapper "$wrappers/thanos" github.com/thanos-io/thanos "$version"
  # slicelabels: Thanos converts Prometheus labels.Labels to its protobuf
  # label type by an unsafe cast that is only valid for the slice-based
  # implementation; Prometheus 3.x defaults to the string-based one. Without
  # the tag (as in Thanos' own release build) the sidecar crashes on the
  # first gRPC call ("makeslice: len out of range").
  go_bin thanos github.com/thanos-io/thanos/cmd/thanos "$wrappers/thanos" \
    -tags netgo,slicelabels -ldflags "$(prom_ldflags "${version#v}")"
}

build_etcd() {
  check_wrapper "$wrappers/etcd" go.etcd.io/etcd/server/v3 "$version"
  # go.etcd.io/etcd/server/v3 is itself the etcd server's main package.
  go_bin etcd go.etcd.io/etcd/server/v3 "$wrappers/etcd" -ldflags "-s -w"
}

build_kwok() {
  go_bin kwok "sigs.k8s.io/kwok/cmd/kwok@$version" - -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${version#v}"
  go_bin kwokctl "sigs.k8s.io/kwok/cmd/kwokctl@$version" - -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${version#v}"
}

build_kubernetes() {
  check_wrapper "$wrappers/kubernetes" k8s.io/kubernetes "$version"
  # Without these the binaries report v0.0.0 (in --version and GET /version),
  # which breaks kubeVersion checks of clients such as Helm and kwokctl.
  local v="${version#v}" major minor rest ld="-s -w" p
  IFS=. read -r major minor rest <<<"$v"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$version -X $p.gitMajor=$major -X $p.gitMinor=$minor"
    ld+=" -X $p.gitCommit=0000000000000000000000000000000000000000 -X $p.gitTreeState=clean"
    ld+=" -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  local b
  # kubectl: kwokctl runs it to check cluster health and finds it on PATH
  # (otherwise it would try to download one). kubelet and kube-proxy: the
  # real-pod layer's nodes, at the control plane's version.
  for b in $(binaries_of kubernetes); do
    go_bin "$b" "k8s.io/kubernetes/cmd/$b" "$wrappers/kubernetes" -ldflags "$ld"
  done
}

build_node-exporter() {
  go_bin node_exporter "github.com/prometheus/node_exporter@$version" - \
    -tags netgo -ldflags "$(prom_ldflags "${version#v}")"
}

build_kube-state-metrics() {
  # Like node_exporter it reports its version through prometheus/common.
  go_bin kube-state-metrics "k8s.io/kube-state-metrics/v2@$version" - \
    -ldflags "$(prom_ldflags "${version#v}")"
}

build_coredns() {
  # The default plugin set (kubernetes, forward, cache, ...); the real-pod
  # layer's Corefile uses only kubernetes and never forwards.
  go_bin coredns "github.com/coredns/coredns@$version" - \
    -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=${version#v}"
}

build_kube-router() {
  # Only the real-pod layer's NetworkPolicy engine, never shipped: security
  # flaws are reported for v2.1.0, none of which matters inside a test cluster
  # that nothing outside the machine can reach.
  go_bin kube-router "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$version" - \
    -ldflags "-s -w -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$version"
}

build_pause() {
  # The pod sandbox process, from the project's own source (ci/binaries/pause).
  go_bin pause . "$wrappers/pause" -ldflags "-s -w"
}

build_alert-receiver() {
  # The real-pod layer's Alertmanager webhook target, from the project's own source (ci/binaries/alert-receiver).
  go_bin alert-receiver . "$wrappers/alert-receiver" -ldflags "-s -w"
}

build_gofakes3() {
  # The real-pod layer's in-cluster S3 bucket for Thanos (test-only, never shipped).
  go_bin gofakes3 "github.com/johannesboyne/gofakes3/cmd/gofakes3@$version" - -ldflags "-s -w"
}

build_component() {
  local name="$1" final tmp lockfile start
  component="$name"
  version="$(version_of "$name")"
  final="$bin_root/$name/$version"
  if is_built "$name"; then
    echo "cached $name $version ($final)"
    return 0
  fi
  mkdir -p "$bin_root/$name"
  lockfile="$bin_root/$name/.lock"
  exec {lock_fd}>"$lockfile"
  # Another build of the same component (a parallel Maven module) may be
  # running: wait for it, then use its result.
  if ! flock -n "$lock_fd"; then
    echo "waiting for another build of $name $version"
    flock "$lock_fd"
  fi
  if is_built "$name"; then
    echo "cached $name $version ($final)"
    exec {lock_fd}>&-
    return 0
  fi
  # Leftovers of interrupted builds (we hold the lock, so none is running).
  rm -rf "$bin_root/$name"/.tmp-* "$bin_root/$name/build-failed.log"
  [[ ! -e "$final" ]] || echo "rebuilding $name $version: built with an older recipe or incomplete"
  tmp="$(mktemp -d "$bin_root/$name/.tmp-$version-XXXXXX")"
  # Remove it if the build is interrupted (the next build also would).
  current_tmp="$tmp"
  out="$tmp/out"
  log="$tmp/build.log"
  mkdir -p "$out"
  echo "building $name $version"
  start=$(date +%s)
  "build_$name"
  {
    echo "component=$name"
    echo "version=$version"
    echo "recipe=$(recipe_of "$name")"
    echo "go=$("$GO" env GOVERSION)"
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$out/BUILD-INFO"
  # An outdated directory is moved aside first; running binaries from it
  # keep working (their inodes live on until they exit).
  if [[ -e "$final" ]]; then mv -T "$final" "$tmp/old"; fi
  mv -T "$out" "$final"
  rm -rf "$tmp"
  current_tmp=
  exec {lock_fd}>&-
  local secs=$(( $(date +%s) - start ))
  total_secs=$(( total_secs + secs ))
  built_any=1
  echo "finished $name $version in $secs s (into $final)"
}

# ---------------------------------------------------------------------- main
# Everything runs inside main so bash has parsed the whole file before the
# (long) build starts.
main() {
  [[ -f "$versions_file" ]] || die "missing $versions_file"

  case "${1:-}" in
    --print-dir)
      [[ $# -eq 2 ]] || die "usage: $0 --print-dir NAME"
      is_component "$2" || die "unknown component '$2' (known: ${components[*]})"
      is_built "$2" || { echo "build-binaries: $2 $(version_of "$2") is not built (or outdated); run ci/build-binaries.sh" >&2; exit 1; }
      dir_of "$2"
      return 0
      ;;
    --list)
      for c in "${components[@]}"; do echo "$c $(version_of "$c")"; done
      return 0
      ;;
    -h|--help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      return 0
      ;;
  esac

  selected=()
  [[ $# -gt 0 ]] || set -- all
  for t in "$@"; do
    case "$t" in
      all) selected+=("${components[@]}") ;;
      monitoring) selected+=("${group_monitoring[@]}") ;;
      control-plane) selected+=("${group_control_plane[@]}") ;;
      nodes) selected+=("${group_nodes[@]}") ;;
      *) is_component "$t" || die "unknown target '$t' (groups: all monitoring control-plane nodes; components: ${components[*]})"
         selected+=("$t") ;;
    esac
  done

  # Keep the fixed build order and drop duplicates.
  todo=()
  for c in "${components[@]}"; do
    for s in "${selected[@]}"; do [[ "$s" == "$c" ]] && { todo+=("$c"); break; }; done
  done

  # Only a cold build needs Go; a warm run stops here.
  missing=0
  for c in "${todo[@]}"; do is_built "$c" || missing=1; done
  if [[ $missing -eq 0 ]]; then
    for c in "${todo[@]}"; do echo "cached $c $(version_of "$c") ($(dir_of "$c"))"; done
    return 0
  fi

  GO="${GO:-$(command -v go || true)}"
  [[ -n "$GO" ]] || { [[ -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go; } || true
  [[ -n "$GO" && -x "$GO" ]] || die "no go command found (set GO=/path/to/go)"
  # Build with exactly the installed toolchain, reproducibly, static and outside
  # any workspace or user GOFLAGS that could change module resolution.
  export GOTOOLCHAIN=local GOFLAGS='' GOWORK=off CGO_ENABLED=0
  echo "using $("$GO" version)"

  current_tmp=
  trap 'rm -rf "$current_tmp"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  total_secs=0
  built_any=0
  for c in "${todo[@]}"; do build_component "$c"; done
  [[ $built_any -eq 0 ]] || echo "total build time: $total_secs s"
}

main "$@"; exit $?
