{{/*
Rules the chart ships for the stack's own failure modes, one group per component, and for the
cluster (kubernetes: kubelets, API servers, cAdvisor; nodes: node-exporter and node conditions;
workloads: kube-state-metrics), each switchable
(prometheus.rules.<group>.enabled) with its thresholds next to it. Every selector names the
chart's own scrape job and a component label, so a rule never matches another release's pods and
never fires for a component that is not deployed. Every alert gets severity, component, summary
and a runbook_url pointing at its section of docs/runbooks.md (added here, once, for all groups).
Both Prometheus replicas evaluate every rule; Alertmanager receives one alert (replica label dropped).

{{ include "prometheus.rules" $ }}: the rules file (prometheus.ruleGroups appended).
*/}}
{{- define "prometheus.rules.groupNames" -}}
general: ha-monitoring
prometheus: ha-monitoring-prometheus
thanos: ha-monitoring-thanos
alertmanager: ha-monitoring-alertmanager
redis: ha-monitoring-redis
grafana: ha-monitoring-grafana
loki: ha-monitoring-loki
kubernetes: ha-monitoring-kubernetes
nodes: ha-monitoring-nodes
workloads: ha-monitoring-workloads
{{- end -}}

{{- define "prometheus.rules" -}}
{{- $names := include "prometheus.rules.groupNames" . | fromYaml -}}
{{- $runbook := .Values.rules.runbookUrl -}}
{{- $groups := list -}}
{{- $shipped := dict -}}
{{- range $key := list "general" "prometheus" "thanos" "alertmanager" "redis" "grafana" "loki" "kubernetes" "nodes" "workloads" -}}
{{- $settings := index $.Values.rules $key -}}
{{- $_ := set $shipped (index $names $key) $key -}}
{{- /* The cluster rules read the cluster scrape jobs, which exist only with scrapeCluster. */ -}}
{{- if and $settings.enabled (or (ne $key "kubernetes") $.Values.scrapeCluster) -}}
{{- $rules := list -}}
{{- range $rule := include (printf "prometheus.rules.%s" $key) $settings | fromYamlArray -}}
{{- if hasKey $rule "alert" -}}
{{- $_ := set $rule.annotations "runbook_url" (printf "%s#%s" $runbook (lower $rule.alert)) -}}
{{- end -}}
{{- $rules = append $rules $rule -}}
{{- end -}}
{{- $groups = append $groups (dict "name" (index $names $key) "rules" $rules) -}}
{{- end -}}
{{- end -}}
{{- $seen := dict -}}
{{- range $i, $group := .Values.ruleGroups -}}
{{- if hasKey $shipped $group.name -}}
{{- fail (printf "prometheus.ruleGroups[%d].name: %q is the name of the chart's rule group prometheus.rules.%s; pick another name (or switch the chart's group off with prometheus.rules.%s.enabled=false and name yours differently)." $i $group.name (index $shipped $group.name) (index $shipped $group.name)) -}}
{{- end -}}
{{- if hasKey $seen $group.name -}}
{{- fail (printf "prometheus.ruleGroups[%d].name: %q is already the name of prometheus.ruleGroups[%d]; Prometheus refuses a rules file with two groups of one name." $i $group.name (index $seen $group.name)) -}}
{{- end -}}
{{- $_ := set $seen $group.name $i -}}
{{- $groups = append $groups $group -}}
{{- end -}}
{{- toYaml (dict "groups" $groups) -}}
{{- end -}}

{{- define "prometheus.rules.general" -}}
- alert: Watchdog
  # Always firing: route it to a dead man's switch, which alerts when it stops arriving.
  expr: vector(1)
  labels:
    severity: none
  annotations:
    summary: Always firing; proves the alerting pipeline end to end.
- alert: HaMonitoringTargetDown
  expr: up{job="ha-monitoring"} == 0
  for: 5m
  labels:
    severity: warning
  annotations:
    summary: {{`"{{ $labels.component }} pod {{ $labels.pod }} ({{ $labels.endpoint }}) is not answering scrapes."`}}
{{- end -}}

