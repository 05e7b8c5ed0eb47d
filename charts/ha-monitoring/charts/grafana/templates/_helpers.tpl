{{/* Host of a sibling component's Service: {{ include "grafana.host" (dict "component" "alertmanager" "context" $) }} */}}
{{- define "grafana.host" -}}
{{- include "common.names.serviceHost" (dict "service" (include "common.names.fullname" .) "context" .context) -}}
{{- end -}}

{{/* host:port of the Redis that Grafana uses (bundled HAProxy Service unless an address is given): {{ include "grafana.redisAddress" $ }} */}}
{{- define "grafana.redisAddress" -}}
{{- default (printf "%s:6379" (include "grafana.host" (dict "component" "redis" "context" .))) .Values.remoteCache.redis.address -}}
{{- end -}}

{{/* Whether Grafana talks to Redis at all: {{ include "grafana.usesRedis" $ }} ("true" or "") */}}
{{- define "grafana.usesRedis" -}}
{{- if or (eq .Values.remoteCache.type "redis") (eq .Values.live.haEngine "redis") -}}true{{- end -}}
{{- end -}}

{{/* Secret holding the database password (CloudNativePG's application Secret for the bundled cluster): {{ include "grafana.databaseSecret" $ }} */}}
{{- define "grafana.databaseSecret" -}}
{{- default (printf "%s-app" (include "common.names.fullname" (dict "component" "postgresql" "context" .))) .Values.database.existingSecret -}}
{{- end -}}

{{/*
grafana.ini, generated from the structured values. Secrets never appear here: Grafana reads them
from GF_* environment variables filled from Secrets. ${POD_IP} is expanded by Grafana at start.
{{ include "grafana.ini" $ }}
*/}}
{{- define "grafana.ini" -}}
{{- $db := .Values.database -}}
{{- $sections := dict -}}
{{- $_ := set $sections "server" (dict "http_port" "3000") -}}
{{- with include "grafana.rootUrl" . -}}
{{- $_ := set $sections.server "root_url" . -}}
{{- end -}}
{{- $_ := set $sections "paths" (dict "data" "/var/lib/grafana" "logs" "/var/log/grafana" "plugins" "/var/lib/grafana/plugins" "provisioning" "/etc/grafana/provisioning") -}}
{{- $_ := set $sections "log" (dict "mode" "console") -}}
{{- $_ := set $sections "analytics" (dict "reporting_enabled" "false" "check_for_updates" "false" "check_for_plugin_updates" "false") -}}
{{- if eq $db.type "postgres" -}}
{{- $host := default (include "grafana.host" (dict "component" "postgresql-rw" "context" .)) $db.host -}}
{{- $_ := set $sections "database" (dict "type" "postgres" "host" (printf "%s:%v" $host $db.port) "name" .Values.global.grafanaDatabase.name "user" .Values.global.grafanaDatabase.user "ssl_mode" $db.sslMode "max_open_conn" (toString $db.maxOpenConns) "max_idle_conn" (toString $db.maxIdleConns)) -}}
{{- else -}}
{{- $_ := set $sections "database" (dict "type" "sqlite3" "path" "/var/lib/grafana/grafana.db") -}}
{{- end -}}
{{- if eq .Values.remoteCache.type "redis" -}}
{{- $_ := set $sections "remote_cache" (dict "type" "redis" "prefix" "grafana:") -}}
{{- else -}}
{{- $_ := set $sections "remote_cache" (dict "type" "database") -}}
{{- end -}}
{{- if eq .Values.live.haEngine "redis" -}}
{{- $_ := set $sections "live" (dict "ha_engine" "redis" "ha_engine_address" (include "grafana.redisAddress" .)) -}}
{{- end -}}
{{- $alerting := dict "enabled" (toString .Values.unifiedAlerting.enabled) -}}
{{- if .Values.unifiedAlerting.enabled -}}
{{- $peers := include "common.names.serviceHost" (dict "service" (include "common.names.fullname" (dict "component" "grafana-alerting" "context" .)) "context" .) -}}
{{- $_ := set $alerting "ha_peers" (printf "%s:9094" $peers) -}}
{{- $_ := set $alerting "ha_listen_address" "${POD_IP}:9094" -}}
{{- $_ := set $alerting "ha_advertise_address" "${POD_IP}:9094" -}}
{{- end -}}
{{- $_ := set $sections "unified_alerting" $alerting -}}
{{- range $name, $settings := .Values.ini -}}
{{- $_ := set $sections $name (merge (deepCopy $settings) (default dict (get $sections $name))) -}}
{{- end -}}
{{- range $name := keys $sections | sortAlpha }}
[{{ $name }}]
{{- $settings := get $sections $name }}
{{- range $key := keys $settings | sortAlpha }}
{{ $key }} = {{ get $settings $key }}
{{- end }}
{{ end -}}
{{- end -}}

