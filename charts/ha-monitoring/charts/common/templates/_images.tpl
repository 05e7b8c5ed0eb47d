{{/*
Images. Upstream registries, pinned tags; global.imageRegistry swaps the registry of every image
at once for a mirror, and a digest pins the exact bytes when given.
*/}}

{{/*
Image reference: {{ include "common.images.image" (dict "image" .Values.image "key" "prometheus.image" "context" $) }}
"key" is the image's values path, named when the image is refused: a tag of "latest", or an empty
tag without a digest, is not pinned (the node would pull whatever the registry holds that day).
*/}}
{{- define "common.images.image" -}}
{{- if not .key -}}
{{- fail "common.images.image needs the image's values path as \"key\"" -}}
{{- end -}}
{{- if eq (toString .image.tag) "latest" -}}
{{- fail (printf "%s.tag is \"latest\", which is not pinned: set a release tag or %s.digest" .key .key) -}}
{{- end -}}
{{- if and (not .image.tag) (not .image.digest) -}}
{{- fail (printf "%s.tag is empty and %s.digest is not set: set a release tag or a digest" .key .key) -}}
{{- end -}}
{{- $registry := default .image.registry .context.Values.global.imageRegistry -}}
{{- $ref := printf "%s/%s" $registry .image.repository -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $ref .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref .image.tag -}}
{{- end -}}
{{- end -}}

{{/* Image and pull policy lines of a container: {{ include "common.images.container" (dict "image" .Values.image "key" "grafana.image" "context" $) | nindent 10 }} */}}
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