{{- define "prometheus.rules.prometheus" -}}
{{- $p := `job="ha-monitoring", component="prometheus", endpoint="http"` -}}
- record: ha_monitoring:prometheus_samples_appended:rate5m
  expr: sum by (namespace, component, pod) (rate(prometheus_tsdb_head_samples_appended_total{ {{- $p -}} }[5m]))
- alert: PrometheusConfigReloadFailed
  expr: max_over_time(prometheus_config_last_reload_successful{ {{- $p -}} }[5m]) == 0
  for: 10m
  labels:
    severity: warning
  annotations:
    summary: {{`"Prometheus {{ $labels.pod }} could not load its changed configuration and still runs the previous one."`}}
- alert: PrometheusRuleEvaluationFailures
  expr: sum by (namespace, component, pod, rule_group) (increase(prometheus_rule_evaluation_failures_total{ {{- $p -}} }[5m])) > 0
  for: 15m
  labels:
    severity: critical
  annotations:
    summary: {{`"Prometheus {{ $labels.pod }} fails to evaluate rules of {{ $labels.rule_group }}: their alerts cannot fire."`}}
- alert: PrometheusRuleEvaluationsMissed
  expr: sum by (namespace, component, pod, rule_group) (increase(prometheus_rule_group_iterations_missed_total{ {{- $p -}} }[5m])) > 0
  for: 15m
  labels:
    severity: warning
  annotations:
    summary: {{`"Prometheus {{ $labels.pod }} skips evaluations of {{ $labels.rule_group }}: the group takes longer than its interval."`}}
- alert: PrometheusNotConnectedToAllAlertmanagers
  # Compared with the Alertmanager pods this Prometheus scrapes: a replica that reaches only some
  # of them loses notifications when those fail.
  expr: |
    max by (namespace, component, pod) (prometheus_notifications_alertmanagers_discovered{ {{- $p -}} })
      < on (namespace) group_left ()
    count by (namespace) (up{job="ha-monitoring", component="alertmanager"} == 1)
  for: 10m
  labels:
    severity: warning
  annotations:
    summary: {{`"Prometheus {{ $labels.pod }} sends alerts to {{ $value }} Alertmanagers, fewer than are running."`}}
- alert: PrometheusNotificationErrors
  expr: |
    sum by (namespace, component, pod, alertmanager) (rate(prometheus_notifications_errors_total{ {{- $p -}} }[5m]))
      /
    sum by (namespace, component, pod, alertmanager) (rate(prometheus_notifications_sent_total{ {{- $p -}} }[5m]))
      > {{ .notificationErrorRatio }}
  for: 15m
  labels:
    severity: warning
  annotations:
    summary: {{`"Prometheus {{ $labels.pod }} fails to send {{ $value | humanizePercentage }} of its alerts to {{ $labels.alertmanager }}."`}}
- alert: PrometheusNotificationQueueFilling
  expr: |
    prometheus_notifications_queue_length{ {{- $p -}} } / prometheus_notifications_queue_capacity{ {{- $p -}} }
      > {{ .notificationQueueRatio }}
  for: 15m
  labels:
    severity: warning
  annotations:
    summary: {{`"Prometheus {{ $labels.pod }}'s alert queue is {{ $value | humanizePercentage }} full; a full queue drops alerts."`}}
- alert: PrometheusTsdbCompactionsFailing
  # With 2h min/max block duration "compaction" is the cut of the head into the block the sidecar uploads.
  expr: increase(prometheus_tsdb_compactions_failed_total{ {{- $p -}} }[3h]) > 0
  labels:
    severity: warning
  annotations:
    summary: {{`"Prometheus {{ $labels.pod }} failed to cut {{ $value | humanize }} TSDB blocks in 3 hours; the sidecar has nothing to upload."`}}
