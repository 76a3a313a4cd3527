/**
 * Builders with modifiers for integration-test resources (cluster-api style):
 * `trainingRun("r1", withModel("m"), withGate({ minAccuracy: 0.8 }))`.
 */
import type { MetricsSummary } from "../../../common/metrics-summary.ts";
import { API_VERSION } from "../api/group.ts";

export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

export type Modifier = (r: Resource) => void;

export function trainingRun(name: string, ...mods: Modifier[]): Resource {
  const r: Resource = {
    apiVersion: API_VERSION,
    kind: "TrainingRun",
    metadata: { name },
    spec: { dataset: { source: "imdb" }, architecture: "nblr", hyperparameters: { epochs: 1 } },
  };
  for (const m of mods) m(r);
  return r;
}

/** A SentimentModel with small defaults for KWOK: 1 replica, no PDB or ServiceMonitor unless asked. */
export function sentimentModel(name: string, ...mods: Modifier[]): Resource {
  const r: Resource = {
    apiVersion: API_VERSION,
    kind: "SentimentModel",
    metadata: { name },
    spec: { replicas: 1 },
  };
  for (const m of mods) m(r);
  return r;
}

export const withModel =
  (model: string): Modifier =>
  (r) => {
    r.spec["model"] = model;
  };

export const withGate =
  (promotion: Record<string, unknown>): Modifier =>
  (r) => {
    r.spec["promotion"] = promotion;
  };

export const withSpec =
  (fields: Record<string, unknown>): Modifier =>
  (r) => {
    Object.assign(r.spec, fields);
  };

export const withAnnotation =
  (key: string, value: string): Modifier =>
  (r) => {
    r.metadata.annotations = { ...(r.metadata.annotations ?? {}), [key]: value };
  };

/** A metrics summary as the trainer writes it to /dev/termination-log. */
export function metricsSummary(
  version: string,
  metrics: Partial<MetricsSummary["metrics"]> & { accuracy: number },
  artifactDir: string,
): MetricsSummary {
  const m = {
    f1: metrics.accuracy,
    precision: metrics.accuracy,
    recall: metrics.accuracy,
    auc: metrics.accuracy,
    loss: 0.3,
    trainSeconds: 12,
    ...metrics,
  };
  return {
    schemaVersion: 1,
    name: "sentiment",
    version,
    architecture: "nblr",
    metrics: m,
    artifact: { uri: artifactDir, version, sha256: "a".repeat(64) },
  };
}
