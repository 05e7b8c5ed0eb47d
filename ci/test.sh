#!/usr/bin/env bash
# The test command of the README: every layer that can run on this machine.
# Extra arguments go to Maven (for example -Dsnapshots.update=true).
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./mvnw -B -ntp verify "$@"
