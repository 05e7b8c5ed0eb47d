{{/*
Labels. Selectors carry only name + instance: they are immutable on StatefulSets and Deployments,
and scoping them to the release keeps two releases in one namespace apart.
*/}}

{{/* Labels for every object of a component: {{ include "common.labels.standard" (dict "component" "grafana" "context" $) | nindent 4 }} */}}
{{- define "common.labels.standard" -}}
{{ include "common.labels.selector" . }}
app.kubernetes.io/part-of: ha-monitoring
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .context.Chart.Name .context.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/* Selector labels of a component's pods: {{ include "common.labels.selector" (dict "component" "grafana" "context" $) | nindent 6 }} */}}
{{- define "common.labels.selector" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
{{- end -}}

{{/* Pod template labels: selector labels plus the component's podLabels: {{ include "common.labels.pod" (dict "component" "grafana" "values" .Values "context" $) | nindent 8 }} */}}
{{- define "common.labels.pod" -}}
{{ include "common.labels.standard" . }}
{{- with .values.podLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}
