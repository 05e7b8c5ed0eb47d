#!/usr/bin/env bash
# HA report of an overlay of the umbrella chart: where every component may run, its disruption
# budget, what survives the loss of any node / any zone, and the findings of every HA check.
#
#   ci/ha-report.sh                      prod on a 3x2 topology (3 zones x 2 nodes)
#   ci/ha-report.sh prod --topology 1x3  prod on one zone of three nodes
#   ci/ha-report.sh dev --topology 1x1   dev on a single node
#   ci/ha-report.sh prod -f my-values.yaml --json
#   ci/ha-report.sh --help               every option
#
# Exit code: 0 no findings, 1 findings, 2 usage or render error.
#
# Needs only a JDK 17+: the Maven wrapper fetches Maven and the dependencies on the first run.
# The module is (re)built only when its sources or poms changed since the last build; warm runs
# go straight to java with the classpath cached in chart-tests/target/ha-report.classpath.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module="$repo_root/chart-tests"
classes="$module/target/classes"
classpath_file="$module/target/ha-report.classpath"

die() { echo "ha-report: $*" >&2; exit 2; }

command -v java > /dev/null 2>&1 || [[ -n "${JAVA_HOME:-}" ]] || die "no java on PATH and no JAVA_HOME: install a JDK 17 or newer"
java_cmd="java"
[[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && java_cmd="$JAVA_HOME/bin/java"

needs_build() {
  [[ -f "$classpath_file" && -f "$classes/dev/hamonitoring/analysis/HaReportCommand.class" ]] || return 0
  # Sources, poms, and the values schema source (the build regenerates the chart's values.schema.json from it).
  if [[ -n "$(find "$repo_root/pom.xml" "$module/pom.xml" "$module/src/main" \
        "$repo_root/values-schema/pom.xml" "$repo_root/values-schema/src/main" \
        -newer "$classpath_file" -print -quit 2> /dev/null)" ]]; then
    return 0
  fi
  # A cleaned local repository invalidates the cached classpath.
  local entry
  IFS=':' read -r -a entries < "$classpath_file"
  for entry in "${entries[@]}"; do
    [[ -e "$entry" ]] || return 0
  done
  return 1
}

if needs_build; then
  echo "ha-report: building chart-tests (first run, or sources changed)..." >&2
  (
    cd "$repo_root"
    ./mvnw -q -B -DskipTests \
      -Dmdep.outputFile=target/ha-report.classpath -Dmdep.includeScope=runtime \
      package dependency:build-classpath -pl chart-tests -am
  ) >&2 || die "the build failed (see above)"
  # build-classpath leaves an unchanged file untouched: stamp it so the next run sees a fresh build.
  touch "$classpath_file"
fi

# Helm runs in-process; a chart calling lookup must not reach the developer's cluster.
export KUBECONFIG=/dev/null
exec "$java_cmd" -cp "$classes:$(cat "$classpath_file")" -Dhamonitoring.root="$repo_root" \
  dev.hamonitoring.analysis.HaReportCommand "$@"
