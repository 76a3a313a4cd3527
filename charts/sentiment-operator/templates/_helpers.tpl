{{/* The chart name, for labels: nameOverride or "sentiment-operator". */}}
{{- define "so.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The name of the release's namespaced objects: fullnameOverride, else the release name when it
already contains the chart name, else "<release>-<chart name>". At most 63 characters (DNS label).
*/}}
{{- define "so.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "so.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Cluster-scoped names carry the namespace, so releases in two namespaces never collide. */}}
{{- define "so.clusterName" -}}
{{- printf "%s-%s" (include "so.fullname" .) .Release.Namespace -}}
{{- end -}}

{{- define "so.selector" -}}
app.kubernetes.io/name: {{ include "so.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "so.labels" -}}
{{ include "so.selector" . }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: sentiment-mlops
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "so.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "so.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The operator image: repository@digest when a digest is set, else repository:tag (default appVersion). */}}
{{- define "so.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The default image of model servers; it carries the trainer too (Dockerfile.server). */}}
{{- define "so.serverImage" -}}
{{- default (printf "ghcr.io/sentiment-mlops/sentiment-server:%s" .Chart.AppVersion) .Values.workloads.serverImage -}}
{{- end -}}

{{- define "so.trainerImage" -}}
{{- default (include "so.serverImage" .) .Values.workloads.trainerImage -}}
{{- end -}}

{{- define "so.configFile" -}}
{{- toYaml .Values.config -}}
{{- end -}}
