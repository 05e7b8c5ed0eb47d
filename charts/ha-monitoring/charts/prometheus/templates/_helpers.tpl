
{{/* Host name of the Alertmanager headless Service, whose A records list every replica: {{ include "prometheus.alertmanagerHost" $ }} */}}
{{- define "prometheus.alertmanagerHost" -}}
{{- include "common.names.serviceHost" (dict "service" (include "common.names.headless" (dict "component" "alertmanager" "context" .)) "context" .) -}}
{{- end -}}

{{/* prometheus.yml: {{ include "prometheus.config" $ }} */}}
{{- define "prometheus.config" -}}
{{- $replicaLabel := .Values.global.thanos.replicaLabel -}}
{{- if hasKey .Values.externalLabels $replicaLabel -}}
{{- fail (printf "prometheus.externalLabels.%s: this label is the per-pod replica label (global.thanos.replicaLabel) that the chart sets to each pod's name; a fixed value would make the replicas indistinguishable and break deduplication. Remove it, or pick another global.thanos.replicaLabel." $replicaLabel) -}}
{{- end -}}
global:
  scrape_interval: {{ .Values.scrapeInterval }}
  evaluation_interval: {{ .Values.evaluationInterval }}
  external_labels:
    {{- range $name, $value := .Values.externalLabels }}
    {{ $name }}: {{ $value | quote }}
    {{- end }}
    # Expanded per pod by Prometheus from the environment: the only label that differs between
    # replicas, the one Thanos Query deduplicates on.
    {{ $replicaLabel }}: ${POD_NAME}
rule_files:
  - /etc/prometheus/rules/*.yaml
alerting:
  alert_relabel_configs:
    # Both replicas fire the same alert; without their replica label Alertmanager sees one alert.
    - action: labeldrop
      regex: {{ $replicaLabel }}
  alertmanagers:
    # Every Alertmanager replica gets every alert (the headless Service resolves to all pods),
    # never one replica behind a load-balanced Service.
    - api_version: v2
      scheme: http
      dns_sd_configs:
        - names: [{{ include "prometheus.alertmanagerHost" . | quote }}]
          type: A
          port: 9093
          refresh_interval: 30s
scrape_configs:
  # The stack's own components: every pod of this release with a port named http, sidecar-http or metrics.
  - job_name: ha-monitoring
    kubernetes_sd_configs:
      - role: pod
        namespaces:
          names: [{{ .Release.Namespace | quote }}]
        selectors:
          - role: pod
            label: "app.kubernetes.io/instance={{ .Release.Name }}"
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_phase]
        regex: Running
        action: keep
      - source_labels: [__meta_kubernetes_pod_container_port_name]
        regex: http|sidecar-http|metrics
        action: keep
      - source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_name]
        target_label: component
      - source_labels: [__meta_kubernetes_pod_container_port_name]
        target_label: endpoint
      - source_labels: [__meta_kubernetes_pod_name]
        target_label: pod
      - source_labels: [__meta_kubernetes_namespace]
        target_label: namespace
  # The object state kube-state-metrics exports (its port "state"; kubeStateMetrics.enabled, else
  # this finds nothing). Its series name the objects' own namespace, pod and container: kept as
  # they are (honor_labels) instead of being overwritten by the target's.
  - job_name: kube-state-metrics
    honor_labels: true
    kubernetes_sd_configs:
      - role: pod
        namespaces:
          names: [{{ .Release.Namespace | quote }}]
        selectors:
          - role: pod
            label: "app.kubernetes.io/instance={{ .Release.Name }},app.kubernetes.io/name=kube-state-metrics"
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_phase]
        regex: Running
        action: keep
      - source_labels: [__meta_kubernetes_pod_container_port_name]
        regex: state
        action: keep
{{- if .Values.scrapeCluster }}
  # Host metrics of every node (nodeExporter.enabled, else this finds nothing). node-exporter runs
  # in a namespace of its own, so its pods are found by label in every namespace (the cluster-wide
  # discovery of scrapeCluster).
  - job_name: node-exporter
    kubernetes_sd_configs:
      - role: pod
        selectors:
          - role: pod
            label: "app.kubernetes.io/instance={{ .Release.Name }},app.kubernetes.io/name=node-exporter"
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_phase]
        regex: Running
        action: keep
      - source_labels: [__meta_kubernetes_pod_container_port_name]
        regex: metrics
        action: keep
      - source_labels: [__meta_kubernetes_pod_node_name]
        target_label: node
  - job_name: kubernetes-apiservers
    scheme: https
    kubernetes_sd_configs:
      - role: endpointslice
        namespaces:
          names: [default]
    authorization:
      credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
    tls_config:
      ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    relabel_configs:
      - source_labels: [__meta_kubernetes_service_name, __meta_kubernetes_endpointslice_port_name]
        regex: kubernetes;https
        action: keep
  - job_name: kubernetes-nodes
    scheme: https
    kubernetes_sd_configs:
      - role: node
    authorization:
      credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
    tls_config:
      ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
      # Kubelet serving certificates are commonly self-signed per node.
      insecure_skip_verify: true
    relabel_configs:
      - action: labelmap
        regex: __meta_kubernetes_node_label_(.+)
  - job_name: kubernetes-cadvisor
    scheme: https
    metrics_path: /metrics/cadvisor
    kubernetes_sd_configs:
      - role: node
    authorization:
      credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
    tls_config:
      ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
      insecure_skip_verify: true
    relabel_configs:
      - action: labelmap
        regex: __meta_kubernetes_node_label_(.+)
  # Services and pods of other workloads that ask for it with prometheus.io/* annotations.
  - job_name: kubernetes-service-endpoints
    kubernetes_sd_configs:
      - role: endpointslice
    relabel_configs:
      - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scrape]
        regex: "true"
        action: keep
      - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scheme]
        regex: (https?)
        target_label: __scheme__
      - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_path]
        regex: (.+)
        target_label: __metrics_path__
      - source_labels: [__address__, __meta_kubernetes_service_annotation_prometheus_io_port]
        regex: ([^:]+)(?::\d+)?;(\d+)
        replacement: $1:$2
        target_label: __address__
      - source_labels: [__meta_kubernetes_namespace]
        target_label: namespace
      - source_labels: [__meta_kubernetes_service_name]
        target_label: service
  - job_name: kubernetes-pods
    kubernetes_sd_configs:
      - role: pod
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
        regex: "true"
        action: keep
      - source_labels: [__meta_kubernetes_pod_phase]
        regex: Running
        action: keep
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
        regex: (.+)
        target_label: __metrics_path__
      - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
        regex: ([^:]+)(?::\d+)?;(\d+)
        replacement: $1:$2
        target_label: __address__
      - source_labels: [__meta_kubernetes_namespace]
        target_label: namespace
      - source_labels: [__meta_kubernetes_pod_name]
        target_label: pod
{{- end }}
{{- with .Values.extraScrapeConfigs }}
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
