{{/*
Redis + Sentinel behind HAProxy. Grafana cannot speak Sentinel, so it gets one address (the
HAProxy Service "<release>-redis") that always leads to the current master.
*/}}

{{/* Name of the master group the sentinels watch; only the scripts and the README use it. */}}
{{- define "redis.masterName" -}}
mymaster
{{- end -}}

{{/* Cluster DNS suffix of the Redis pods, "<headless>.<ns>.svc.<domain>": {{ include "redis.podDomain" $ }} */}}
{{- define "redis.podDomain" -}}
{{- include "common.names.serviceHost" (dict "service" (include "common.names.headless" (dict "component" "redis" "context" .)) "context" .) -}}
{{- end -}}

{{/*
Render-time guards: sentinel failover needs a majority of sentinels to agree, so fewer than three
pods or a quorum outside (replicas/2, replicas] would leave a failover that never happens.
{{ include "redis.validate" $ }}
*/}}
{{- define "redis.validate" -}}
{{- $replicas := int .Values.replicas -}}
{{- $quorum := int .Values.sentinel.quorum -}}
{{- if lt $replicas 3 -}}
{{- fail (printf "redis.replicas=%d: Redis Sentinel needs at least 3 pods (each runs one sentinel) to elect a new master when one is lost; set redis.replicas to 3 or more, or drop Redis: redis.enabled=false with grafana.remoteCache.type=database and grafana.live.haEngine=none." $replicas) -}}
{{- end -}}
{{- if gt $quorum $replicas -}}
{{- fail (printf "redis.sentinel.quorum=%d is larger than redis.replicas=%d: the sentinels could never agree that the master is down; set redis.sentinel.quorum to at most %d." $quorum $replicas $replicas) -}}
{{- end -}}
{{- if le (mul $quorum 2) $replicas -}}
{{- fail (printf "redis.sentinel.quorum=%d is not a majority of redis.replicas=%d: a minority of sentinels could declare the master down; set redis.sentinel.quorum to at least %d." $quorum $replicas (add (div $replicas 2) 1)) -}}
{{- end -}}
{{- if lt (int .Values.haproxy.replicas) 1 -}}
{{- fail (printf "redis.haproxy.replicas=%d: Grafana reaches Redis only through HAProxy; set redis.haproxy.replicas to 1 or more (2 for HA)." (int .Values.haproxy.replicas)) -}}
{{- end -}}
{{- end -}}

{{/* Password env, empty without global.redis.auth.existingSecret: {{ include "redis.passwordEnv" (dict "name" "REDIS_PASSWORD" "context" $) | nindent 12 }} */}}
{{- define "redis.passwordEnv" -}}
{{- with .context.Values.global.redis.auth }}
{{- if .existingSecret }}
- name: {{ $.name }}
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .passwordKey }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Environment the scripts of both Redis pod containers read: {{ include "redis.scriptEnv" $ | nindent 12 }} */}}
{{- define "redis.scriptEnv" -}}
{{ include "common.env.podIdentity" . }}
- name: REDIS_STATEFULSET
  value: {{ include "common.names.statefulset" (dict "component" "redis" "persistence" .Values.persistence "context" .) | quote }}
- name: REDIS_POD_DOMAIN
  value: {{ include "redis.podDomain" . | quote }}
- name: REDIS_NODES
  value: {{ .Values.replicas | quote }}
- name: SENTINEL_MASTER_NAME
  value: {{ include "redis.masterName" . | quote }}
- name: SENTINEL_QUORUM
  value: {{ .Values.sentinel.quorum | quote }}
- name: SENTINEL_DOWN_AFTER_MS
  value: {{ .Values.sentinel.downAfterMilliseconds | quote }}
- name: SENTINEL_FAILOVER_TIMEOUT_MS
  value: {{ .Values.sentinel.failoverTimeout | quote }}
{{- include "redis.passwordEnv" (dict "name" "REDIS_PASSWORD" "context" .) }}
{{- /* redis-cli (probes, scripts) authenticates from REDISCLI_AUTH without a password on its command line. */}}
{{- include "redis.passwordEnv" (dict "name" "REDISCLI_AUTH" "context" .) }}
{{- end -}}

