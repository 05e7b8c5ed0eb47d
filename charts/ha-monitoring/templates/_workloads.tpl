{{/* The registry entries (common.components) of the components this release runs, a component whose subchart is switched off (enabled: false) is left out: {{ include "ha-monitoring.releaseComponents" $ | fromYamlArray }} */}}
{{- define "ha-monitoring.releaseComponents" -}}
{{- $components := list -}}
{{- range $c := include "common.components" . | fromYamlArray -}}
{{- $chart := index $.Values $c.chart -}}
{{- if or (not (kindIs "map" $chart)) (not (hasKey $chart "enabled")) $chart.enabled }}{{ $components = append $components $c }}{{ end -}}
{{- end -}}
{{- toYaml $components -}}
{{- end -}}

{{/*
Every pod this release can run at once, as data: the quota, the LimitRange check and the HA
report all read this one list. "surge" counts the pods a rollout adds on top of the replicas,
as a ResourceQuota sees them: a deleted pod keeps counting until the quota controller has
recalculated usage, which lags under load. A Deployment (maxSurge 1) adds one new pod plus every
old pod still counted; a StatefulSet replaces one pod at a time, and the replacement is admitted
while the old one may still be counted, so one pod; CloudNativePG adds its bootstrap job.
"containers" are the resources of one pod; "claims" the PVC sizes of one pod. The components
and where their values live come from the registry (common.components).
{{ include "ha-monitoring.workloads" $ | fromYamlArray }}
*/}}
{{- define "ha-monitoring.workloads" -}}
{{- $v := .Values -}}
{{- range $c := include "ha-monitoring.releaseComponents" . | fromYamlArray }}
{{- /* The node-exporter DaemonSet runs in its own namespace, outside this namespace's quota and LimitRange. */}}
{{- if eq $c.kind "DaemonSet" }}{{ continue }}{{ end }}
{{- $values := $v }}
{{- range $step := splitList "." $c.key }}{{ $values = index $values $step }}{{ end }}
{{- $replicas := 0 }}
{{- $surge := 1 }}
{{- if eq $c.kind "Cluster" }}
{{- /* CloudNativePG runs its initdb / join jobs with the instances' resources. */}}
{{- $replicas = int $values.instances }}
{{- else if ne $c.kind "Pod" }}
{{- $replicas = int $values.replicas }}
{{- end }}
{{- if eq $c.kind "Deployment" }}
{{- $surge = add1 $replicas }}
{{- /* Grafana on SQLite is recreated: no new pod starts while old ones may still count. */}}
{{- if and (eq $c.name "grafana") (eq $values.database.type "sqlite3") }}{{ $surge = $replicas }}{{ end }}
{{- end }}
{{- $containers := list }}
{{- range $path := $c.containers }}
{{- $resources := $values }}
{{- range $step := splitList "." $path }}{{ $resources = index $resources $step }}{{ end }}
{{- $containers = append $containers $resources }}
{{- end }}
{{- /* The dashboard sidecar runs in Grafana's pods when enabled. */}}
{{- if and (eq $c.name "grafana") $v.grafana.dashboards.sidecar.enabled }}{{ $containers = append $containers $v.grafana.dashboards.sidecar.resources }}{{ end }}
{{- $claims := list }}
{{- if and $values.persistence $values.persistence.enabled }}{{ $claims = list $values.persistence.size }}{{ end }}
- key: {{ $c.key }}
  replicas: {{ $replicas }}
  surge: {{ $surge }}
  containers: {{ toJson $containers }}
  claims: {{ toJson $claims }}
{{- end }}
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
