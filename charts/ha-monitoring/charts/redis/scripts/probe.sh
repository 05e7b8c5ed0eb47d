#!/bin/sh
# Probes of the Redis pod: probe.sh redis|sentinel live|ready.
#   live   the server process answers at all (an error reply such as LOADING, MASTERDOWN or BUSY
#          is an answer): a failover or a lost master never restarts a working process.
#   ready  it can serve: Redis answers PONG and is the master or a replica linked to its master;
#          Sentinel answers PONG and knows the master of its group.
set -u
. "$(dirname "$0")/common.sh"

case "$1" in
  redis) port=$REDIS_PORT ;;
  sentinel) port=$SENTINEL_PORT ;;
  *) echo "usage: probe.sh redis|sentinel live|ready" >&2; exit 2 ;;
esac
reply=$(redis-cli -p "$port" ping 2>&1 | tr -d '\r')
case "$2" in
  live)
    case "$reply" in
      PONG|LOADING*|MASTERDOWN*|BUSY*) exit 0 ;;
    esac
    ;;
  ready)
    [ "$reply" = PONG ] || { echo "$reply"; exit 1; }
    if [ "$1" = sentinel ]; then
      [ -n "$(redis-cli -p "$port" SENTINEL get-master-addr-by-name "$SENTINEL_MASTER_NAME" 2>/dev/null | head -n 1)" ] && exit 0
      echo "sentinel knows no master"
      exit 1
    fi
    info=$(redis-cli -p "$port" info replication 2>/dev/null | tr -d '\r')
    case "$info" in
      *role:master*|*master_link_status:up*) exit 0 ;;
    esac
    echo "replica not linked to its master"
    ;;
  *) echo "usage: probe.sh redis|sentinel live|ready" >&2; exit 2 ;;
esac
echo "$reply"
exit 1