{{/* Scripts of the Redis pods (ConfigMap data): {{ include "redis.scripts" $ }} */}}
{{- define "redis.scripts" -}}
{{- range $path, $_ := .Files.Glob "scripts/*.sh" }}
{{ base $path }}: |
  {{- $.Files.Get $path | nindent 2 }}
{{- end }}
{{- end -}}

{{/* haproxy.cfg: {{ include "redis.haproxyConfig" $ }} */}}
{{- define "redis.haproxyConfig" -}}
{{- $ctx := dict "component" "redis" "context" . -}}
{{- $statefulset := include "common.names.statefulset" (dict "component" "redis" "persistence" .Values.persistence "context" .) -}}
{{- $domain := include "redis.podDomain" . -}}
global
  log stdout format raw local0
  maxconn 4096

defaults
  mode tcp
  log global
  option dontlognull
  # Short, because a deleted pod's IP stays silent instead of refusing; the connection is then
  # retried on another server (see redispatch below).
  timeout connect 1s
  # Grafana keeps pooled and Live PUB/SUB connections open for long idle stretches.
  timeout client 12h
  timeout server 12h
  timeout check 2s
  option tcpka
  # A connection refused by a server that just stopped is retried on the current master.
  retries 2
  option redispatch 1

# Kubernetes DNS, re-read every second: a Redis pod that restarts gets a new IP under the same name.
resolvers kubernetes
  parse-resolv-conf
  resolve_retries 3
  timeout resolve 1s
  timeout retry 1s
  hold valid 5s
  hold nx 5s
  hold obsolete 5s

frontend metrics
  mode http
  bind :8404
  # Probes and scrapes would flood the log.
  http-request set-log-level silent
  monitor-uri /healthz
  # Readiness: ready only while a Redis master is in service (liveness stays on /healthz).
  http-request return status 503 content-type text/plain string "no redis master" if { path /ready } { nbsrv(redis-master) lt 1 }
  http-request return status 200 content-type text/plain string "ready" if { path /ready }
  http-request use-service prometheus-exporter if { path /metrics }

frontend redis
  bind :6379
  option tcplog
  default_backend redis-master

# Only the server that answers role:master passes the check, so every connection lands on the master.
backend redis-master
  balance roundrobin
  option tcp-check
  tcp-check connect
  {{- if .Values.global.redis.auth.existingSecret }}
  # RESP array form, so any byte of the password (spaces, quotes) reaches Redis unchanged.
  # Unquoted on purpose: inside double quotes HAProxy would read "$4" as a variable.
  tcp-check send-lf *2\r\n$4\r\nAUTH\r\n$%[env(REDIS_PASSWORD),length]\r\n%[env(REDIS_PASSWORD)]\r\n
  tcp-check expect string +OK
  {{- end }}
  tcp-check send PING\r\n
  tcp-check expect string +PONG
  # QUIT right behind INFO makes a replica close the connection after its answer, so the check
  # fails at once instead of waiting for "role:master" until the check timeout.
  tcp-check send info\ replication\r\nQUIT\r\n
  tcp-check expect string role:master
  # init-addr none: pods that do not exist yet start in maintenance instead of failing startup.
  # Servers that are down (replicas) are checked every 500 ms and one "role:master" answer takes
  # a new master into service. A master is dropped after two failed checks, 250 ms apart once
  # the first failed (not on one slow answer), and its sessions are cut, so clients reconnect to
  # the new master instead of writing to a replica.
  default-server check inter 1s fastinter 250ms downinter 500ms fall 2 rise 1 resolvers kubernetes resolve-prefer ipv4 init-addr none on-marked-down shutdown-sessions
  {{- range $ordinal := until (int .Values.replicas) }}
  server {{ $statefulset }}-{{ $ordinal }} {{ $statefulset }}-{{ $ordinal }}.{{ $domain }}:6379
  {{- end }}
{{- end -}}
