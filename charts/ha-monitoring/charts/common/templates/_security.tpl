{{/*
Security contexts that satisfy the Pod Security Standard "restricted" for every pod of the stack.
*/}}

{{/* Pod securityContext: {{ include "common.security.pod" (dict "user" 65534 "context" $) | nindent 6 }} */}}
{{- define "common.security.pod" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .user }}
  runAsGroup: {{ default .user .group }}
  fsGroup: {{ default .user .group }}
  fsGroupChangePolicy: OnRootMismatch
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{/* Container securityContext: {{ include "common.security.container" . | nindent 10 }} */}}
{{- define "common.security.container" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  runAsNonRoot: true
  capabilities:
    drop: ["ALL"]
  seccompProfile:
    type: RuntimeDefault
{{- end -}}
