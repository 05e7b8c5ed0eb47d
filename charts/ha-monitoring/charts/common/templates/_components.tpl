{{/*
The stack's components, written once. The quota and LimitRange workloads, the NetworkPolicies, the
PodDisruptionBudgets and the values-key annotation on every workload (read by the HA analysis to
name the key to change) all range over this list.
- name: the app.kubernetes.io/name label and the object name suffix; always the values key with
  "." as "-" and camelCase as kebab-case, so neither side needs a mapping to find the other;
- key: the values block of the component;
- chart: the subchart that renders it (a chart with an `enabled` switch may be left out);
- kind: StatefulSet, Deployment, DaemonSet (node-exporter: one pod per node, in its own namespace,
  outside the quota), Cluster (CloudNativePG creates the pods) or Pod (the helm test);
- containers: the values paths, below key, of the resources of each container of one pod;
- metrics: the ports Prometheus scrapes;
- egress: destinations outside the stack (keys of networkPolicy.egress);
- budget: whether the chart renders a PodDisruptionBudget for it (not for the singleton compactor,
  nor for PostgreSQL, whose operator manages its own, nor kube-state-metrics, a singleton, nor the
  node-exporter DaemonSet, whose pods are tied to their nodes and leave with them).
{{ include "common.components" . | fromYamlArray }}
*/}}
{{- define "common.components" -}}
- {name: prometheus, key: prometheus, chart: prometheus, kind: StatefulSet, containers: [resources, sidecar.resources], metrics: [9090, 10902], egress: [kubeApiServer, objectStorage], budget: true}
- {name: thanos-query, key: thanos.query, chart: thanos, kind: Deployment, containers: [resources], metrics: [10902], egress: [], budget: true}
- {name: thanos-query-frontend, key: thanos.queryFrontend, chart: thanos, kind: Deployment, containers: [resources], metrics: [10902], egress: [], budget: true}
- {name: thanos-store, key: thanos.store, chart: thanos, kind: StatefulSet, containers: [resources], metrics: [10902], egress: [objectStorage], budget: true}
- {name: thanos-compactor, key: thanos.compactor, chart: thanos, kind: StatefulSet, containers: [resources], metrics: [10902], egress: [objectStorage], budget: false}
- {name: alertmanager, key: alertmanager, chart: alertmanager, kind: StatefulSet, containers: [resources], metrics: [9093], egress: [notifications], budget: true}
- {name: grafana, key: grafana, chart: grafana, kind: Deployment, containers: [resources], metrics: [3000], egress: [notifications], budget: true}
- {name: tests, key: tests, chart: ha-monitoring, kind: Pod, containers: [resources], metrics: [], egress: [], budget: false}
- {name: postgresql, key: postgresql, chart: postgresql, kind: Cluster, containers: [resources], metrics: [9187], egress: [kubeApiServer], budget: false}
- {name: redis, key: redis, chart: redis, kind: StatefulSet, containers: [resources, sentinel.resources], metrics: [], egress: [], budget: true}
- {name: redis-haproxy, key: redis.haproxy, chart: redis, kind: Deployment, containers: [resources], metrics: [8404], egress: [], budget: true}
- {name: loki-write, key: loki.write, chart: loki, kind: StatefulSet, containers: [resources], metrics: [3100], egress: [objectStorage], budget: true}
- {name: loki-read, key: loki.read, chart: loki, kind: Deployment, containers: [resources], metrics: [3100], egress: [objectStorage], budget: true}
- {name: loki-backend, key: loki.backend, chart: loki, kind: StatefulSet, containers: [resources], metrics: [3100], egress: [objectStorage], budget: true}
- {name: kube-state-metrics, key: kubeStateMetrics, chart: kubeStateMetrics, kind: Deployment, containers: [resources], metrics: [8080, 8081], egress: [kubeApiServer], budget: false}
- {name: node-exporter, key: nodeExporter, chart: nodeExporter, kind: DaemonSet, containers: [resources], metrics: [9100], egress: [], budget: false}
{{- end -}}

{{/* The registry entry of one component: {{ include "common.components.get" (dict "component" "thanos-store" "context" $) | fromYaml }} */}}
{{- define "common.components.get" -}}
{{- $found := dict -}}
{{- range $c := include "common.components" .context | fromYamlArray -}}
{{- if eq $c.name $.component }}{{ $found = $c }}{{ end -}}
{{- end -}}
{{- if not $found -}}
{{- fail (printf "internal: component %s is not in common.components" .component) -}}
{{- end -}}
{{- toYaml $found -}}
{{- end -}}

{{/* Metadata annotations of a workload, naming its values block for the HA analysis: {{ include "common.components.annotations" (dict "component" "thanos-store" "context" $) | nindent 4 }} */}}
{{- define "common.components.annotations" -}}
ha-monitoring/values-key: {{ (include "common.components.get" . | fromYaml).key }}
{{- end -}}

{{/* The PodDisruptionBudgets of the calling subchart's components: {{ include "common.components.pdbs" $ }} */}}
{{- define "common.components.pdbs" -}}
{{- range $c := include "common.components" . | fromYamlArray }}
{{- if and (eq $c.chart $.Chart.Name) $c.budget }}
{{- $values := $.Values }}
{{- range $step := rest (splitList "." $c.key) }}{{ $values = index $values $step }}{{ end }}
{{- include "common.pdb" (dict "component" $c.name "key" $c.key "replicas" $values.replicas "values" $values "context" $) }}
{{- end }}
{{- end }}
{{- end -}}