- alert: PrometheusTsdbReloadsFailing
  expr: increase(prometheus_tsdb_reloads_failures_total{ {{- $p -}} }[3h]) > 0
  labels:
    severity: warning
  annotations:
    summary: {{`"Prometheus {{ $labels.pod }} failed to reload its TSDB blocks from disk {{ $value | humanize }} times in 3 hours."`}}
- alert: PrometheusTsdbWalFailures
  expr: |
    increase(prometheus_tsdb_wal_writes_failed_total{ {{- $p -}} }[15m]) > 0
      or
    increase(prometheus_tsdb_wal_corruptions_total{ {{- $p -}} }[3h]) > 0
  labels:
    severity: critical
  annotations:
    summary: {{`"Prometheus {{ $labels.pod }} cannot write its write-ahead log, or found it corrupt: recent samples are being lost."`}}
- alert: PrometheusReplicaIngestionGap
  # The replicas scrape the same targets, so they should ingest about the same number of samples;
  # one far below its twin is silently missing targets or series (and dedup may serve its gaps).
  expr: |
    ha_monitoring:prometheus_samples_appended:rate5m
      < on (namespace) group_left ()
    (max by (namespace) (ha_monitoring:prometheus_samples_appended:rate5m) * {{ .replicaIngestionRatio }})
  for: 15m
  labels:
    severity: warning
  annotations:
    summary: {{`"Prometheus {{ $labels.pod }} ingests {{ $value | humanize }} samples/s, far fewer than its twin replica."`}}
{{- end -}}

{{- define "prometheus.rules.thanos" -}}
{{- $sidecar := `job="ha-monitoring", component="prometheus", endpoint="sidecar-http"` -}}
{{- $query := `job="ha-monitoring", component=~"thanos-query|thanos-query-frontend"` -}}
{{- $compactor := `job="ha-monitoring", component="thanos-compactor"` -}}
{{- $hours := int .sidecarUploadMaxAgeHours -}}
{{- $idle := int .compactorMaxIdleHours -}}
- alert: ThanosSidecarPrometheusDown
  expr: thanos_sidecar_prometheus_up{ {{- $sidecar -}} } == 0
  for: 5m
  labels:
    severity: warning
  annotations:
    summary: {{`"The Thanos sidecar of {{ $labels.pod }} cannot reach its Prometheus: that replica serves and uploads nothing."`}}
- alert: ThanosSidecarNotUploading
  # Only sidecars upload (the store gateway and compactor export the same gauge at 0), and a
  # new sidecar reports 0 until it cuts its first 2h block: judge those by their age instead.
  expr: |
    (time() - max by (namespace, component, pod) (thanos_objstore_bucket_last_successful_upload_time{ {{- $sidecar -}} } > 0) > {{ $hours }} * 3600)
      or on (namespace, pod)
    (max by (namespace, component, pod) (thanos_objstore_bucket_last_successful_upload_time{ {{- $sidecar -}} }) == 0
      and on (namespace, pod) time() - max by (namespace, pod) (process_start_time_seconds{ {{- $sidecar -}} }) > {{ $hours }} * 3600)
  for: 30m
  labels:
    severity: warning
  annotations:
    summary: {{ printf "\"Thanos sidecar {{ $labels.pod }} has not uploaded a block for %d hours.\"" $hours }}
- alert: ThanosSidecarUploadFailures
  # A failed upload fails the whole shipping run (dir_sync_failures); only with out-of-order
  # uploads allowed does the shipper carry on and count the block in upload_failures instead.
  expr: |
    increase(thanos_shipper_dir_sync_failures_total{ {{- $sidecar -}} }[1h]) > 0
      or
    increase(thanos_shipper_upload_failures_total{ {{- $sidecar -}} }[1h]) > 0
  for: 15m
  labels:
    severity: warning
  annotations:
    summary: {{`"Thanos sidecar {{ $labels.pod }} failed {{ $value | humanize }} block shipping runs in the last hour."`}}
