{{/* The namespace node-exporter runs in (nodeExporter.namespace, default "<release namespace>-node-exporter"): {{ include "node-exporter.namespace" $ }} */}}
{{- define "node-exporter.namespace" -}}
{{- include "common.names.nodeExporterNamespace" (dict "namespace" .Values.namespace "context" .) -}}
{{- end -}}