{{/* Provisioned data sources: {{ include "grafana.datasources" $ }} */}}
{{- define "grafana.datasources" -}}
{{- $sources := .Values.datasources -}}
apiVersion: 1
datasources:
  {{- if $sources.thanos.enabled }}
  - name: Thanos
    uid: thanos
    type: prometheus
    access: proxy
    isDefault: true
    # Through the query frontend (splitting, retries), which forwards to Thanos Query.
    url: http://{{ include "grafana.host" (dict "component" "thanos-query-frontend" "context" .) }}:10902
    jsonData:
      prometheusType: Thanos
      timeInterval: 30s
  {{- end }}
  {{- if $sources.alertmanager.enabled }}
  - name: Alertmanager
    uid: alertmanager
    type: alertmanager
    access: proxy
    url: http://{{ include "grafana.host" (dict "component" "alertmanager" "context" .) }}:9093
    jsonData:
      implementation: prometheus
      handleGrafanaManagedAlerts: false
  {{- end }}
  {{- if $sources.loki.enabled }}
  - name: Loki
    uid: loki
    type: loki
    access: proxy
    url: {{ default (printf "http://%s:3100" (include "grafana.host" (dict "component" "loki-read" "context" .))) $sources.loki.url }}
  {{- end }}
{{- end -}}


{{/*
The URL users reach Grafana under (links in notifications, OAuth redirects): the first Ingress
host (https when it has a TLS Secret), else the first HTTPRoute hostname (https: the Gateway
terminates TLS), else nothing and Grafana's default. {{ include "grafana.rootUrl" $ }}
*/}}
{{- define "grafana.rootUrl" -}}
{{- if and .Values.ingress.enabled .Values.ingress.hosts -}}
{{- printf "%s://%s/" (ternary "https" "http" (ne .Values.ingress.tlsSecretName "")) (first .Values.ingress.hosts) -}}
{{- else if and .Values.httpRoute.enabled .Values.httpRoute.hostnames -}}
{{- printf "https://%s/" (first .Values.httpRoute.hostnames) -}}
{{- end -}}
{{- end -}}

{{/* Dashboard provider: every directory under /etc/grafana/dashboards becomes a folder of that name. {{ include "grafana.dashboardProvider" $ }} */}}
{{- define "grafana.dashboardProvider" -}}
apiVersion: 1
providers:
  - name: ha-monitoring
    type: file
    # Provisioned dashboards change through values, not the UI (every replica would overwrite edits).
    disableDeletion: true
    allowUiUpdates: false
    updateIntervalSeconds: 60
    options:
      path: /etc/grafana/dashboards
      foldersFromFilesStructure: true
{{- end -}}

