/**
 * Multi-step stories the integration tests repeat: a model with its volume, a run trained and
 * judged by the gate.
 */
import type { TestContext } from "node:test";
import { modelPvcName } from "../api/names.ts";
import { Resources } from "../k8s/resources.ts";
import type { KubeObject } from "../api/kube-object.ts";
import {
  metricsSummary,
  sentimentModelManifest,
  trainingRunManifest,
  withModel,
  withModelSpec,
  withPromotion,
  type Mod,
  type ModelDraft,
  type RunDraft,
} from "./resources.ts";
import { phaseOf, provideVolume, reportTrainerMessage, type Kube } from "./harness.ts";

/** Creates a SentimentModel (1 replica unless `mods` say otherwise) that serves promoted runs, with a volume for its model claim. */
export async function createModel(
  kube: Kube,
  t: TestContext,
  ns: string,
  name: string,
  ...mods: Mod<ModelDraft>[]
): Promise<KubeObject> {
  await provideVolume(kube, t, ns, modelPvcName(name));
  return kube.create(ns, sentimentModelManifest(name, withModelSpec({ replicas: 1 }), ...mods));
}

export interface TrainOptions {
  readonly version: string;
  readonly accuracy: number;
  readonly f1?: number;
  readonly gate?: NonNullable<RunDraft["spec"]["promotion"]>;
  /** The phase to wait for. @default "Promoted" */
  readonly expect?: string;
}

/**
 * Creates a TrainingRun for `model`, lets KWOK complete its Job, writes the trainer's metrics into
 * the pod's termination message, and waits for the run to reach `expect`.
 */
export async function train(
  kube: Kube,
  ns: string,
  model: string,
  run: string,
  o: TrainOptions,
): Promise<KubeObject> {
  await kube.create(
    ns,
    trainingRunManifest(run, withModel(model), ...(o.gate ? [withPromotion(o.gate)] : [])),
  );
  const summary = metricsSummary({
    version: o.version,
    accuracy: o.accuracy,
    ...(o.f1 === undefined ? {} : { f1: o.f1 }),
    uri: `/models/${model}/${run}`,
  });
  await reportTrainerMessage(kube, ns, run, JSON.stringify(summary));
  const want = o.expect ?? "Promoted";
  return kube.waitFor(Resources.trainingRun, ns, run, `to reach phase ${want}`, (r) => phaseOf(r) === want);
}

/** Waits until the model is Ready and serves `version`. */
export function waitServing(
  kube: Kube,
  ns: string,
  model: string,
  version: string,
  timeoutMs = 30_000,
): Promise<KubeObject> {
  return kube.waitFor(
    Resources.sentimentModel,
    ns,
    model,
    `to be Ready serving ${version}`,
    (m) => phaseOf(m) === "Ready" && (m["status"] as { currentVersion?: string }).currentVersion === version,
    timeoutMs,
  );
}
