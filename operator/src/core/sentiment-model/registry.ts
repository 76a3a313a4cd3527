import { findCondition, setCondition, type ConditionInput } from "../../api/conditions.ts";
import type { SentimentModel, SentimentModelStatus } from "../../api/sentiment-model.ts";
import type { TrainingRun } from "../../api/training-run.ts";
import { MLFLOW_ALIAS_DEFAULT, runMlflow, type RegistryStatus } from "../../api/tracking.ts";

/** The informational condition of the MLflow registry (Ready never depends on it). */
export const REGISTERED = "Registered";

/** What the MLflow registry should say about a model: `alias` of `registeredModel` → the run's version. */
export interface RegistryTarget {
  readonly trackingUri: string;
  readonly registeredModel: string;
  readonly alias: string;
  readonly runId: string;
  /** The served version (status.currentVersion). */
  readonly modelVersion: string;
}

/**
 * The registry target of a model serving `served` (pure): the TrainingRun that produced that
 * version, if it is tracked (`spec.tracking.mlflow`, else the operator's default server) and its trainer tracked the run. A rollback (a pinned
 * older version) names the older run, so the alias moves back.
 */
export function registryTarget(
  model: SentimentModel,
  served: string | undefined,
  runs: readonly TrainingRun[],
  defaultTrackingUri?: string,
): RegistryTarget | undefined {
  if (served === undefined) return undefined;
  const run = runs.find(
    (r) => r.spec.model === model.metadata.name && r.status?.artifact?.version === served,
  );
  const mlflow = run === undefined ? undefined : runMlflow(run.spec, defaultTrackingUri);
  const report = run?.status?.tracking?.mlflow;
  if (mlflow === undefined || report?.status !== "Tracked" || report.runId === undefined) return undefined;
  return {
    trackingUri: mlflow.trackingUri,
    registeredModel: mlflow.registeredModel ?? model.metadata.name,
    alias: mlflow.alias ?? MLFLOW_ALIAS_DEFAULT,
    runId: report.runId,
    modelVersion: served,
  };
}

/** True when `old` already records `target` as registered: nothing to ask MLflow. */
export function registryUpToDate(old: SentimentModelStatus | undefined, target: RegistryTarget): boolean {
  const r = old?.registry?.mlflow;
  return (
    r !== undefined &&
    findCondition(old?.conditions, REGISTERED)?.status === "True" &&
    r.registeredModel === target.registeredModel &&
    r.alias === target.alias &&
    r.runId === target.runId &&
    r.modelVersion === target.modelVersion
  );
}

/**
 * `status` (as the core decided it) with the registry outcome: the recorded registry and the
 * Registered condition (kept with its transition time), or neither when there is no target.
 */
export function withRegistry(
  status: SentimentModelStatus,
  old: SentimentModelStatus | undefined,
  outcome: { registry: RegistryStatus["mlflow"]; condition: ConditionInput } | undefined,
  generation: number | undefined,
  now: Date,
  order: readonly string[],
): SentimentModelStatus {
  const base = (status.conditions ?? []).filter((c) => c.type !== REGISTERED);
  if (outcome === undefined) return { ...status, conditions: base };
  const previous = findCondition(old?.conditions, REGISTERED);
  const conditions = setCondition(
    previous === undefined ? base : [...base, previous],
    outcome.condition,
    generation,
    now,
    order,
  );
  return {
    ...status,
    conditions,
    ...(outcome.registry === undefined ? {} : { registry: { mlflow: outcome.registry } }),
  };
}