- alert: ThanosQueryStoreEndpointsMissing
  # Compared with the sidecars and store gateways that answer scrapes: a store API that is up but
  # not connected is missing from every query result (and a replica's data serves no dedup).
  expr: |
    sum by (namespace, component, pod) (thanos_store_nodes_grpc_connections{job="ha-monitoring", component="thanos-query"})
      < on (namespace) group_left ()
    count by (namespace) (up{job="ha-monitoring", endpoint="sidecar-http"} == 1 or up{job="ha-monitoring", component="thanos-store", endpoint="http"} == 1)
  for: 10m
  labels:
    severity: warning
  annotations:
    summary: {{`"Thanos Query {{ $labels.pod }} is connected to {{ $value }} store APIs, fewer than the sidecars and store gateways that are up."`}}
- alert: ThanosQueryDnsFailures
  expr: |
    sum by (namespace, component, pod) (rate(thanos_query_endpoints_dns_failures_total{job="ha-monitoring", component="thanos-query"}[5m]))
      /
    sum by (namespace, component, pod) (rate(thanos_query_endpoints_dns_lookups_total{job="ha-monitoring", component="thanos-query"}[5m]))
      > 0.01
  for: 15m
  labels:
    severity: warning
  annotations:
    summary: {{`"Thanos Query {{ $labels.pod }} fails {{ $value | humanizePercentage }} of its store discovery lookups."`}}
- alert: ThanosQueryHttpErrors
  expr: |
    sum by (namespace, component, pod) (rate(http_requests_total{ {{- $query -}}, code=~"5.."}[5m]))
      /
    sum by (namespace, component, pod) (rate(http_requests_total{ {{- $query -}} }[5m]))
      > {{ .queryErrorRatio }}
  for: 10m
  labels:
    severity: warning
  annotations:
    summary: {{`"{{ $labels.pod }} answers {{ $value | humanizePercentage }} of its HTTP requests with a server error."`}}
- alert: ThanosQueryLatencyHigh
  expr: |
    histogram_quantile(0.99, sum by (namespace, component, pod, le) (rate(http_request_duration_seconds_bucket{ {{- $query -}}, handler=~"query|query_range"}[5m])))
      > {{ .queryLatencySeconds }}
  for: 10m
  labels:
    severity: warning
  annotations:
    summary: {{`"99% of queries to {{ $labels.pod }} take up to {{ $value | humanizeDuration }}."`}}
- alert: ThanosCompactHalted
  expr: thanos_compact_halted{ {{- $compactor -}} } == 1
  for: 5m
  labels:
    severity: warning
  annotations:
    summary: {{`"The Thanos compactor {{ $labels.pod }} halted on an error: no compaction, downsampling or retention until it is fixed."`}}
- alert: ThanosCompactNotRun
  # Judged only once the process is older than the window, so a fresh compactor is not reported.
  expr: |
    increase(thanos_compact_iterations_total{ {{- $compactor -}} }[{{ $idle }}h]) == 0
      and on (namespace, pod)
    time() - process_start_time_seconds{ {{- $compactor -}} } > {{ $idle }} * 3600
  for: 15m
  labels:
    severity: warning
  annotations:
    summary: {{ printf "\"The Thanos compactor {{ $labels.pod }} has not completed a compaction run in %d hours.\"" $idle }}
- alert: ThanosBucketOperationsFailing
  expr: |
    sum by (namespace, component, pod, operation) (rate(thanos_objstore_bucket_operation_failures_total{job="ha-monitoring"}[5m]))
      /
    sum by (namespace, component, pod, operation) (rate(thanos_objstore_bucket_operations_total{job="ha-monitoring"}[5m]))
      > {{ .bucketErrorRatio }}
  for: 15m
  labels:
    severity: warning
  annotations:
    summary: {{`"{{ $labels.pod }} fails {{ $value | humanizePercentage }} of its object store {{ $labels.operation }} operations."`}}
- alert: ThanosBlockMetadataSyncFailing
  expr: increase(thanos_blocks_meta_sync_failures_total{job="ha-monitoring"}[30m]) > 0
  for: 15m
  labels:
    severity: warning
  annotations:
    summary: {{`"{{ $labels.pod }} cannot read the object store's block list: it serves or compacts a stale view."`}}
{{- end -}}

