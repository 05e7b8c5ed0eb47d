{{/*
Names. Every object of the stack is named "<release>-<component>", so one component can find
another's Service without seeing its values (subcharts cannot read their siblings' values).
*/}}

{{/* Object name of a component: {{ include "common.names.fullname" (dict "component" "thanos-query" "context" $) }} */}}
{{- define "common.names.fullname" -}}
{{- printf "%s-%s" .context.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of a headless Service of a component: {{ include "common.names.headless" (dict "component" "alertmanager" "context" $) }} */}}
{{- define "common.names.headless" -}}
{{- printf "%s-%s" (include "common.names.fullname" .) "headless" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of a cluster-scoped object, unique per release and namespace: {{ include "common.names.clusterScoped" (dict "component" "prometheus" "context" $) }} */}}
{{- define "common.names.clusterScoped" -}}
{{- printf "%s-%s-%s" .context.Release.Namespace .context.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Cluster DNS name of a Service: {{ include "common.names.serviceHost" (dict "service" $name "context" $) }} */}}
{{- define "common.names.serviceHost" -}}
{{- printf "%s.%s.svc.%s" .service .context.Release.Namespace .context.Values.global.clusterDomain -}}
{{- end -}}

{{/* Name of a release-scoped PriorityClass by tier: {{ include "common.names.priorityClass" (dict "tier" "critical" "context" $) }} */}}
{{- define "common.names.priorityClass" -}}
{{- $class := get .context.Values.global.priorityClasses .tier -}}
{{- default (printf "%s-%s" .context.Release.Name .tier) $class.name -}}
{{- end -}}

{{/* Name of a release-scoped StorageClass by tier: {{ include "common.names.storageClass" (dict "tier" "fast" "context" $) }} */}}
{{- define "common.names.storageClass" -}}
{{- $class := get .context.Values.global.storageClasses.classes .tier -}}
{{- default (printf "%s-%s" .context.Release.Name $class.suffix) $class.name -}}
{{- end -}}

{{/* Name of the Secret holding the Thanos object store configuration: {{ include "common.names.objstoreSecret" $ }} */}}
{{- define "common.names.objstoreSecret" -}}
{{- default (printf "%s-thanos-objstore" .Release.Name) .Values.global.thanos.objectStorage.existingSecret -}}
{{- end -}}

{{/*
Name of a component's StatefulSet. Kubernetes never lets an existing StatefulSet gain, lose or
change volume claim templates, so the ephemeral (persistence off) and the persistent StatefulSet of
a component are different objects: switching persistence on, as a dev → prod upgrade does, replaces
the StatefulSet instead of failing.
{{ include "common.names.statefulset" (dict "component" "prometheus" "persistence" .Values.persistence "context" $) }}
*/}}
{{- define "common.names.statefulset" -}}
{{- $name := include "common.names.fullname" . -}}
{{- if .persistence.enabled -}}
{{- $name -}}
{{- else -}}
{{- printf "%s-ephemeral" $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Namespace of node-exporter, the one component outside the release namespace (it needs Pod Security "privileged"); "namespace" is nodeExporter.namespace: {{ include "common.names.nodeExporterNamespace" (dict "namespace" .Values.nodeExporter.namespace "context" $) }} */}}
{{- define "common.names.nodeExporterNamespace" -}}
{{- default (printf "%s-node-exporter" .context.Release.Namespace) .namespace | trunc 63 | trimSuffix "-" -}}
{{- end -}}
