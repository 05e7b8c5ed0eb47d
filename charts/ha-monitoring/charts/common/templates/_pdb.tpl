{{/*
PodDisruptionBudget. Only a replicated component gets one, and minAvailable must stay below
replicas: a budget equal to replicas allows zero disruptions and blocks every node drain.
*/}}

{{/* PDB of a component (common.components.pdbs calls it for each registry entry with a budget): {{ include "common.pdb" (dict "component" "alertmanager" "key" "alertmanager" "replicas" .Values.replicas "values" .Values "context" $) }} */}}
{{- define "common.pdb" -}}
{{- $pdb := .values.podDisruptionBudget -}}
{{- $replicas := int .replicas -}}
{{- if and $pdb.enabled (gt $replicas 1) }}
{{- if ge (int $pdb.minAvailable) $replicas }}
{{- fail (printf "%s.podDisruptionBudget.minAvailable=%d must be lower than the %d replicas, or no pod may ever be evicted and node drains hang: set it to %d or less." .key (int $pdb.minAvailable) $replicas (sub $replicas 1)) }}
{{- end }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "common.names.fullname" . }}
  namespace: {{ .context.Release.Namespace }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  minAvailable: {{ $pdb.minAvailable }}
  # An unready pod may always be evicted: it serves nothing, and keeping it blocks drains.
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "common.labels.selector" . | nindent 6 }}
{{- end }}
{{- end -}}
