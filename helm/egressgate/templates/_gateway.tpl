{{/*
Gateway mode (docs/transparent.md): egressgate in the node's network namespace, and PREROUTING REDIRECT
rules that send the chosen destination ports to its transparent listeners. REDIRECT keeps the original
destination readable with SO_ORIGINAL_DST, which the transparent listeners decide and dial by.
*/}}

{{/* Every gateway listener as { kind, port, redirectPorts }, in config order. */}}
{{- define "egressgate.gatewayListeners" -}}
{{- $out := list }}
{{- range $kind := list "transparentTls" "transparentHttp" "transparentTcp" }}
{{- range (index $.Values.gateway $kind | default list) }}
{{- $out = append $out (dict "kind" $kind "port" (int .port) "redirectPorts" (.redirectPorts | default list)) }}
{{- end }}
{{- end }}
{{- toJson $out }}
{{- end }}

{{/* The listener addresses of one kind, as the config key wants them ("ADDR:PORT"). */}}
{{- define "egressgate.gatewayAddresses" -}}
{{- $root := index . 0 }}
{{- $out := list }}
{{- range (index $root.Values.gateway (index . 1) | default list) }}
{{- $out = append $out (printf "%s:%d" $root.Values.bindAddress (int .port)) }}
{{- end }}
{{- toJson $out }}
{{- end }}

{{/*
The shell script of the init container. Idempotent: it owns the nat chain EGRESSGATE and its jumps
(marked with the comment "egressgate"), flushes them and writes them again, so a restarted pod or a
changed port list never leaves stale rules. Destinations in clusterCidrs and gateway.excludeCidrs, and
loopback, RETURN before any REDIRECT; only gateway.sourceCidrs are redirected when that list is set.
*/}}
{{- define "egressgate.redirectScript" -}}
set -eu
ipt() { iptables -w 5 -t nat "$@"; }
ipt -N EGRESSGATE 2>/dev/null || ipt -F EGRESSGATE
iptables-save -t nat | grep -- '-A PREROUTING .*--comment egressgate' | sed 's/^-A /-D /' | while read -r rule; do
  eval "ipt $rule"
done
{{- range (concat (list "127.0.0.0/8") .Values.clusterCidrs .Values.gateway.excludeCidrs) }}
{{- if not (contains ":" .) }}
ipt -A EGRESSGATE -d {{ . }} -j RETURN
{{- end }}
{{- end }}
{{- range (include "egressgate.gatewayListeners" . | fromJsonArray) }}
{{- $port := int .port }}
{{- range .redirectPorts }}
ipt -A EGRESSGATE -p tcp --dport {{ int . }} -j REDIRECT --to-ports {{ $port }}
{{- end }}
{{- end }}
{{- if .Values.gateway.sourceCidrs }}
{{- range .Values.gateway.sourceCidrs }}
ipt -I PREROUTING 1 -s {{ . }} -m comment --comment egressgate -j EGRESSGATE
{{- end }}
{{- else }}
ipt -I PREROUTING 1 -m comment --comment egressgate -j EGRESSGATE
{{- end }}
ipt -S EGRESSGATE
{{- end }}

{{/* Refuses combinations that cannot work, with the reason. */}}
{{- define "egressgate.gatewayChecks" -}}
{{- if .Values.gateway.enabled }}
{{- if .Values.transparent.enabled }}
{{- fail "gateway.enabled and transparent.enabled: choose one (gateway mode runs its own transparent listeners from gateway.transparentTls/transparentHttp/transparentTcp)" }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- fail "gateway.enabled with autoscaling.enabled: a node-local gateway runs one pod per node it serves; turn autoscaling off" }}
{{- end }}
{{- if not .Values.gateway.iptables.image.repository }}
{{- fail "gateway.iptables.image.repository: name an image with /bin/sh and iptables (the nat table backend of your nodes: legacy or nft) for the init container that writes the REDIRECT rules" }}
{{- end }}
{{- $listeners := include "egressgate.gatewayListeners" . | fromJsonArray }}
{{- if not $listeners }}
{{- fail "gateway.enabled: list at least one listener in gateway.transparentTls, transparentHttp or transparentTcp" }}
{{- end }}
{{- $seen := dict }}
{{- range $listeners }}
{{- if hasKey $seen (toString .port) }}
{{- fail (printf "gateway: listener port %d is used twice" (int .port)) }}
{{- end }}
{{- $_ := set $seen (toString .port) true }}
{{- end }}
{{- $redirected := dict }}
{{- range $listeners }}
{{- range .redirectPorts }}
{{- if hasKey $redirected (toString .) }}
{{- fail (printf "gateway: destination port %d is redirected to two listeners" (int .)) }}
{{- end }}
{{- $_ := set $redirected (toString .) true }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
