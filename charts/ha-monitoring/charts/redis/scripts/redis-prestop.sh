#!/bin/sh
# preStop of the Redis container. When the master is being stopped (rolling update, node
# drain), ask a sentinel of another pod for a failover first: writes then pause for a second or
# two instead of down-after + failover time. Best effort and bounded: it never blocks the stop.
set -u
. "$(dirname "$0")/common.sh"

info=$(timeout 3 redis-cli -p "$REDIS_PORT" info replication 2> /dev/null | tr -d '\r') || exit 0
case "$info" in
  *role:master*) ;;
  *) exit 0 ;;
esac
replicas=$(printf '%s\n' "$info" | sed -n 's/^connected_slaves://p')
if [ "${replicas:-0}" -eq 0 ]; then
  log "master without connected replicas: nothing to hand over"
  exit 0
fi

# This pod's own sentinel is stopping too; any other one can run a manual failover alone.
asked=""
i=0
while [ "$i" -lt "$REDIS_NODES" ] && [ -z "$asked" ]; do
  host=$(pod_host "$i")
  if [ "$host" != "$SELF_HOST" ]; then
    reply=$(timeout 3 redis-cli -h "$host" -p "$SENTINEL_PORT" --raw SENTINEL FAILOVER "$SENTINEL_MASTER_NAME" 2> /dev/null)
    [ "$reply" = OK ] && asked=$host
  fi
  i=$((i + 1))
done
if [ -z "$asked" ]; then
  log "no sentinel accepted a failover; stopping anyway"
  exit 0
fi
log "failover requested through $asked"

tries=0
while [ "$tries" -lt 15 ]; do
  new=$(ask_sentinel "$asked")
  if [ -n "$new" ] && [ "$new" != "$SELF_HOST" ]; then
    # Become a replica at once rather than linger as a second master, then stay reachable while
    # HAProxy's role check (every second, two failures) takes this server out: until then its
    # clients get fast READONLY errors on writes, not the connect timeouts a vanished pod IP
    # would cause.
    timeout 3 redis-cli -p "$REDIS_PORT" REPLICAOF "$new" "$REDIS_PORT" > /dev/null 2>&1
    log "handed over to $new"
    sleep 3
    exit 0
  fi
  tries=$((tries + 1))
  sleep 1
done
log "failover did not finish in time; stopping anyway"
