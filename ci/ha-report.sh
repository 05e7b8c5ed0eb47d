#!/usr/bin/env bash
# HA report of an overlay of this checkout's chart (or of any chart or rendered manifest): where
# every component may run, its disruption budget, what survives the loss of any node / any zone,
# and the findings of every HA check. A thin wrapper around the runnable analyser jar:
#
#   ci/ha-report.sh                      prod on a 3x2 topology (3 zones x 2 nodes)
#   ci/ha-report.sh prod --topology 1x3  prod on one zone of three nodes
#   ci/ha-report.sh dev --topology 1x1   dev on a single node
#   ci/ha-report.sh prod -f my-values.yaml --json
#   helm template monitoring charts/ha-monitoring -f my-values.yaml | ci/ha-report.sh - -f my-values.yaml
#   ci/ha-report.sh --help               every option
#
# Exit code: 0 no findings, 1 findings, 2 usage, input or render error.
#
# Needs only a JDK 17+. The jar (ha-analyzer/target/ha-analyzer.jar, made by ./mvnw package) is
# built here only when it is missing or older than the sources it is made from.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$repo_root/ha-analyzer/target/ha-analyzer.jar"

die() { echo "ha-report: $*" >&2; exit 2; }

java_cmd="java"
[[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && java_cmd="$JAVA_HOME/bin/java"
command -v "$java_cmd" > /dev/null 2>&1 || die "no java on PATH and no JAVA_HOME: install a JDK 17 or newer"

stale() {
  [[ -f "$jar" ]] || return 0
  [[ -n "$(find "$repo_root/pom.xml" "$repo_root/ci/binaries/versions.properties" \
      "$repo_root/chart-render/pom.xml" "$repo_root/chart-render/src/main" \
      "$repo_root/ha-analyzer/pom.xml" "$repo_root/ha-analyzer/src/main" \
      -newer "$jar" -print -quit 2> /dev/null)" ]]
}

if stale; then
  echo "ha-report: building the analyser jar (first run, or its sources changed)..." >&2
  (cd "$repo_root" && ./mvnw -q -B -DskipTests package -pl ha-analyzer -am) >&2 || die "the build failed (see above)"
fi

# Helm runs in-process; a chart calling lookup must not reach the developer's cluster.
export KUBECONFIG=/dev/null
exec "$java_cmd" -Dhamonitoring.root="$repo_root" -jar "$jar" "$@"
