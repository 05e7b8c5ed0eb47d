{{/*
Persistent storage.
*/}}

{{/*
StorageClass name of a component's claims: its literal persistence.storageClass when set (any name, a
class called "standard" too), else this release's class of its persistence.storageTier, else empty
(the cluster's default class).
{{ include "common.storage.className" (dict "persistence" .Values.persistence "context" $) }}
*/}}
{{- define "common.storage.className" -}}
{{- if .persistence.storageClass -}}
{{- .persistence.storageClass -}}
{{- else if .persistence.storageTier -}}
{{- include "common.names.storageClass" (dict "tier" .persistence.storageTier "context" .context) -}}
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
    {{- with include "common.storage.className" . }}
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
