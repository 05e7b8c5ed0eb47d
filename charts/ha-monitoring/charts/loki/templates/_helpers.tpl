{{/*
Loki in simple scalable mode: three targets (write, read, backend) of one image and one config.
*/}}

{{/* Every write is replicated to this many ingesters (write pods); a push needs floor(3/2)+1 = 2 acks. */}}
{{- define "loki.replicationFactor" -}}3{{- end -}}

{{/* Pod label shared by the three targets; the memberlist Service selects it (with the release): {{ include "loki.memberlistLabel" . | nindent 8 }} */}}
{{- define "loki.memberlistLabel" -}}
ha-monitoring/loki-memberlist: "true"
{{- end -}}

{{/* Render-time checks of the loki block: {{ include "loki.validate" $ }} */}}
{{- define "loki.validate" -}}
{{- if not .Values.storage.existingSecret -}}
{{- fail "loki.storage.existingSecret is required when loki.enabled=true: create a Secret with the keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the object store credentials) in the release namespace and set loki.storage.existingSecret to its name. The chart never renders credentials itself." -}}
{{- end -}}
{{- if ne .Values.storage.type "s3" -}}
{{- fail (printf "loki.storage.type=%q is not supported: this chart configures Loki's object store as S3 (or an S3-compatible endpoint through loki.storage.s3.endpoint). Set loki.storage.type=s3." .Values.storage.type) -}}
{{- end -}}
{{- if or (not .Values.storage.bucketNames.chunks) (not .Values.storage.bucketNames.ruler) -}}
{{- fail "loki.storage.bucketNames.chunks and loki.storage.bucketNames.ruler must both name an existing bucket (chunks and index; ruler rules)." -}}
{{- end -}}
{{- $rf := int (include "loki.replicationFactor" .) -}}
{{- if lt (int .Values.write.replicas) $rf -}}
{{- fail (printf "loki.write.replicas=%d is below the replication factor %d: each log stream is written to %d distinct write pods and a push needs %d of them to acknowledge, so with fewer write pods pushes fail outright or stop as soon as one pod is lost. Set loki.write.replicas to %d or more." (int .Values.write.replicas) $rf $rf (add (div $rf 2) 1) $rf) -}}
{{- end -}}
{{- if lt (int .Values.read.replicas) 1 -}}
{{- fail "loki.read.replicas must be at least 1 (2 or more for HA)." -}}
{{- end -}}
{{- if lt (int .Values.backend.replicas) 1 -}}
{{- fail "loki.backend.replicas must be at least 1 (2 or more for HA): it runs the compactor, index gateway, query scheduler and ruler." -}}
{{- end -}}
{{- end -}}

{{/* The S3 client settings shared by the chunk store and the ruler store, for one bucket: {{ include "loki.s3" (dict "bucket" "loki-chunks" "context" $) | nindent 6 }} */}}
{{- define "loki.s3" -}}
{{- $s3 := .context.Values.storage.s3 -}}
{{- with $s3.endpoint }}
endpoint: {{ . | quote }}
{{- end }}
{{- with $s3.region }}
region: {{ . | quote }}
{{- end }}
bucketnames: {{ .bucket | quote }}
# Expanded at start-up (-config.expand-env=true) from the env of loki.storage.existingSecret.
access_key_id: ${AWS_ACCESS_KEY_ID}
secret_access_key: ${AWS_SECRET_ACCESS_KEY}
s3forcepathstyle: {{ $s3.forcePathStyle | default false }}
insecure: {{ $s3.insecure | default false }}
{{- end -}}

{{/* The Loki configuration file (config.yaml), shared by the three targets: {{ include "loki.config" $ }} */}}
{{- define "loki.config" -}}
{{- $backend := include "common.names.fullname" (dict "component" "loki-backend" "context" .) -}}
{{- $backendHeadless := include "common.names.headless" (dict "component" "loki-backend" "context" .) -}}
{{- $memberlist := include "common.names.fullname" (dict "component" "loki-memberlist" "context" .) -}}
auth_enabled: false

server:
  http_listen_port: 3100
  grpc_listen_port: 9095
  log_level: info

common:
  path_prefix: /var/loki
  replication_factor: {{ include "loki.replicationFactor" . }}
  # Delete requests and retention are served by the compactor, which runs in the backend target.
  compactor_address: http://{{ include "common.names.serviceHost" (dict "service" $backend "context" .) }}:3100
  ring:
    kvstore:
      store: memberlist
  storage:
    s3:
      {{- include "loki.s3" (dict "bucket" .Values.storage.bucketNames.chunks "context" .) | trim | nindent 6 }}

# Every ring (ingesters, distributors, compactor, query scheduler, ruler, index gateway) gossips
# through one headless Service that lists the pods of all three targets.
memberlist:
  join_members:
    - dns+{{ include "common.names.serviceHost" (dict "service" $memberlist "context" .) }}:7946

