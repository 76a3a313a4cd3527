import type { z } from "zod";
import { MetricsSummary } from "../../../common/metrics-summary.ts";
import { API_VERSION, APPROVE_ANNOTATION, SENTIMENT_MODEL, TRAINING_RUN } from "../api/group.ts";
import { SentimentModel } from "../api/sentiment-model.ts";
import { TrainingRun } from "../api/training-run.ts";

/**
 * The operator's test builders with modifiers (cluster-api style), so fixtures read as intent:
 * `trainingRun("a", withEpochs(3), withRunStatus({ phase: "Running" }))`. Modifiers edit the
 * resource as a user writes it. Two builders per kind share them:
 * - `trainingRunManifest` / `sentimentModelManifest`: what a user applies (name and spec only),
 *   for integration tests to create in their namespace;
 * - `trainingRun` / `sentimentModel`: as the API returns it to the core (namespace `ml`, uid,
 *   generation 1), parsed with the real schema (defaults applied), for unit tests.
 */
type Manifest<T extends { metadata: object }> = Omit<T, "metadata"> & {
  metadata: Partial<T["metadata"]> & { name: string };
};
/** A resource as a user writes it: the server fills namespace and uid. */
export type RunDraft = Manifest<z.input<typeof TrainingRun>>;
export type ModelDraft = Manifest<z.input<typeof SentimentModel>>;
export type Mod<T> = (draft: T) => void;
type Draft = RunDraft | ModelDraft;

export const NAMESPACE = "ml";

export function trainingRunManifest(name: string, ...mods: Mod<RunDraft>[]): RunDraft {
  const draft: RunDraft = { apiVersion: API_VERSION, kind: TRAINING_RUN.kind, metadata: { name }, spec: {} };
  for (const m of mods) m(draft);
  return draft;
}

export function sentimentModelManifest(name: string, ...mods: Mod<ModelDraft>[]): ModelDraft {
  const draft: ModelDraft = {
    apiVersion: API_VERSION,
    kind: SENTIMENT_MODEL.kind,
    metadata: { name },
    spec: {},
  };
  for (const m of mods) m(draft);
  return draft;
}

/** What the apiserver adds to a created object. */
const served: Mod<Draft> = (d) => {
  d.metadata = { ...d.metadata, namespace: NAMESPACE, uid: `uid-${d.metadata.name}`, generation: 1 };
};

/** A TrainingRun as the core reads it; its `spec.model` is `reviews` unless a modifier says otherwise. */
export const trainingRun = (name: string, ...mods: Mod<RunDraft>[]): TrainingRun =>
  TrainingRun.parse(trainingRunManifest(name, served, withModel("reviews"), ...mods));

export const sentimentModel = (name: string, ...mods: Mod<ModelDraft>[]): SentimentModel =>
  SentimentModel.parse(sentimentModelManifest(name, served, ...mods));

// Modifiers of both kinds
export const withGeneration =
  (generation: number): Mod<Draft> =>
  (d) => {
    d.metadata.generation = generation;
  };
export const withAnnotation =
  (key: string, value: string): Mod<Draft> =>
  (d) => {
    d.metadata.annotations = { ...d.metadata.annotations, [key]: value };
  };
/** Spec fields the types (and the schema) may refuse: for validation tests. */
export const withRawSpec =
  (fields: Record<string, unknown>): Mod<Draft> =>
  (d) => {
    Object.assign(d.spec, fields);
  };

// TrainingRun modifiers
export const withModel =
  (model: string | undefined): Mod<RunDraft> =>
  (d) => {
    if (model === undefined) delete d.spec.model;
    else d.spec.model = model;
  };
export const withEpochs =
  (epochs: number): Mod<RunDraft> =>
  (d) => {
    d.spec.hyperparameters = { ...d.spec.hyperparameters, epochs };
  };
export const withSuspend =
  (suspend = true): Mod<RunDraft> =>
  (d) => {
    d.spec.suspend = suspend;
  };
export const withPromotion =
  (promotion: NonNullable<RunDraft["spec"]["promotion"]>): Mod<RunDraft> =>
  (d) => {
    d.spec.promotion = promotion;
  };
export const withRunSpec =
  (spec: Partial<RunDraft["spec"]>): Mod<RunDraft> =>
  (d) => {
    Object.assign(d.spec, spec);
  };
export const withRunStatus =
  (status: NonNullable<RunDraft["status"]>): Mod<RunDraft> =>
  (d) => {
    d.status = { ...d.status, ...status };
  };
export const withApproval = (value: string): Mod<RunDraft> => withAnnotation(APPROVE_ANNOTATION, value);

// SentimentModel modifiers
export const withModelSpec =
  (spec: Partial<ModelDraft["spec"]>): Mod<ModelDraft> =>
  (d) => {
    Object.assign(d.spec, spec);
  };
export const withModelStatus =
  (status: NonNullable<ModelDraft["status"]>): Mod<ModelDraft> =>
  (d) => {
    d.status = { ...d.status, ...status };
  };

/** The trainer's metrics summary (what it writes to /dev/termination-log); override any part. */
export function metricsSummary(
  over: {
    accuracy?: number;
    f1?: number;
    uri?: string;
    version?: string;
    tracking?: MetricsSummary["tracking"];
  } = {},
): MetricsSummary {
  const version = over.version ?? "20250102-030405-1a2b3c4d";
  const accuracy = over.accuracy ?? 0.92;
  return MetricsSummary.parse({
    schemaVersion: 1,
    name: "reviews",
    version,
    architecture: "nblr",
    metrics: {
      accuracy,
      f1: over.f1 ?? accuracy,
      precision: 0.91,
      recall: 0.93,
      auc: 0.97,
      loss: 0.21,
      trainSeconds: 16,
    },
    artifact: { uri: over.uri ?? "/models/reviews/run-a", version, sha256: "a".repeat(64) },
    ...(over.tracking === undefined ? {} : { tracking: over.tracking }),
  });
}

/** The metrics summary as the termination message carries it. */
export const summaryMessage = (over: Parameters<typeof metricsSummary>[0] = {}): string =>
  JSON.stringify(metricsSummary(over));
