{{/* Chart name, truncated to the 63 characters Kubernetes names allow. */}}
{{- define "egressgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "egressgate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "egressgate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "egressgate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "egressgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "egressgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "egressgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "egressgate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "egressgate.adminServiceName" -}}
{{- printf "%s-admin" (include "egressgate.fullname" . | trunc 57 | trimSuffix "-") }}
{{- end }}

{{/* Where the image ships its profiles, and where custom profiles are mounted. */}}
{{- define "egressgate.shippedPoliciesDir" -}}/app/policies{{- end }}
{{- define "egressgate.customPoliciesDir" -}}/etc/egressgate/policies{{- end }}

{{/*
The egressgate config file: the user's config plus the keys the chart owns. With custom profiles,
`policies` lists the shipped directory and the mounted one (egressgate loads both, in that order).
*/}}
{{- define "egressgate.config" -}}
{{- $cfg := deepCopy .Values.config }}
{{- $_ := set $cfg "listen" (printf "%s:%d" .Values.bindAddress (int .Values.ports.proxy)) }}
{{- $_ := set $cfg "admin" (printf "%s:%d" .Values.bindAddress (int .Values.ports.admin)) }}
{{- $_ := set $cfg "workers" (int (include "egressgate.workers" .)) }}
{{- if .Values.gateway.enabled }}
{{- range $key := list "transparentTls" "transparentHttp" "transparentTcp" }}
{{- $addresses := include "egressgate.gatewayAddresses" (list $ $key) | fromJsonArray }}
{{- if $addresses }}
{{- $_ := set $cfg $key $addresses }}
{{- end }}
{{- end }}
{{- else if .Values.transparent.enabled }}
{{- $_ := set $cfg "transparentTls" (list (printf "%s:%d=%d" .Values.bindAddress (int .Values.ports.transparentTls) (int .Values.transparent.tlsDestinationPort))) }}
{{- $_ := set $cfg "transparentHttp" (list (printf "%s:%d=%d" .Values.bindAddress (int .Values.ports.transparentHttp) (int .Values.transparent.httpDestinationPort))) }}
{{- end }}
{{- if .Values.customProfiles }}
{{- $_ := set $cfg "policies" (list (include "egressgate.shippedPoliciesDir" .) (include "egressgate.customPoliciesDir" .)) }}
{{- else }}
{{- $_ := set $cfg "policies" (include "egressgate.shippedPoliciesDir" .) }}
{{- end }}
{{- toYaml $cfg }}
{{- end }}

{{/*
Worker processes per pod: `workers` when set, else the whole CPUs of resources.limits.cpu ("2", 2,
"1500m", "2.5"), rounded down, at least 1; 1 without a CPU limit. Rounded down because the primary
process and each worker's GC threads need some of the quota too.
*/}}
{{- define "egressgate.workers" -}}
{{- $cpu := "" }}
{{- with .Values.resources }}{{ with .limits }}{{ with .cpu }}{{ $cpu = toString . }}{{ end }}{{ end }}{{ end }}
{{- if gt (int .Values.workers) 0 }}{{ int .Values.workers }}
{{- else if eq $cpu "" }}1
{{- else if hasSuffix "m" $cpu }}{{ max 1 (div (int (trimSuffix "m" $cpu)) 1000) }}
{{- else }}{{ max 1 (int (floor (float64 $cpu))) }}
{{- end }}
{{- end }}

{{/* One profile file: a string is taken verbatim, a map is written as YAML. */}}
{{- define "egressgate.profileFile" -}}
{{- if kindIs "string" . }}{{ . }}{{ else }}{{ toYaml . }}{{ end }}
{{- end }}

{{/* Seconds egressgate may need to stop: the preStop sleep plus the drain, rounded up. */}}
{{- define "egressgate.minGracePeriod" -}}
{{- $drainMs := int (default 30000 .Values.config.drainTimeoutMs) }}
{{- add (int .Values.preStopSleepSeconds) (div (add $drainMs 999) 1000) 5 }}
{{- end }}

{{/*
Egress ports of the NetworkPolicy: networkPolicy.egress.ports when set, else every port the rules of the
selected profiles allow (config.profiles and each client group's), from files/profile-ports.json for the
shipped profiles (scripts/sync-chart.mjs) and from customProfiles, plus an upstream proxy's port. JSON list.
*/}}
{{- define "egressgate.egressPorts" -}}
{{- if .Values.networkPolicy.egress.ports }}
{{- toJson .Values.networkPolicy.egress.ports }}
{{- else }}
{{- $table := .Files.Get "files/profile-ports.json" | fromJson }}
{{- $names := list }}
{{- range (.Values.config.profiles | default list) }}{{ $names = append $names . }}{{ end }}
{{- range (.Values.config.clientGroups | default list) }}
{{- range (.profiles | default list) }}{{ $names = append $names . }}{{ end }}
{{- end }}
{{- $ports := dict }}
{{- $seen := dict }}
{{- range $names }}
{{- /* A custom profile and its includes, two levels deep; shipped profiles come with includes resolved. */}}
{{- $queue := list . }}
{{- range $depth := until 3 }}
{{- $next := list }}
{{- range $queue }}
{{- if not (hasKey $seen .) }}
{{- $_ := set $seen . true }}
{{- $custom := get ($.Values.customProfiles | default dict) . }}
{{- if $custom }}
{{- $doc := $custom }}
{{- if kindIs "string" $custom }}{{ $doc = fromYaml $custom }}{{ end }}
{{- range ($doc.rules | default list) }}{{ range (.ports | default list) }}{{ $_ := set $ports (toString .) true }}{{ end }}{{ end }}
{{- range ($doc.include | default list) }}{{ $next = append $next . }}{{ end }}
{{- else }}
{{- range (get $table . | default list) }}{{ $_ := set $ports (toString .) true }}{{ end }}
{{- end }}
{{- end }}
{{- end }}
{{- $queue = $next }}
{{- end }}
{{- end }}
{{- with .Values.config.upstreamProxy }}
{{- $_ := set $ports (regexReplaceAll "^.*:([0-9]+)/?$" . "${1}") true }}
{{- end }}
{{- if not $ports }}{{ $_ := set $ports "443" true }}{{ end }}
{{- toJson (keys $ports | sortAlpha) }}
{{- end }}
{{- end }}

{{/* Labels of the `helm test` pod that the gateway's NetworkPolicy admits as a client. */}}
{{- define "egressgate.testPodSelectorLabels" -}}
app.kubernetes.io/name: {{ include "egressgate.name" . }}-test
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: helm-test
{{- end }}
