{{/* alertmanager.yml from alertmanager.config: {{ include "alertmanager.config" $ }} */}}
{{- define "alertmanager.config" -}}
{{- toYaml .Values.config -}}
{{- end -}}

{{/* One --cluster.peer per StatefulSet ordinal, through the headless Service: {{ include "alertmanager.peerArgs" $ | nindent 12 }} */}}
{{- define "alertmanager.peerArgs" -}}
{{- $ctx := dict "component" "alertmanager" "context" . -}}
{{- $name := include "common.names.statefulset" (dict "component" "alertmanager" "persistence" .Values.persistence "context" .) -}}
{{- $headless := include "common.names.serviceHost" (dict "service" (include "common.names.headless" $ctx) "context" .) -}}
{{- range $ordinal := until (int .Values.replicas) }}
- --cluster.peer={{ $name }}-{{ $ordinal }}.{{ $headless }}:9094
{{- end }}
{{- end -}}
