{{/*
Images. Upstream registries, pinned tags; global.imageRegistry swaps the registry of every image
at once for a mirror, and a digest pins the exact bytes when given.
*/}}

{{/* Image reference: {{ include "common.images.image" (dict "image" .Values.image "context" $) }} */}}
{{- define "common.images.image" -}}
{{- $registry := default .image.registry .context.Values.global.imageRegistry -}}
{{- $ref := printf "%s/%s" $registry .image.repository -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $ref .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref .image.tag -}}
{{- end -}}
{{- end -}}

{{/* Image and pull policy lines of a container: {{ include "common.images.container" (dict "image" .Values.image "context" $) | nindent 10 }} */}}
{{- define "common.images.container" -}}
image: {{ include "common.images.image" . | quote }}
imagePullPolicy: {{ .image.pullPolicy }}
{{- end -}}

{{/* imagePullSecrets of a pod, from global.imagePullSecrets: {{ include "common.images.pullSecrets" $ | nindent 6 }} */}}
{{- define "common.images.pullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}
