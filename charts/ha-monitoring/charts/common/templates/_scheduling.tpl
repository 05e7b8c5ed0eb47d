{{/*
Scheduling. One place decides where every pod of the stack may run:
- the dedicated node pool (global.nodePool) applies to every pod, merged with per-component additions;
- replicas of one component avoid sharing a node (global.scheduling.hostnameSpread) and spread
  over zones (global.scheduling.zoneSpread); the selectors match release + component only;
- a component's own `affinity` replaces the generated one entirely.
*/}}

{{/* Scheduling fields of a pod spec: {{ include "common.scheduling.pod" (dict "component" "alertmanager" "values" .Values "context" $) | nindent 6 }} */}}
{{- define "common.scheduling.pod" -}}
{{- $global := .context.Values.global -}}
{{- $nodeSelector := merge (deepCopy (default dict .values.nodeSelector)) (default dict $global.nodePool.nodeSelector) -}}
{{- with $nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- $tolerations := concat (default list $global.nodePool.tolerations) (default list .values.tolerations) -}}
{{- with $tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- $affinity := include "common.scheduling.affinity" . | fromYaml -}}
{{- with $affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- $spread := include "common.scheduling.topologySpread" . | fromYamlArray -}}
{{- with $spread }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with include "common.scheduling.priorityClassName" . }}
priorityClassName: {{ . }}
{{- end }}
{{- end -}}

{{/*
PriorityClass name of a component's pods: its literal priorityClassName when set (any name, a class
called "standard" too), else this release's class of its priorityTier, else none.
{{ include "common.scheduling.priorityClassName" (dict "values" .Values "context" $) }}
*/}}
{{- define "common.scheduling.priorityClassName" -}}
{{- if .values.priorityClassName -}}
{{- .values.priorityClassName -}}
{{- else if .values.priorityTier -}}
{{- include "common.names.priorityClass" (dict "tier" .values.priorityTier "context" .context) -}}
{{- end -}}
{{- end -}}

{{/* Affinity of a component as YAML (generated anti-affinity unless `affinity` is set): {{ include "common.scheduling.affinity" (dict "component" "grafana" "values" .Values "context" $) | fromYaml }} */}}
{{- define "common.scheduling.affinity" -}}
{{- $scheduling := .context.Values.global.scheduling -}}
{{- if .values.affinity -}}
{{- toYaml .values.affinity -}}
{{- else -}}
{{- $selector := include "common.labels.selector" . | fromYaml -}}
{{- $required := list -}}
{{- $preferred := list -}}
{{- $hostTerm := dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" $selector) -}}
{{- if eq $scheduling.hostnameSpread "required" -}}
{{- $required = append $required $hostTerm -}}
{{- else if eq $scheduling.hostnameSpread "preferred" -}}
{{- $preferred = append $preferred (dict "weight" 100 "podAffinityTerm" $hostTerm) -}}
{{- end -}}
{{- if eq $scheduling.zoneSpread "preferred" -}}
{{- $zoneTerm := dict "topologyKey" $scheduling.zoneTopologyKey "labelSelector" (dict "matchLabels" $selector) -}}
{{- $preferred = append $preferred (dict "weight" 50 "podAffinityTerm" $zoneTerm) -}}
{{- end -}}
{{- if or $required $preferred -}}
podAntiAffinity:
  {{- with $required }}
  requiredDuringSchedulingIgnoredDuringExecution:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $preferred }}
  preferredDuringSchedulingIgnoredDuringExecution:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Zone spreading that the scheduler must honour (global.scheduling.zoneSpread=required): at most one
replica more in any zone than in another, counting only nodes the pod may use, so losing a zone
never takes more than ceil(replicas/zones) replicas.
{{ include "common.scheduling.topologySpread" (dict "component" "grafana" "values" .Values "context" $) | fromYamlArray }}
*/}}
{{- define "common.scheduling.topologySpread" -}}
{{- $scheduling := .context.Values.global.scheduling -}}
{{- $constraints := list -}}
{{- if and (eq $scheduling.zoneSpread "required") (not .values.affinity) -}}
{{- $selector := include "common.labels.selector" . | fromYaml -}}
{{- $constraints = append $constraints (dict "maxSkew" 1 "topologyKey" $scheduling.zoneTopologyKey "whenUnsatisfiable" "DoNotSchedule" "nodeAffinityPolicy" "Honor" "nodeTaintsPolicy" "Honor" "labelSelector" (dict "matchLabels" $selector)) -}}
{{- end -}}
{{- $constraints = concat $constraints (default list .values.topologySpreadConstraints) -}}
{{- toYaml $constraints -}}
{{- end -}}
