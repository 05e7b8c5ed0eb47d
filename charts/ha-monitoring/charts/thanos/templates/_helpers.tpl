{{/* Standard arguments every Thanos server component gets: {{ include "thanos.serverArgs" . | nindent 12 }} */}}
{{- define "thanos.serverArgs" -}}
- --log.level=info
- --log.format=logfmt
- --http-address=0.0.0.0:10902
- --grpc-address=0.0.0.0:10901
{{- end -}}

{{/* Ports of a Thanos server container: {{ include "thanos.ports" . | nindent 10 }} */}}
{{- define "thanos.ports" -}}
ports:
  - name: http
    containerPort: 10902
  - name: grpc
    containerPort: 10901
{{- end -}}

{{/*
Probes of a Thanos component. /-/healthy answers while the process runs; /-/ready only once it
can serve (a store gateway after its first bucket sync, a sidecar while its Prometheus answers).
Liveness never waits on a dependency, so an object store or Prometheus outage makes pods unready,
never restarts them. {{ include "thanos.probes" . | nindent 10 }}
*/}}
{{- define "thanos.probes" -}}
startupProbe:
  httpGet:
    path: /-/healthy
    port: http
  periodSeconds: 5
  failureThreshold: 60
readinessProbe:
  httpGet:
    path: /-/ready
    port: http
  periodSeconds: 5
livenessProbe:
  httpGet:
    path: /-/healthy
    port: http
  periodSeconds: 15
  failureThreshold: 6
{{- end -}}

{{/* Volume and mount of the object store configuration: {{ include "thanos.objstoreVolume" $ | nindent 8 }} */}}
{{- define "thanos.objstoreVolume" -}}
- name: objstore
  secret:
    secretName: {{ include "common.names.objstoreSecret" . }}
{{- end -}}

{{/* Argument pointing a component at the object store configuration: {{ include "thanos.objstoreArg" $ }} */}}
{{- define "thanos.objstoreArg" -}}
--objstore.config-file=/etc/thanos/objstore/{{ .Values.global.thanos.objectStorage.secretKey }}
{{- end -}}

{{/* Pod spec parts shared by every Thanos workload: {{ include "thanos.podCommon" (dict "component" "thanos-query" "values" .Values.query "context" $) | nindent 6 }} */}}
{{- define "thanos.podCommon" -}}
serviceAccountName: {{ include "common.names.fullname" . }}
automountServiceAccountToken: false
{{- include "common.images.pullSecrets" .context }}
{{ include "common.security.pod" (dict "user" 1001) }}
{{ include "common.scheduling.pod" . }}
{{- end -}}

{{/* Services of a Thanos component: a ClusterIP one for clients and, with "headless", one whose gRPC SRV records Thanos Query discovers: {{ include "thanos.services" (dict "component" "thanos-store" "grpc" true "headless" true "context" $) }} */}}
{{- define "thanos.services" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "common.names.fullname" . }}
  namespace: {{ .context.Release.Namespace }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "common.labels.selector" . | nindent 4 }}
  ports:
    - name: http
      port: 10902
      targetPort: http
    {{- if .grpc }}
    - name: grpc
      port: 10901
      targetPort: grpc
    {{- end }}
{{- if .headless }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "common.names.headless" . }}
  namespace: {{ .context.Release.Namespace }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  clusterIP: None
  selector:
    {{- include "common.labels.selector" . | nindent 4 }}
  ports:
    - name: http
      port: 10902
      targetPort: http
    - name: grpc
      port: 10901
      targetPort: grpc
{{- end }}
{{- end -}}
