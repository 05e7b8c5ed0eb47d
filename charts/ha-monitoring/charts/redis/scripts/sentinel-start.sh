#!/bin/sh
# Sentinel container entrypoint: writes sentinel.conf into the writable config volume (Sentinel
# rewrites it at run time) and starts watching the master the other sentinels report.
set -eu
. "$(dirname "$0")/common.sh"

master=$(current_master)

# Sentinel refuses to start when the master's name does not resolve: normal while that pod is
# being created (fresh install, rescheduling). Wait for it, asking the sentinels again every
# half minute, as they may have promoted another master meanwhile.
tries=0
until getent hosts "$master" > /dev/null 2>&1; do
  sleep 2
  tries=$((tries + 1))
  if [ $((tries % 15)) -eq 0 ]; then
    log "$master does not resolve yet"
    master=$(current_master)
  fi
done

conf="$REDIS_CONF_DIR/sentinel.conf"
{
  echo "port $SENTINEL_PORT"
  echo "bind $REDIS_BIND"
  echo "protected-mode no"
  echo "dir $REDIS_CONF_DIR"
  # Pod IPs change on every restart; DNS names do not. Must precede "sentinel monitor".
  echo "sentinel resolve-hostnames yes"
  echo "sentinel announce-hostnames yes"
  echo "sentinel announce-ip $SELF_HOST"
  echo "sentinel announce-port $SENTINEL_PORT"
  echo "sentinel monitor $SENTINEL_MASTER_NAME $master $REDIS_PORT $SENTINEL_QUORUM"
  echo "sentinel down-after-milliseconds $SENTINEL_MASTER_NAME $SENTINEL_DOWN_AFTER_MS"
  echo "sentinel failover-timeout $SENTINEL_MASTER_NAME $SENTINEL_FAILOVER_TIMEOUT_MS"
  # One replica resyncs at a time, so the others keep serving during a failover.
  echo "sentinel parallel-syncs $SENTINEL_MASTER_NAME 1"
  if [ -n "${REDIS_PASSWORD:-}" ]; then
    echo "sentinel auth-pass $SENTINEL_MASTER_NAME $(conf_quote "$REDIS_PASSWORD")"
    # Sentinels also require it from clients, and use it towards each other.
    echo "requirepass $(conf_quote "$REDIS_PASSWORD")"
  fi
} > "$conf"

log "sentinel $SELF_HOST watching $master"
exec redis-server "$conf" --sentinel
