{{/*
The stack's communication graph, as data. NetworkPolicies are generated from it (ingress on the
receiving side, egress on the sending side), and the HA analysis reads the same edges.
Each edge: from (a component, or "peers" with raw NetworkPolicy peers), to (a component), ports.
{{ include "ha-monitoring.edges" $ | fromYamlArray }}
*/}}
{{- define "ha-monitoring.edges" -}}
{{- $v := .Values -}}
{{- $metrics := dict -}}
{{- range $c := include "ha-monitoring.releaseComponents" . | fromYamlArray }}{{ with $c.metrics }}{{ $_ := set $metrics $c.name . }}{{ end }}{{ end -}}
{{- range $component := keys $metrics | sortAlpha }}
- {from: prometheus, to: {{ $component }}, ports: {{ get $metrics $component | toJson }}, why: scrape}
{{- end }}
- {from: prometheus, to: alertmanager, ports: [9093], why: alerts to every replica}
- {from: thanos-query, to: prometheus, ports: [10901], why: sidecar StoreAPI}
- {from: thanos-query, to: thanos-store, ports: [10901], why: store gateway StoreAPI}
- {from: thanos-query-frontend, to: thanos-query, ports: [10902], why: downstream queries}
- {from: alertmanager, to: alertmanager, ports: [9094, {port: 9094, protocol: UDP}], why: gossip}
- {from: grafana, to: thanos-query-frontend, ports: [10902], why: Thanos data source}
- {from: grafana, to: alertmanager, ports: [9093], why: Alertmanager data source}
- {from: grafana, to: grafana, ports: [9094, {port: 9094, protocol: UDP}], why: unified alerting HA}
- {from: tests, to: thanos-query-frontend, ports: [10902], why: helm test}
- {from: tests, to: thanos-query, ports: [10902], why: helm test}
- {from: tests, to: alertmanager, ports: [9093], why: helm test}
- {from: tests, to: grafana, ports: [3000], why: helm test}
{{- with $v.networkPolicy.grafanaFrom }}
- {peers: {{ toJson . }}, to: grafana, ports: [3000], why: users}
{{- end }}
{{- if or $v.grafana.ingress.enabled $v.grafana.httpRoute.enabled }}
{{- $controller := $v.networkPolicy.ingressController }}
{{- if and $v.networkPolicy.enabled (or (not $controller.namespace) (not $controller.podLabels)) }}
{{- fail "networkPolicy.ingressController.namespace and .podLabels must both be set when grafana.ingress or grafana.httpRoute is enabled: the NetworkPolicy admits exactly the controller's pods, not a whole namespace nor every pod." }}
{{- end }}
- {peers: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: {{ $controller.namespace }}}}, podSelector: {matchLabels: {{ toJson $controller.podLabels }}}}], to: grafana, ports: [3000], why: ingress controller}
{{- end }}
{{- if $v.postgresql.enabled }}
- {from: grafana, to: postgresql, ports: [5432], why: Grafana database}
- {from: postgresql, to: postgresql, ports: [5432, 8000], why: streaming replication and instance status}
- {peers: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: {{ $v.postgresql.operatorNamespace }}}}}], to: postgresql, ports: [5432, 8000], why: CloudNativePG operator}
{{- end }}
{{- if $v.redis.enabled }}
- {from: grafana, to: redis-haproxy, ports: [6379], why: remote cache and Live HA engine}
- {from: redis-haproxy, to: redis, ports: [6379], why: master health checks and traffic}
- {from: redis, to: redis, ports: [6379, 26379], why: replication and sentinel}
{{- end }}
{{- if $v.loki.enabled }}
{{- if $v.grafana.datasources.loki.enabled }}
- {from: grafana, to: loki-read, ports: [3100], why: Loki data source}
{{- end }}
{{- range $from := list "loki-write" "loki-read" "loki-backend" }}
{{- range $to := list "loki-write" "loki-read" "loki-backend" }}
- {from: {{ $from }}, to: {{ $to }}, ports: [7946, 9095], why: memberlist ring and gRPC}
{{- end }}
- {from: {{ $from }}, to: loki-backend, ports: [3100], why: compactor API (delete requests)}
{{- end }}
- {from: loki-backend, to: alertmanager, ports: [9093], why: Loki ruler alerts}
{{- with $v.networkPolicy.lokiPushFrom }}
- {peers: {{ toJson . }}, to: loki-write, ports: [3100], why: log push}
{{- end }}
{{- end }}
{{- end -}}

{{/* NetworkPolicy ports from edge ports (a number means TCP): {{ include "ha-monitoring.policyPorts" $edge.ports }} */}}
{{- define "ha-monitoring.policyPorts" -}}
{{- range $p := . }}
{{- if kindIs "map" $p }}
- port: {{ $p.port }}
  protocol: {{ $p.protocol }}
{{- else }}
- port: {{ $p }}
  protocol: TCP
{{- end }}
{{- end }}
{{- end -}}

{{/* External egress of a component beyond the stack (object storage, API server, notifications), from its registry entry: {{ include "ha-monitoring.externalEgress" (dict "component" $entry "context" $) }} */}}
{{- define "ha-monitoring.externalEgress" -}}
{{- $egress := .context.Values.networkPolicy.egress -}}
{{- $storage := dict "to" $egress.objectStorage "ports" $egress.objectStoragePorts -}}
{{- $api := dict "to" $egress.kubeApiServer "ports" $egress.kubeApiServerPorts -}}
{{- $notify := dict "to" $egress.notifications "ports" $egress.notificationPorts -}}
{{- $rules := dict "kubeApiServer" $api "objectStorage" $storage "notifications" $notify -}}
{{- $names := .component.egress }}
{{- /* The dashboard sidecar in Grafana's pods lists ConfigMaps through the API server. */}}
{{- if and (eq .component.name "grafana") .context.Values.grafana.dashboards.sidecar.enabled }}{{ $names = append $names "kubeApiServer" }}{{ end }}
{{- range $name := $names }}
{{- $rule := get $rules $name }}
- to:
    {{- toYaml $rule.to | nindent 4 }}
  ports:
    {{- include "ha-monitoring.policyPorts" $rule.ports | nindent 4 }}
{{- end }}
{{- end -}}