{{- define "prometheus.rules.alertmanager" -}}
{{- $a := `job="ha-monitoring", component="alertmanager"` -}}
- alert: AlertmanagerClusterDegraded
  # Each replica's view against the number of replicas scraped: a replica that sees fewer members
  # (or forms a cluster of its own) does not share silences and notification state.
  expr: |
    max_over_time(alertmanager_cluster_members{ {{- $a -}} }[5m])
      < on (namespace) group_left ()
    count by (namespace) (max_over_time(alertmanager_cluster_members{ {{- $a -}} }[5m]))
  for: 10m
  labels:
    severity: warning
  annotations:
    summary: {{`"Alertmanager {{ $labels.pod }} sees {{ $value }} cluster members, fewer than there are replicas; notifications may be duplicated."`}}
- alert: AlertmanagerConfigReloadFailed
  expr: max_over_time(alertmanager_config_last_reload_successful{ {{- $a -}} }[5m]) == 0
  for: 10m
  labels:
    severity: warning
  annotations:
    summary: {{`"Alertmanager {{ $labels.pod }} could not load its changed configuration and still runs the previous one."`}}
- alert: AlertmanagerConfigInconsistent
  expr: count by (namespace) (count_values by (namespace) ("config_hash", alertmanager_config_hash{ {{- $a -}} })) > 1
  for: 20m
  labels:
    severity: warning
    component: alertmanager
  annotations:
    summary: {{`"The Alertmanager replicas run {{ $value }} different configurations."`}}
- alert: AlertmanagerNotificationsFailing
  expr: |
    sum by (namespace, component, pod, integration) (rate(alertmanager_notifications_failed_total{ {{- $a -}} }[5m]))
      /
    sum by (namespace, component, pod, integration) (rate(alertmanager_notifications_total{ {{- $a -}} }[5m]))
      > {{ .notificationErrorRatio }}
  for: 5m
  labels:
    severity: warning
  annotations:
    summary: {{`"Alertmanager {{ $labels.pod }} fails {{ $value | humanizePercentage }} of its {{ $labels.integration }} notifications."`}}
- alert: AlertmanagerClusterNotificationsFailing
  # Over all replicas: one replica notifies and the others stand by, so per-replica ratios say
  # little about whether notifications get through at all.
  expr: |
    sum by (namespace, component, integration) (rate(alertmanager_notifications_failed_total{ {{- $a -}} }[5m]))
      /
    sum by (namespace, component, integration) (rate(alertmanager_notifications_total{ {{- $a -}} }[5m]))
      > {{ .notificationErrorRatio }}
  for: 5m
  labels:
    severity: critical
  annotations:
    summary: {{`"The Alertmanager cluster fails {{ $value | humanizePercentage }} of its {{ $labels.integration }} notifications."`}}
{{- end -}}

{{- define "prometheus.rules.redis" -}}
{{- $h := `job="ha-monitoring", component="redis-haproxy", proxy="redis-master"` -}}
{{- /* HAProxy passes only servers answering role:master, so its count of active servers is the number of masters it sees. */}}
- alert: RedisNoMaster
  expr: max by (namespace, component, pod) (haproxy_backend_active_servers{ {{- $h -}} }) == 0
  for: 1m
  labels:
    severity: critical
  annotations:
    summary: {{`"HAProxy {{ $labels.pod }} finds no Redis master: Grafana's cache and Live fan-out are down."`}}
- alert: RedisMultipleMasters
  # Two pods answering role:master means the Sentinels disagree (split brain); HAProxy would
  # spread connections over both, and the caches diverge.
  expr: max by (namespace, component, pod) (haproxy_backend_active_servers{ {{- $h -}} }) > 1
  for: 1m
  labels:
    severity: critical
  annotations:
    summary: {{`"HAProxy {{ $labels.pod }} sees {{ $value }} Redis masters: the Sentinels disagree."`}}
{{- end -}}

