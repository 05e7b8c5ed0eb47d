{{/*
Kubernetes quantities as integers, so the umbrella can add up what the release asks for.
*/}}

{{/* CPU quantity in millicores: {{ include "ha-monitoring.milliCPU" "500m" }} → 500 */}}
{{- define "ha-monitoring.milliCPU" -}}
{{- $q := toString . -}}
{{- if hasSuffix "m" $q -}}
{{- trimSuffix "m" $q | atoi -}}
{{- else -}}
{{- mulf (float64 $q) 1000 | ceil | int64 -}}
{{- end -}}
{{- end -}}

{{/* Memory or storage quantity in bytes: {{ include "ha-monitoring.bytes" "512Mi" }} → 536870912 */}}
{{- define "ha-monitoring.bytes" -}}
{{- $q := toString . -}}
{{- $units := dict "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "k" 1000 "K" 1000 "M" 1000000 "G" 1000000000 "T" 1000000000000 -}}
{{- $result := "" -}}
{{- range $suffix := list "Ki" "Mi" "Gi" "Ti" "k" "K" "M" "G" "T" -}}
{{- if and (not $result) (hasSuffix $suffix $q) -}}
{{- $result = mulf (float64 (trimSuffix $suffix $q)) (get $units $suffix) | ceil | int64 | toString -}}
{{- end -}}
{{- end -}}
{{- default (float64 $q | ceil | int64 | toString) $result -}}
{{- end -}}

{{/* Bytes as a Mi quantity, rounded up: {{ include "ha-monitoring.formatMi" 536870912 }} → 512Mi */}}
{{- define "ha-monitoring.formatMi" -}}
{{- printf "%dMi" (divf (float64 .) 1048576 | ceil | int64) -}}
{{- end -}}

{{/* Bytes as a Gi quantity, rounded up: {{ include "ha-monitoring.formatGi" 1073741824 }} → 1Gi */}}
{{- define "ha-monitoring.formatGi" -}}
{{- printf "%dGi" (divf (float64 .) 1073741824 | ceil | int64) -}}
{{- end -}}
