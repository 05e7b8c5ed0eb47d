{{/*
Every pod this release can run at once, as data: the quota, the LimitRange check and the HA
report all read this one list. "surge" counts the pods a rollout adds on top of the replicas,
as a ResourceQuota sees them: a deleted pod keeps counting until the quota controller has
recalculated usage, which lags under load. A Deployment (maxSurge 1) adds one new pod plus every
old pod still counted; a StatefulSet replaces one pod at a time, and the replacement is admitted
while the old one may still be counted, so one pod; CloudNativePG adds its bootstrap job.
"containers" are the resources of one pod; "claims" the PVC sizes of one pod.
{{ include "ha-monitoring.workloads" $ | fromYamlArray }}
*/}}
{{- define "ha-monitoring.workloads" -}}
{{- $v := .Values -}}
- key: prometheus
  replicas: {{ $v.prometheus.replicas }}
  surge: 1
  containers: [{{ toJson $v.prometheus.resources }}, {{ toJson $v.prometheus.sidecar.resources }}]
  claims: {{ ternary (list $v.prometheus.persistence.size) list $v.prometheus.persistence.enabled | toJson }}
- key: thanos.query
  replicas: {{ $v.thanos.query.replicas }}
  surge: {{ add1 $v.thanos.query.replicas }}
  containers: [{{ toJson $v.thanos.query.resources }}]
  claims: []
- key: thanos.queryFrontend
  replicas: {{ $v.thanos.queryFrontend.replicas }}
  surge: {{ add1 $v.thanos.queryFrontend.replicas }}
  containers: [{{ toJson $v.thanos.queryFrontend.resources }}]
  claims: []
- key: thanos.storeGateway
  replicas: {{ $v.thanos.storeGateway.replicas }}
  surge: 1
  containers: [{{ toJson $v.thanos.storeGateway.resources }}]
  claims: {{ ternary (list $v.thanos.storeGateway.persistence.size) list $v.thanos.storeGateway.persistence.enabled | toJson }}
- key: thanos.compactor
  replicas: 1
  surge: 1
  containers: [{{ toJson $v.thanos.compactor.resources }}]
  claims: {{ ternary (list $v.thanos.compactor.persistence.size) list $v.thanos.compactor.persistence.enabled | toJson }}
- key: alertmanager
  replicas: {{ $v.alertmanager.replicas }}
  surge: 1
  containers: [{{ toJson $v.alertmanager.resources }}]
  claims: {{ ternary (list $v.alertmanager.persistence.size) list $v.alertmanager.persistence.enabled | toJson }}
- key: grafana
  replicas: {{ $v.grafana.replicas }}
  surge: {{ ternary $v.grafana.replicas (add1 $v.grafana.replicas) (eq $v.grafana.database.type "sqlite3") }}
  containers: [{{ toJson $v.grafana.resources }}]
  claims: []
{{- if $v.postgresql.enabled }}
- key: postgresql
  replicas: {{ $v.postgresql.instances }}
  # CloudNativePG runs its initdb / join jobs with the instances' resources.
  surge: 1
  containers: [{{ toJson $v.postgresql.resources }}]
  claims: [{{ toJson $v.postgresql.persistence.size }}]
{{- end }}
{{- if $v.redis.enabled }}
- key: redis
  replicas: {{ $v.redis.replicas }}
  surge: 1
  containers: [{{ toJson $v.redis.resources }}, {{ toJson $v.redis.sentinel.resources }}]
  claims: {{ ternary (list $v.redis.persistence.size) list $v.redis.persistence.enabled | toJson }}
- key: redis.haproxy
  replicas: {{ $v.redis.haproxy.replicas }}
  surge: {{ add1 $v.redis.haproxy.replicas }}
  containers: [{{ toJson $v.redis.haproxy.resources }}]
  claims: []
{{- end }}
{{- if $v.loki.enabled }}
- key: loki.write
  replicas: {{ $v.loki.write.replicas }}
  surge: 1
  containers: [{{ toJson $v.loki.write.resources }}]
  claims: {{ ternary (list $v.loki.write.persistence.size) list $v.loki.write.persistence.enabled | toJson }}
- key: loki.read
  replicas: {{ $v.loki.read.replicas }}
  surge: {{ add1 $v.loki.read.replicas }}
  containers: [{{ toJson $v.loki.read.resources }}]
  claims: []
- key: loki.backend
  replicas: {{ $v.loki.backend.replicas }}
  surge: 1
  containers: [{{ toJson $v.loki.backend.resources }}]
  claims: {{ ternary (list $v.loki.backend.persistence.size) list $v.loki.backend.persistence.enabled | toJson }}
{{- end }}
- key: tests
  replicas: 0
  # The helm test pod.
  surge: 1
  containers: [{{ toJson $v.tests.resources }}]
  claims: []
{{- end -}}

{{/*
What the release needs from a ResourceQuota, as integers (millicores, bytes, counts):
{{ include "ha-monitoring.resourceNeeds" $ | fromYaml }}
*/}}
{{- define "ha-monitoring.resourceNeeds" -}}
{{- $defaults := .Values.limitRange -}}
{{- $sum := dict "requests.cpu" 0 "requests.memory" 0 "limits.cpu" 0 "limits.memory" 0 "requests.storage" 0 "persistentvolumeclaims" 0 "pods" 0 -}}
{{- range $w := include "ha-monitoring.workloads" . | fromYamlArray -}}
{{- $pods := add $w.replicas $w.surge -}}
{{- $_ := set $sum "pods" (add (get $sum "pods") $pods) -}}
{{- range $c := $w.containers -}}
{{- $req := default dict $c.requests -}}
{{- $lim := default dict $c.limits -}}
{{- $reqCPU := include "ha-monitoring.milliCPU" (default (default $defaults.defaultRequest.cpu $lim.cpu) $req.cpu) | int64 -}}
{{- $reqMem := include "ha-monitoring.bytes" (default (default $defaults.defaultRequest.memory $lim.memory) $req.memory) | int64 -}}
{{- $limCPU := include "ha-monitoring.milliCPU" (default $defaults.default.cpu $lim.cpu) | int64 -}}
{{- $limMem := include "ha-monitoring.bytes" (default $defaults.default.memory $lim.memory) | int64 -}}
{{- $_ := set $sum "requests.cpu" (add (get $sum "requests.cpu") (mul $reqCPU $pods)) -}}
{{- $_ := set $sum "requests.memory" (add (get $sum "requests.memory") (mul $reqMem $pods)) -}}
{{- $_ := set $sum "limits.cpu" (add (get $sum "limits.cpu") (mul $limCPU $pods)) -}}
{{- $_ := set $sum "limits.memory" (add (get $sum "limits.memory") (mul $limMem $pods)) -}}
{{- end -}}
{{- range $size := $w.claims -}}
{{- $_ := set $sum "requests.storage" (add (get $sum "requests.storage") (mul (include "ha-monitoring.bytes" $size | int64) $w.replicas)) -}}
{{- $_ := set $sum "persistentvolumeclaims" (add (get $sum "persistentvolumeclaims") $w.replicas) -}}
{{- end -}}
{{- end -}}
{{- toYaml $sum -}}
{{- end -}}