{{- define "prometheus.rules.grafana" -}}
{{- $g := `job="ha-monitoring", component="grafana"` -}}
- alert: GrafanaDown
  expr: sum by (namespace, component) (up{ {{- $g -}} }) == 0
  for: 5m
  labels:
    severity: critical
  annotations:
    summary: No Grafana replica answers.
- alert: GrafanaRequestErrors
  # Grafana answers 5xx when its database (PostgreSQL) fails it; the runbook starts there.
  expr: |
    sum by (namespace, component, pod) (rate(grafana_http_request_duration_seconds_count{ {{- $g -}}, status_code=~"5.."}[5m]))
      /
    sum by (namespace, component, pod) (rate(grafana_http_request_duration_seconds_count{ {{- $g -}} }[5m]))
      > {{ .requestErrorRatio }}
  for: 10m
  labels:
    severity: warning
  annotations:
    summary: {{`"Grafana {{ $labels.pod }} answers {{ $value | humanizePercentage }} of its requests with a server error."`}}
{{- end -}}

{{- define "prometheus.rules.loki" -}}
{{- $l := `job="ha-monitoring", component=~"loki-.+"` -}}
- alert: LokiRequestErrors
  expr: |
    sum by (namespace, component, pod, route) (rate(loki_request_duration_seconds_count{ {{- $l -}}, status_code=~"5.."}[5m]))
      /
    sum by (namespace, component, pod, route) (rate(loki_request_duration_seconds_count{ {{- $l -}} }[5m]))
      > {{ .requestErrorRatio }}
  for: 15m
  labels:
    severity: warning
  annotations:
    summary: {{`"{{ $labels.pod }} answers {{ $value | humanizePercentage }} of {{ $labels.route }} requests with a server error."`}}
- alert: LokiRequestPanics
  expr: sum by (namespace, component, pod) (increase(loki_panic_total{ {{- $l -}} }[10m])) > 0
  labels:
    severity: warning
  annotations:
    summary: {{`"{{ $labels.pod }} recovered from {{ $value | humanize }} panics in 10 minutes."`}}
{{- end -}}

{{- define "prometheus.rules.kubernetes" -}}
- alert: KubeletDown
  expr: up{job="kubernetes-nodes"} == 0
  for: 10m
  labels:
    severity: warning
    component: kubelet
  annotations:
    summary: {{`"The kubelet of node {{ $labels.instance }} does not answer scrapes: the node may be down or unreachable."`}}
- alert: KubernetesApiServerDown
  expr: absent(up{job="kubernetes-apiservers"} == 1)
  for: 5m
  labels:
    severity: critical
    component: kube-apiserver
  annotations:
    summary: No Kubernetes API server answers Prometheus; service discovery, and with it every scrape target change, is stalled.
- alert: KubernetesApiServerErrors
  expr: |
    sum by (job) (rate(apiserver_request_total{job="kubernetes-apiservers", code=~"5.."}[5m]))
      /
    sum by (job) (rate(apiserver_request_total{job="kubernetes-apiservers"}[5m]))
      > {{ .apiServerErrorRatio }}
  for: 10m
  labels:
    severity: warning
    component: kube-apiserver
  annotations:
    summary: {{`"The Kubernetes API servers answer {{ $value | humanizePercentage }} of their requests with a server error."`}}
- alert: KubernetesVolumeFillingUp
  expr: |
    1 - kubelet_volume_stats_available_bytes{job="kubernetes-nodes"} / kubelet_volume_stats_capacity_bytes{job="kubernetes-nodes"}
      > {{ .volumeUsedRatio }}
  for: 5m
  labels:
    severity: warning
    component: kubelet
  annotations:
    summary: {{`"Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full."`}}
