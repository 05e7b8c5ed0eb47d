{{/*
Persistent storage.
*/}}

{{/* StorageClass name for a persistence.storageClass value ("fast", "standard", a literal name, or "" for the cluster default): {{ include "common.storage.className" (dict "value" "fast" "context" $) }} */}}
{{- define "common.storage.className" -}}
{{- if hasKey .context.Values.global.storageClasses.classes .value -}}
{{- include "common.names.storageClass" (dict "tier" .value "context" .context) -}}
{{- else -}}
{{- .value -}}
{{- end -}}
{{- end -}}

{{/* volumeClaimTemplates entry named "data": {{ include "common.storage.claimTemplate" (dict "component" "prometheus" "persistence" .Values.persistence "context" $) | nindent 4 }} */}}
{{- define "common.storage.claimTemplate" -}}
- apiVersion: v1
  kind: PersistentVolumeClaim
  metadata:
    name: data
    labels:
      {{- include "common.labels.selector" . | nindent 6 }}
  spec:
    accessModes: ["ReadWriteOnce"]
    {{- with include "common.storage.className" (dict "value" .persistence.storageClass "context" .context) }}
    storageClassName: {{ . }}
    {{- end }}
    resources:
      requests:
        storage: {{ .persistence.size }}
{{- end -}}

{{/* Data volume of a pod when persistence is off (emptyDir): {{ include "common.storage.ephemeral" .Values.persistence | nindent 8 }} */}}
{{- define "common.storage.ephemeral" -}}
- name: data
  emptyDir:
    sizeLimit: {{ .size }}
{{- end -}}
