{{/*
CloudNativePG has its own shape for scheduling (spec.affinity is not a core/v1 Affinity), so the
global scheduling settings are mapped onto it here. The core pieces (node pool merge, spread
constraint shape, PriorityClass names, StorageClass names) still come from the common library.
*/}}

{{/* Labels CloudNativePG puts on its instance pods (not on its Job pods); every scheduling term selects these: {{ include "postgresql.instanceSelector" $ | nindent 8 }} */}}
{{- define "postgresql.instanceSelector" -}}
cnpg.io/cluster: {{ include "common.names.fullname" (dict "component" "postgresql" "context" .) }}
cnpg.io/podRole: instance
{{- end -}}

{{/* Render-time checks of the postgresql block: {{ include "postgresql.validate" $ }} */}}
{{- define "postgresql.validate" -}}
{{- if lt (int .Values.instances) 1 -}}
{{- fail (printf "postgresql.instances=%d: a CloudNativePG Cluster needs at least 1 instance (3 for a primary plus two standbys that can take over)." (int .Values.instances)) -}}
{{- end -}}
{{- if not .Values.persistence.enabled -}}
{{- fail "postgresql.persistence.enabled=false is not supported: CloudNativePG always keeps PGDATA on a PersistentVolumeClaim. Set postgresql.persistence.enabled=true (and a size), or postgresql.enabled=false with an external database in grafana.database.host." -}}
{{- end -}}
{{- if not .Values.persistence.size -}}
{{- fail "postgresql.persistence.size is empty: CloudNativePG needs the size of each instance's PGDATA volume, for example 20Gi." -}}
{{- end -}}
{{- end -}}

{{/* spec.affinity of the Cluster (CloudNativePG AffinityConfiguration): {{ include "postgresql.affinity" $ | nindent 4 }} */}}
{{- define "postgresql.affinity" -}}
{{- $ctx := dict "component" "postgresql" "values" .Values "context" . -}}
{{- $scheduling := .Values.global.scheduling -}}
{{- /* Node pool + the block's own nodeSelector/tolerations, merged exactly as for every other pod. */ -}}
{{- $pod := include "common.scheduling.pod" $ctx | fromYaml -}}
{{- $out := dict -}}
{{- if .Values.affinity -}}
{{- /* The block's own affinity replaces the generated anti-affinity entirely (as common.scheduling.affinity does). */ -}}
{{- $_ := set $out "enablePodAntiAffinity" false -}}
{{- with .Values.affinity.nodeAffinity }}{{ $_ := set $out "nodeAffinity" . }}{{ end -}}
{{- with .Values.affinity.podAffinity }}{{ $_ := set $out "additionalPodAffinity" . }}{{ end -}}
{{- with .Values.affinity.podAntiAffinity }}{{ $_ := set $out "additionalPodAntiAffinity" . }}{{ end -}}
{{- else -}}
{{- /* Replicas on distinct nodes: CloudNativePG's own generated anti-affinity term. */ -}}
{{- if has $scheduling.hostnameSpread (list "required" "preferred") -}}
{{- $_ := set $out "enablePodAntiAffinity" true -}}
{{- $_ := set $out "topologyKey" "kubernetes.io/hostname" -}}
{{- $_ := set $out "podAntiAffinityType" $scheduling.hostnameSpread -}}
{{- else -}}
{{- $_ := set $out "enablePodAntiAffinity" false -}}
{{- end -}}
{{- /* Preferred zone spreading: one extra soft term (required zone spreading is a topology spread constraint). */ -}}
{{- if eq $scheduling.zoneSpread "preferred" -}}
{{- $term := dict "topologyKey" $scheduling.zoneTopologyKey "labelSelector" (dict "matchLabels" (include "postgresql.instanceSelector" . | fromYaml)) -}}
{{- $_ := set $out "additionalPodAntiAffinity" (dict "preferredDuringSchedulingIgnoredDuringExecution" (list (dict "weight" 50 "podAffinityTerm" $term))) -}}
{{- end -}}
{{- end -}}
{{- with $pod.nodeSelector }}{{ $_ := set $out "nodeSelector" . }}{{ end -}}
{{- with $pod.tolerations }}{{ $_ := set $out "tolerations" . }}{{ end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* spec.topologySpreadConstraints of the Cluster, as a YAML list (possibly empty): {{ include "postgresql.topologySpread" $ | fromYamlArray }} */}}
{{- define "postgresql.topologySpread" -}}
{{- $ctx := dict "component" "postgresql" "values" .Values "context" . -}}
{{- $constraints := include "common.scheduling.topologySpread" $ctx | fromYamlArray -}}
{{- if and (eq .Values.global.scheduling.zoneSpread "required") (not .Values.affinity) $constraints -}}
{{- /* The first entry is the generated zone constraint; count CloudNativePG instance pods only (not its initdb/join Job pods). */ -}}
{{- $_ := set (first $constraints) "labelSelector" (dict "matchLabels" (include "postgresql.instanceSelector" . | fromYaml)) -}}
{{- end -}}
{{- toYaml $constraints -}}
{{- end -}}
