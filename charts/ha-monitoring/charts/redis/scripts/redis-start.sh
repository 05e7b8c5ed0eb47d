#!/bin/sh
# Redis container entrypoint: writes redis.conf into the writable config volume (the root
# filesystem is read-only) and starts as master or as a replica of the master the sentinels
# report. A pod that restarts after a failover therefore rejoins as a replica instead of coming
# back as a second master.
set -eu
. "$(dirname "$0")/common.sh"

master=$(current_master)

# A master that restarts before the sentinels notice (crash, OOM kill) would come back empty or
# stale, and its replicas would then drop their good copy to resync from it. Stay down until the
# sentinels promote one of those replicas and follow it; start as master only if none is.
# The wait covers one election nobody won: Sentinel starts the next 2 x failover-timeout later.
if [ "$master" = "$SELF_HOST" ] && [ "$(healthy_replicas)" -gt 0 ]; then
  log "sentinels still see this pod as master and have healthy replicas: waiting for a failover"
  waited=0
  limit=$(((SENTINEL_DOWN_AFTER_MS + 2 * SENTINEL_FAILOVER_TIMEOUT_MS) / 1000 + 10))
  while [ "$master" = "$SELF_HOST" ] && [ "$waited" -lt "$limit" ]; do
    sleep 1
    waited=$((waited + 1))
    master=$(find_master)
    [ -n "$master" ] || master=$SELF_HOST
  done
fi

conf="$REDIS_CONF_DIR/redis.conf"

{
  echo "port $REDIS_PORT"
  echo "bind $REDIS_BIND"
  # The NetworkPolicies and the optional password guard access, not the loopback rule.
  echo "protected-mode no"
  echo "dir $REDIS_DATA_DIR"
  # Replicas are known to the sentinels and to each other by DNS name, which survives restarts.
  echo "replica-announce-ip $SELF_HOST"
  echo "replica-announce-port $REDIS_PORT"
  # A replica keeps answering reads while it resyncs; HAProxy sends traffic only to the master.
  echo "replica-serve-stale-data yes"
  echo "repl-diskless-sync yes"
  if [ "${REDIS_PERSISTENCE:-no}" = yes ]; then
    echo "save 3600 1 300 100 60 10000"
  else
    echo 'save ""'
  fi
  echo "appendonly no"
  # A cache: evict old keys rather than fail writes or be OOM-killed. Three quarters of the
  # container limit leaves room for replication buffers and the fork of a background save.
  if [ -n "${REDIS_MEMORY_LIMIT:-}" ] && [ "$REDIS_MEMORY_LIMIT" -gt 0 ] 2>/dev/null; then
    echo "maxmemory $((REDIS_MEMORY_LIMIT * 3 / 4))"
    echo "maxmemory-policy allkeys-lru"
  fi
  if [ -n "${REDIS_PASSWORD:-}" ]; then
    echo "requirepass $(conf_quote "$REDIS_PASSWORD")"
    # Replicas authenticate to the master with the same password.
    echo "masterauth $(conf_quote "$REDIS_PASSWORD")"
  fi
  if [ "$master" != "$SELF_HOST" ]; then
    echo "replicaof $master $REDIS_PORT"
  fi
} > "$conf"

if [ "$master" = "$SELF_HOST" ]; then
  log "starting $SELF_HOST as master"
else
  log "starting $SELF_HOST as replica of $master"
fi
exec redis-server "$conf"
