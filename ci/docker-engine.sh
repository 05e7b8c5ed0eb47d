#!/usr/bin/env bash
# Starts a Docker engine for the real-pod test layer when none answers, and
# stops the one it started.
#
#   ci/docker-engine.sh start   install docker.io (Debian) if missing, start
#                               dockerd in the background, wait until it answers
#   ci/docker-engine.sh stop    stop the dockerd this script started
#
# A machine with a running engine (Docker Desktop, a system service) is left
# alone: start only checks it answers. Needs root to install and start one.
set -euo pipefail
pidfile="${HA_MONITORING_CACHE:-$HOME/.cache/ha-monitoring}/dockerd.pid"
log="${HA_MONITORING_CACHE:-$HOME/.cache/ha-monitoring}/dockerd.log"

answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

case "${1:-}" in
  start)
    if answers; then echo "docker engine $(docker version --format '{{.Server.Version}}') already running"; exit 0; fi
    if ! command -v dockerd >/dev/null 2>&1; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
    fi
    mkdir -p "$(dirname "$pidfile")"
    nohup dockerd >"$log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 60); do
      answers && { echo "docker engine $(docker version --format '{{.Server.Version}}') started (log: $log)"; exit 0; }
      sleep 1
    done
    echo "docker-engine: dockerd did not answer within 60 s; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
    ;;
  stop)
    [[ -f "$pidfile" ]] || exit 0
    pid="$(cat "$pidfile")"
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    fi
    rm -f "$pidfile"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