- alert: KubeletClientCertificateExpiring
  # The kubelet renews its client certificate itself; one close to expiry means the renewal (a CSR
  # the controller manager must approve and sign) keeps failing, and the node drops out when it lapses.
  expr: kubelet_certificate_manager_client_ttl_seconds{job="kubernetes-nodes"} < {{ int .certificateExpiryDays }} * 86400
  for: 1h
  labels:
    severity: warning
    component: kubelet
  annotations:
    summary: {{`"The kubelet client certificate of node {{ $labels.instance }} expires in {{ $value | humanizeDuration }}."`}}
- alert: KubernetesApiServerClientCertificateExpiring
  # The soonest-expiring 1% of the client certificates presented to the API servers.
  expr: |
    histogram_quantile(0.01, sum by (job, le) (rate(apiserver_client_certificate_expiration_seconds_bucket{job="kubernetes-apiservers"}[5m])))
      < {{ int .certificateExpiryDays }} * 86400
      and on (job)
    sum by (job) (rate(apiserver_client_certificate_expiration_seconds_count{job="kubernetes-apiservers"}[5m])) > 0
  for: 1h
  labels:
    severity: warning
    component: kube-apiserver
  annotations:
    summary: {{`"Clients present certificates to the API servers that expire within {{ $value | humanizeDuration }}."`}}
- alert: KubernetesContainerOomKilled
  expr: increase(container_oom_events_total{job="kubernetes-cadvisor", container!=""}[10m]) > 0
  labels:
    severity: warning
    component: cadvisor
  annotations:
    summary: {{`"Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} was killed for running out of memory."`}}
- alert: KubernetesContainerMemoryNearLimit
  expr: |
    container_memory_working_set_bytes{job="kubernetes-cadvisor", container!=""}
      / (container_spec_memory_limit_bytes{job="kubernetes-cadvisor", container!=""} > 0)
      > {{ .memoryLimitRatio }}
  for: 15m
  labels:
    severity: warning
    component: cadvisor
  annotations:
    summary: {{`"Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} of its memory limit."`}}
{{- end -}}


{{- define "prometheus.rules.nodes" -}}
{{- $n := `job="node-exporter"` -}}
{{- $fs := `job="node-exporter", fstype!~"tmpfs|ramfs|squashfs|overlay|nsfs|fuse.*", mountpoint!~"/(run|var/lib/kubelet)(/.*)?"` -}}
- alert: NodeExporterDown
  expr: up{ {{- $n -}} } == 0
  for: 5m
  labels:
    severity: warning
    component: node-exporter
  annotations:
    summary: {{`"node-exporter on node {{ $labels.node }} does not answer: the node is down, unreachable, or its exporter failed."`}}
- alert: KubeNodeNotReady
  expr: kube_node_status_condition{job="kube-state-metrics", condition="Ready", status="true"} == 0
  for: 5m
  labels:
    severity: critical
    component: kube-state-metrics
  annotations:
    summary: {{`"Node {{ $labels.node }} has not been Ready for 5 minutes: its pods are being evicted or are unreachable."`}}
- alert: KubeNodeMemoryPressure
  expr: kube_node_status_condition{job="kube-state-metrics", condition="MemoryPressure", status="true"} == 1
  for: 5m
  labels:
    severity: warning
    component: kube-state-metrics
  annotations:
    summary: {{`"Node {{ $labels.node }} reports MemoryPressure: the kubelet evicts pods from it."`}}
- alert: NodeMemoryLow
  expr: |
    node_memory_MemAvailable_bytes{ {{- $n -}} } / node_memory_MemTotal_bytes{ {{- $n -}} }
      < {{ .memoryAvailableRatio }}
  for: 15m
  labels:
    severity: warning
    component: node-exporter
  annotations:
    summary: {{`"Node {{ $labels.node }} has only {{ $value | humanizePercentage }} of its memory available."`}}
- alert: NodeFilesystemAlmostFull
  expr: |
    node_filesystem_avail_bytes{ {{- $fs -}} } / node_filesystem_size_bytes{ {{- $fs -}} }
      < {{ .filesystemAvailableRatio }}
      and
    node_filesystem_readonly{ {{- $fs -}} } == 0
  for: 30m
  labels:
    severity: critical
    component: node-exporter
  annotations:
    summary: {{`"Filesystem {{ $labels.mountpoint }} of node {{ $labels.node }} has only {{ $value | humanizePercentage }} space left."`}}
