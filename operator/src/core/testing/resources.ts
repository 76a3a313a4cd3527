import type { z } from "zod";
import { API_VERSION, APPROVE_ANNOTATION, SENTIMENT_MODEL, TRAINING_RUN } from "../../api/group.ts";
import { SentimentModel } from "../../api/sentiment-model.ts";
import { TrainingRun } from "../../api/training-run.ts";

/**
 * Test builders with modifiers (cluster-api style), so fixtures read as intent:
 * `trainingRun("a", withEpochs(3), withStatus({ phase: "Running" }))`. Modifiers edit the raw
 * resource as a user would write it; the builder then parses it with the real schema (defaults).
 */
export type RunDraft = z.input<typeof TrainingRun>;
export type ModelDraft = z.input<typeof SentimentModel>;
export type Mod<T> = (draft: T) => void;

export const NAMESPACE = "ml";

export function trainingRun(name: string, ...mods: Mod<RunDraft>[]): TrainingRun {
  const draft: RunDraft = {
    apiVersion: API_VERSION,
    kind: TRAINING_RUN.kind,
    metadata: { name, namespace: NAMESPACE, uid: `uid-${name}`, generation: 1 },
    spec: { model: "reviews" },
  };
  for (const m of mods) m(draft);
  return TrainingRun.parse(draft);
}

export function sentimentModel(name: string, ...mods: Mod<ModelDraft>[]): SentimentModel {
  const draft: ModelDraft = {
    apiVersion: API_VERSION,
    kind: SENTIMENT_MODEL.kind,
    metadata: { name, namespace: NAMESPACE, uid: `uid-${name}`, generation: 1 },
    spec: {},
  };
  for (const m of mods) m(draft);
  return SentimentModel.parse(draft);
}

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
export const withApproval =
  (value: string): Mod<RunDraft> =>
  (d) => {
    d.metadata.annotations = { ...d.metadata.annotations, [APPROVE_ANNOTATION]: value };
  };

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
export const withGeneration =
  (generation: number): Mod<RunDraft> & Mod<ModelDraft> =>
  (d) => {
    d.metadata.generation = generation;
  };