{{/* Volume mounts of the provisioned dashboards. {{ include "grafana.dashboardMounts" $ }} */}}
{{- define "grafana.dashboardMounts" -}}
{{- $d := .Values.dashboards -}}
{{- if or $d.enabled $d.extra $d.configMaps $d.sidecar.enabled }}
- name: dashboard-provider
  mountPath: /etc/grafana/provisioning/dashboards
  readOnly: true
{{- if or $d.enabled $d.extra }}
- name: dashboards
  mountPath: /etc/grafana/dashboards/ha-monitoring
  readOnly: true
{{- end }}
{{- range $d.configMaps }}
- name: dashboards-{{ . }}
  mountPath: /etc/grafana/dashboards/{{ . }}
  readOnly: true
{{- end }}
{{- if $d.sidecar.enabled }}
- name: dashboards-sidecar
  mountPath: /etc/grafana/dashboards/{{ $d.sidecar.folder }}
  readOnly: true
{{- end }}
{{- end }}
{{- end -}}

{{/* Volumes of the provisioned dashboards. {{ include "grafana.dashboardVolumes" $ }} */}}
{{- define "grafana.dashboardVolumes" -}}
{{- $d := .Values.dashboards -}}
{{- if or $d.enabled $d.extra $d.configMaps $d.sidecar.enabled }}
{{- $name := include "common.names.fullname" (dict "component" "grafana-dashboards" "context" .) }}
- name: dashboard-provider
  configMap:
    name: {{ $name }}
    items:
      - key: provider.yaml
        path: provider.yaml
{{- if or $d.enabled $d.extra }}
- name: dashboards
  configMap:
    name: {{ $name }}
    items:
      {{- if $d.enabled }}
      {{- range $path, $_ := .Files.Glob "files/dashboards/*.json" }}
      - key: {{ base $path }}
        path: {{ base $path }}
      {{- end }}
      {{- end }}
      {{- range $key, $_ := $d.extra }}
      - key: {{ $key }}.json
        path: {{ $key }}.json
      {{- end }}
{{- end }}
{{- range $d.configMaps }}
- name: dashboards-{{ . }}
  configMap:
    name: {{ . }}
{{- end }}
{{- if $d.sidecar.enabled }}
# Written by the dashboard sidecar, read by Grafana's file provider.
- name: dashboards-sidecar
  emptyDir:
    sizeLimit: 64Mi
{{- end }}
{{- end }}
{{- end -}}

{{/* Namespaces the dashboard sidecar watches (grafana.dashboards.sidecar.namespaces, default the release namespace): {{ include "grafana.sidecarNamespaces" $ | fromYamlArray }} */}}
{{- define "grafana.sidecarNamespaces" -}}
{{- toYaml (default (list .Release.Namespace) .Values.dashboards.sidecar.namespaces) -}}
{{- end -}}

{{/*
The dashboard sidecar: watches ConfigMaps labelled grafana.dashboards.sidecar.label=labelValue in
its namespaces and writes their keys into the emptyDir Grafana's file provider reads (a folder of
its own). No probe: it serves nothing, and a watcher that dies exits and is restarted.
{{ include "grafana.dashboardSidecar" $ | nindent 8 }}
*/}}
{{- define "grafana.dashboardSidecar" -}}
{{- $s := .Values.dashboards.sidecar -}}
- name: dashboard-sidecar
  {{- include "common.images.container" (dict "image" $s.image "key" "grafana.dashboards.sidecar.image" "context" .) | nindent 2 }}
  env:
    - name: METHOD
      value: WATCH
    - name: RESOURCE
      value: configmap
    - name: LABEL
      value: {{ $s.label | quote }}
    - name: LABEL_VALUE
      value: {{ $s.labelValue | quote }}
    - name: FOLDER
      value: /dashboards
    - name: NAMESPACE
      value: {{ include "grafana.sidecarNamespaces" . | fromYamlArray | join "," | quote }}
  {{- include "common.resources" $s.resources | nindent 2 }}
  {{- include "common.security.container" . | nindent 2 }}
  volumeMounts:
    - name: dashboards-sidecar
      mountPath: /dashboards
{{- end -}}
