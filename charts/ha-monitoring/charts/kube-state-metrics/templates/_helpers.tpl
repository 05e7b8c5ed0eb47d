{{/* The Kubernetes resources kube-state-metrics exports; the ClusterRole grants list/watch on exactly these: {{ include "kube-state-metrics.resources" $ | fromYaml }} */}}
{{- define "kube-state-metrics.resources" -}}
"": [nodes, persistentvolumeclaims, pods]
apps: [daemonsets, deployments, statefulsets]
{{- end -}}