- alert: NodeFilesystemFillingUp
  # The trend of the last 6 hours, extrapolated; only for filesystems already past half full, so a
  # burst of writes on an empty disk does not page.
  expr: |
    predict_linear(node_filesystem_avail_bytes{ {{- $fs -}} }[6h], {{ int .filesystemPredictHours }} * 3600) < 0
      and
    node_filesystem_avail_bytes{ {{- $fs -}} } / node_filesystem_size_bytes{ {{- $fs -}} } < 0.5
      and
    node_filesystem_readonly{ {{- $fs -}} } == 0
  for: 1h
  labels:
    severity: warning
    component: node-exporter
  annotations:
    summary: {{ printf "\"Filesystem {{ $labels.mountpoint }} of node {{ $labels.node }} fills up within %d hours at the current rate.\"" (int .filesystemPredictHours) }}
{{- end -}}

{{- define "prometheus.rules.workloads" -}}
{{- $k := `job="kube-state-metrics"` -}}
- alert: KubeStateMetricsListErrors
  # Its own metrics (telemetry port, the chart's job). A healthy kube-state-metrics streams its
  # initial lists as watches and counts no list calls; when that fails (typically after an RBAC
  # change) it falls back to listing, and the failed lists are counted here, while its kube_*
  # series go stale.
  expr: sum by (namespace, component, pod) (increase(kube_state_metrics_list_total{job="ha-monitoring", component="kube-state-metrics", result="error"}[10m])) > 0
  for: 15m
  labels:
    severity: warning
  annotations:
    summary: {{`"kube-state-metrics {{ $labels.pod }} failed {{ $value | humanize }} list calls in 10 minutes: the cluster rules see stale objects."`}}
- alert: KubePodCrashLooping
  expr: |
    max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason{ {{- $k -}}, reason="CrashLoopBackOff"}[10m])) >= 1
      or
    max by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{ {{- $k -}} }[1h])) > {{ int .podRestartsPerHour }}
  for: 15m
  labels:
    severity: warning
    component: kube-state-metrics
  annotations:
    summary: {{`"Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} keeps restarting."`}}
- alert: KubeDeploymentReplicasMismatch
  expr: |
    kube_deployment_status_replicas_available{ {{- $k -}} } != kube_deployment_spec_replicas{ {{- $k -}} }
  for: 15m
  labels:
    severity: warning
    component: kube-state-metrics
  annotations:
    summary: {{`"Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has had {{ $value }} available replicas, not its desired count, for 15 minutes."`}}
- alert: KubeStatefulSetReplicasMismatch
  expr: |
    kube_statefulset_status_replicas_ready{ {{- $k -}} } != kube_statefulset_replicas{ {{- $k -}} }
  for: 15m
  labels:
    severity: warning
    component: kube-state-metrics
  annotations:
    summary: {{`"StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has had {{ $value }} ready replicas, not its desired count, for 15 minutes."`}}
- alert: KubeDaemonSetNotReady
  expr: |
    kube_daemonset_status_number_ready{ {{- $k -}} } < kube_daemonset_status_desired_number_scheduled{ {{- $k -}} }
  for: 15m
  labels:
    severity: warning
    component: kube-state-metrics
  annotations:
    summary: {{`"DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} has only {{ $value }} pods ready, fewer than the nodes it should run on."`}}
- alert: KubePersistentVolumeClaimPending
  expr: kube_persistentvolumeclaim_status_phase{ {{- $k -}}, phase="Pending"} == 1
  for: 15m
  labels:
    severity: warning
    component: kube-state-metrics
  annotations:
    summary: {{`"PersistentVolumeClaim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has been Pending for 15 minutes: its pod cannot start."`}}
{{- end -}}