schema_config:
  configs:
    - from: "2024-04-01"
      store: tsdb
      object_store: s3
      schema: v13
      index:
        prefix: loki_index_
        period: 24h

storage_config:
  tsdb_shipper:
    # The read and ruler paths query the index gateways of the backend target (all of them, by DNS).
    index_gateway_client:
      server_address: dns+{{ include "common.names.serviceHost" (dict "service" $backendHeadless "context" .) }}:9095

limits_config:
  retention_period: {{ required "loki.retention is required (for example 744h); the compactor deletes older logs." .Values.retention }}

compactor:
  working_directory: /var/loki/compactor
  retention_enabled: true
  delete_request_store: s3

ruler:
  storage:
    type: s3
    s3:
      {{- include "loki.s3" (dict "bucket" .Values.storage.bucketNames.ruler "context" .) | trim | nindent 6 }}
  wal:
    dir: /var/loki/ruler-wal
  enable_api: true
  # Like Prometheus: every Alertmanager replica gets every alert, found through the SRV records
  # of the Alertmanager headless Service (its port named http).
  alertmanager_url: http://_http._tcp.{{ include "common.names.serviceHost" (dict "service" (include "common.names.headless" (dict "component" "alertmanager" "context" .)) "context" .) }}
  enable_alertmanager_discovery: true
  enable_alertmanager_v2: true

# No usage reports to grafana.com (egress is denied anyway).
analytics:
  reporting_enabled: false
{{- end -}}

{{/*
Pod template of one target (write, read or backend):
{{ include "loki.podTemplate" (dict "target" "write" "values" .Values.write "context" $) | nindent 2 }}
*/}}
{{- define "loki.podTemplate" -}}
{{- $root := .context -}}
{{- $component := printf "loki-%s" .target -}}
{{- $ctx := dict "component" $component "values" .values "context" $root -}}
{{- $persistent := false -}}
{{- if ne .target "read" }}{{ $persistent = .values.persistence.enabled }}{{ end -}}
template:
  metadata:
    labels:
      {{- include "common.labels.pod" $ctx | nindent 6 }}
      {{- include "loki.memberlistLabel" . | nindent 6 }}
    annotations:
      {{- include "common.pod.annotations" (dict "checksums" (list (include "loki.config" $root)) "values" .values) | trim | nindent 6 }}
  spec:
    serviceAccountName: {{ include "common.names.fullname" $ctx }}
    automountServiceAccountToken: false
    {{- include "common.images.pullSecrets" $root | nindent 4 }}
    {{- include "common.security.pod" (dict "user" 10001) | nindent 4 }}
    {{- include "common.scheduling.pod" $ctx | nindent 4 }}
    {{- if ne .target "read" }}
    # Ingesters flush and hand over, the compactor and ruler finish their cycle.
    terminationGracePeriodSeconds: 300
    {{- end }}
    containers:
      - name: loki
        {{- include "common.images.container" (dict "image" $root.Values.image "key" "loki.image" "context" $root) | nindent 8 }}
        args:
          - -config.file=/etc/loki/config/config.yaml
          - -config.expand-env=true
          - -target={{ .target }}
        env:
          - name: AWS_ACCESS_KEY_ID
            valueFrom:
              secretKeyRef:
                name: {{ $root.Values.storage.existingSecret }}
                key: AWS_ACCESS_KEY_ID
          - name: AWS_SECRET_ACCESS_KEY
            valueFrom:
              secretKeyRef:
                name: {{ $root.Values.storage.existingSecret }}
                key: AWS_SECRET_ACCESS_KEY
        ports:
          - name: http
            containerPort: 3100
            protocol: TCP
          - name: grpc
            containerPort: 9095
            protocol: TCP
          - name: memberlist
            containerPort: 7946
            protocol: TCP
        # Loki has no process-only health endpoint: liveness checks that it listens, /ready
        # (its modules started, ring membership) decides readiness only.
        startupProbe:
          tcpSocket:
            port: http
          periodSeconds: 5
          failureThreshold: 60
        readinessProbe:
          httpGet:
            path: /ready
            port: http
          periodSeconds: 10
          timeoutSeconds: 1
        livenessProbe:
          tcpSocket:
            port: http
          periodSeconds: 15
          failureThreshold: 4
        {{- include "common.resources" .values.resources | nindent 8 }}
        {{- include "common.security.container" . | nindent 8 }}
        volumeMounts:
          - name: config
            mountPath: /etc/loki/config
            readOnly: true
          - name: data
            mountPath: /var/loki
          - name: tmp
            mountPath: /tmp
    volumes:
      - name: config
        configMap:
          name: {{ include "common.names.fullname" (dict "component" "loki" "context" $root) }}
      - name: tmp
        emptyDir: {}
      {{- if eq .target "read" }}
      # Query-path scratch only; everything durable is in the object store.
      - name: data
        emptyDir: {}
      {{- else if not $persistent }}
      {{- include "common.storage.ephemeral" .values.persistence | nindent 6 }}
      {{- end }}
{{- end -}}
