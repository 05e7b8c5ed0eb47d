# Shared by the Redis pod scripts; sourced, not run. POSIX sh: the redis image has no bash
# guarantee. Environment (set by the StatefulSet):
#   POD_NAME              this pod, "<statefulset>-<ordinal>"
#   REDIS_STATEFULSET     StatefulSet name; pods are "<statefulset>-0" .. "-(REDIS_NODES-1)"
#   REDIS_POD_DOMAIN      "<headless service>.<namespace>.svc.<cluster domain>"
#   REDIS_NODES           number of pods (each runs one Redis and one Sentinel)
#   SENTINEL_MASTER_NAME  master group name the sentinels watch
#   SENTINEL_QUORUM, SENTINEL_DOWN_AFTER_MS, SENTINEL_FAILOVER_TIMEOUT_MS  from redis.sentinel.*
#   REDIS_PASSWORD        optional; REDISCLI_AUTH carries the same value for redis-cli
# Ports and directories only change for tests outside Kubernetes.

: "${REDIS_PORT:=6379}"
: "${SENTINEL_PORT:=26379}"
: "${REDIS_CONF_DIR:=/conf}"
: "${REDIS_DATA_DIR:=/data}"
# All IPv4 addresses, plus IPv6 where the pod has it ("-" makes that part optional).
: "${REDIS_BIND:=* -::*}"

# Peers find each other by stable pod DNS names, never by pod IPs, which change on restart.
SELF_HOST="$POD_NAME.$REDIS_POD_DOMAIN"

# The config files hold the password: keep them private to the container user.
umask 077

log() {
  echo "$(date -u '+%Y-%m-%dT%H:%M:%SZ') $*" >&2
}

# DNS name of the pod with ordinal $1.
pod_host() {
  echo "$REDIS_STATEFULSET-$1.$REDIS_POD_DOMAIN"
}

# A value quoted for redis.conf / sentinel.conf, so passwords with spaces or quotes survive.
conf_quote() {
  printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"
}

# The master host the sentinel at $1 reports; empty when it is unreachable or knows none.
ask_sentinel() {
  answer=$(timeout 3 redis-cli -h "$1" -p "$SENTINEL_PORT" --raw \
    SENTINEL get-master-addr-by-name "$SENTINEL_MASTER_NAME" 2>/dev/null | head -n 1) || answer=""
  # Error replies ("NOAUTH ...", "ERR ...") contain spaces; a host name never does.
  case "$answer" in
    "" | *" "*) ;;
    *) echo "$answer" ;;
  esac
}

# The master most sentinels of the other pods agree on. This pod's own sentinel is asked last,
# and only when no peer answers: after a pod restart it may still hold a fallback guess.
find_master() {
  answers=""
  i=0
  while [ "$i" -lt "$REDIS_NODES" ]; do
    host=$(pod_host "$i")
    if [ "$host" != "$SELF_HOST" ]; then
      answer=$(ask_sentinel "$host")
      [ -n "$answer" ] && answers="$answers$answer
"
    fi
    i=$((i + 1))
  done
  if [ -z "$answers" ]; then
    answers=$(ask_sentinel "$SELF_HOST")
  fi
  printf '%s\n' "$answers" | sed '/^$/d' | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }'
}

# How many replicas the sentinels currently see as healthy (asks the first peer that answers).
healthy_replicas() {
  i=0
  while [ "$i" -lt "$REDIS_NODES" ]; do
    host=$(pod_host "$i")
    if [ "$host" != "$SELF_HOST" ]; then
      if list=$(timeout 3 redis-cli -h "$host" -p "$SENTINEL_PORT" --raw \
        SENTINEL replicas "$SENTINEL_MASTER_NAME" 2> /dev/null) && [ -n "$list" ]; then
        # Flattened field/value lines; a healthy replica's flags are exactly "slave".
        printf '%s\n' "$list" | awk 'prev == "flags" && $0 == "slave" { n++ } { prev = $0 } END { print n + 0 }'
        return 0
      fi
    fi
    i=$((i + 1))
  done
  echo 0
}

# A pod whose Redis says it is master, for when no sentinel answers (they all restarted):
# pod-0 after a fresh start, or a pod promoted by hand with REPLICAOF NO ONE.
running_master() {
  i=0
  while [ "$i" -lt "$REDIS_NODES" ]; do
    host=$(pod_host "$i")
    if timeout 3 redis-cli -h "$host" -p "$REDIS_PORT" info replication 2> /dev/null | grep -q '^role:master'; then
      echo "$host"
      return 0
    fi
    i=$((i + 1))
  done
}

# The master to follow at start: what the sentinels say, else a running master, else pod-0
# (fresh install, or every pod restarted at once and the previous topology is unknown).
current_master() {
  master=$(find_master)
  if [ -n "$master" ]; then
    log "sentinels report master $master"
  else
    master=$(running_master)
    if [ -n "$master" ]; then
      log "no sentinel knows a master; $master says it is one"
    else
      master=$(pod_host 0)
      log "no sentinel knows a master yet: assuming $master"
    fi
  fi
  echo "$master"
}
