{{/*
Pieces shared by every workload of the stack.
*/}}

{{/* ServiceAccount of a component (in the release namespace unless "namespace" is given); its token is mounted only where the pod talks to the API: {{ include "common.serviceAccount" (dict "component" "prometheus" "automount" true "context" $) }} */}}
{{- define "common.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "common.names.fullname" . }}
  namespace: {{ default .context.Release.Namespace .namespace }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
automountServiceAccountToken: {{ .automount }}
{{- end -}}

{{/* Pod template annotations (config checksums + podAnnotations): {{ include "common.pod.annotations" (dict "checksums" (list $cm) "values" .Values) | nindent 8 }} */}}
{{- define "common.pod.annotations" -}}
{{- range $i, $content := .checksums }}
checksum/config-{{ $i }}: {{ $content | sha256sum }}
{{- end }}
{{- with .values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Resources of a container: {{ include "common.resources" .Values.resources | nindent 10 }} */}}
{{- define "common.resources" -}}
resources:
  {{- toYaml . | nindent 2 }}
{{- end -}}

{{/* The pod's own name and IP as environment variables: {{ include "common.env.podIdentity" . | nindent 12 }} */}}
{{- define "common.env.podIdentity" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
{{- end -}}

{{/* Rolling update of a Deployment: one extra pod at a time, never below the desired count: {{ include "common.deployment.strategy" . | nindent 2 }} */}}
{{- define "common.deployment.strategy" -}}
strategy:
  type: RollingUpdate
  rollingUpdate:
    maxSurge: 1
    maxUnavailable: 0
{{- end -}}

{{/* StatefulSet PVC retention: data survives uninstall and scale-down: {{ include "common.statefulset.retention" . | nindent 2 }} */}}
{{- define "common.statefulset.retention" -}}
persistentVolumeClaimRetentionPolicy:
  whenDeleted: Retain
  whenScaled: Retain
{{- end -}}
