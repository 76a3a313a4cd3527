/**
 * The resource types the operator reads or writes, and how their REST paths are built. One table,
 * so RBAC (config/rbac/), informers and request counting name the same things.
 */
export interface ResourceType {
  readonly group: string; // "" for the core group
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

const r = (
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced = true,
): ResourceType => ({
  group,
  version,
  kind,
  plural,
  namespaced,
});

export const SENTIMENT_GROUP = "sentiment.mlops.dev";

export const Resources = {
  trainingRun: r(SENTIMENT_GROUP, "v1alpha1", "TrainingRun", "trainingruns"),
  sentimentModel: r(SENTIMENT_GROUP, "v1alpha1", "SentimentModel", "sentimentmodels"),
  job: r("batch", "v1", "Job", "jobs"),
  pod: r("", "v1", "Pod", "pods"),
  deployment: r("apps", "v1", "Deployment", "deployments"),
  service: r("", "v1", "Service", "services"),
  pvc: r("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
  hpa: r("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers"),
  pdb: r("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets"),
  networkPolicy: r("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies"),
  serviceMonitor: r("monitoring.coreos.com", "v1", "ServiceMonitor", "servicemonitors"),
  lease: r("coordination.k8s.io", "v1", "Lease", "leases"),
  event: r("events.k8s.io", "v1", "Event", "events"),
} as const satisfies Record<string, ResourceType>;

export type ResourceName = keyof typeof Resources;

export function apiVersionOf(res: ResourceType): string {
  return res.group ? `${res.group}/${res.version}` : res.version;
}

/** `/api/v1/...` or `/apis/group/version/...`; omit `namespace` to address all namespaces. */
export function resourcePath(
  res: ResourceType,
  at: { readonly namespace?: string; readonly name?: string; readonly subresource?: string } = {},
): string {
  const parts = [res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`];
  if (res.namespaced && at.namespace) parts.push("namespaces", encodeURIComponent(at.namespace));
  parts.push(res.plural);
  if (at.name !== undefined) parts.push(encodeURIComponent(at.name));
  if (at.subresource !== undefined) parts.push(at.subresource);
  return parts.join("/");
}

/** The table entry for an object's `apiVersion` and `kind`, if the operator knows it. */
export function resourceFor(
  apiVersion: string | undefined,
  kind: string | undefined,
): ResourceType | undefined {
  return Object.values(Resources).find((res) => apiVersionOf(res) === apiVersion && res.kind === kind);
}
