import type { V1Job } from "@kubernetes/client-node";
import { deriveReady, rebuildConditions } from "../../api/conditions.ts";
import { rfc3339 } from "../../api/time.ts";
import { jobName } from "../../api/names.ts";
import type { NamedKubeObject } from "../../api/kube-object.ts";
import type { TrainingRun, TrainingRunStatus } from "../../api/training-run.ts";
import type { OperatorConfig } from "../../config.ts";
import { buildJob } from "../../render/k8s/job.ts";
import { planChild } from "../diff.ts";
import type { ChildAction, EventRecord, TrainingRunDecision, TrainingRunWorld } from "../types.ts";
import { FINISHED_PHASES, RUN_CONDITIONS, RUN_CONDITION_ORDER } from "./conditions.ts";
import { runOutput } from "./effective.ts";
import { observeJob } from "./observe-job.ts";
import { runOutcome, type RunOutcome } from "./outcome.ts";
import { runEvents } from "./events.ts";
import { trackedCondition } from "./tracked.ts";

const controlledBy = (job: V1Job, uid: string): boolean =>
  (job.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.uid === uid);

/**
 * The Job action: create it when absent (unless suspended or the run already finished), or patch
 * `spec.suspend` when it differs. The template is immutable, so an existing Job is never re-applied.
 */
function planJob(
  run: TrainingRun,
  world: TrainingRunWorld,
  finished: boolean,
  config: OperatorConfig,
): ChildAction[] {
  const live = world.job;
  if (finished) return [];
  if (live === undefined) {
    if (run.spec.suspend) return [];
    const create = planChild(
      buildJob(run, runOutput(run, world.model), config) as object as NamedKubeObject,
      undefined,
    );
    return create === undefined ? [] : [create];
  }
  if ((live.spec?.suspend ?? false) === run.spec.suspend) return [];
  return [
    {
      verb: "patch",
      reason: run.spec.suspend ? "suspend" : "resume",
      ref: {
        apiVersion: "batch/v1",
        kind: "Job",
        namespace: run.metadata.namespace,
        name: jobName(run.metadata.name),
      },
      patch: { spec: { suspend: run.spec.suspend } },
    },
  ];
}

function buildStatus(
  run: TrainingRun,
  outcome: RunOutcome,
  world: TrainingRunWorld,
  jobExists: boolean,
  now: Date,
  config: OperatorConfig,
): TrainingRunStatus {
  const old = run.status ?? {};
  const obs = observeJob(world.job, world.pods);
  const generation = run.metadata.generation;
  const inputs = [outcome.trained, ...(outcome.promoted === undefined ? [] : [outcome.promoted])];
  const ready = deriveReady(
    inputs,
    inputs.map((c) => c.type),
  );
  const tracked = trackedCondition(run, outcome, config.mlflowTrackingUri);
  const startTime = obs.startTime === undefined ? old.startTime : rfc3339(obs.startTime);
  const completionTime = outcome.completionTime ?? old.completionTime;
  return {
    phase: outcome.phase,
    conditions: rebuildConditions(
      old.conditions,
      [ready, ...inputs, ...(tracked === undefined ? [] : [tracked])],
      generation,
      now,
      RUN_CONDITION_ORDER,
    ),
    ...(generation === undefined ? {} : { observedGeneration: generation }),
    ...(jobExists || old.jobName !== undefined ? { jobName: jobName(run.metadata.name) } : {}),
    ...(startTime === undefined ? {} : { startTime }),
    ...(completionTime === undefined ? {} : { completionTime }),
    attempts: world.job !== undefined ? obs.attempts : (old.attempts ?? 0),
    ...(outcome.metrics === undefined ? {} : { metrics: outcome.metrics }),
    ...(outcome.artifact === undefined ? {} : { artifact: outcome.artifact }),
    ...(outcome.promotion === undefined ? {} : { promotion: outcome.promotion }),
    ...(outcome.tracking === undefined ? {} : { tracking: { mlflow: outcome.tracking } }),
  };
}

/**
 * Reconciles one TrainingRun (pure). Steps: observe the Job and its pods; decide the outcome
 * (outcome.ts: Job state → phase; on success parse the termination message and run the gate);
 * plan the Job (create once; patch suspend); rebuild status; events on phase transitions.
 * A Job with the run's name that this run does not control is a conflict: nothing is written to it.
 */
export function decideTrainingRun(
  run: TrainingRun,
  world: TrainingRunWorld,
  now: Date,
  config: OperatorConfig,
): TrainingRunDecision {
  if (world.job !== undefined && !controlledBy(world.job, run.metadata.uid)) {
    const message = `a Job named ${jobName(run.metadata.name)} exists and is not controlled by this run: delete it or rename the run`;
    const outcome: RunOutcome = {
      phase: "Pending",
      trained: { type: RUN_CONDITIONS.trained, status: "False", reason: "JobConflict", message },
    };
    const status = buildStatus(run, outcome, { ...world, job: undefined, pods: [] }, false, now, config);
    const events: EventRecord[] =
      run.status?.phase === "Pending" ? [] : [{ type: "Warning", reason: "JobConflict", message }];
    return { actions: [], status, events };
  }
  const finishedBefore = run.status?.phase !== undefined && FINISHED_PHASES.has(run.status.phase);
  const outcome = runOutcome(run, observeJob(world.job, world.pods), world, now, config);
  const actions = planJob(run, world, finishedBefore || FINISHED_PHASES.has(outcome.phase), config);
  const created = actions.some((a) => a.verb === "apply");
  const status = buildStatus(run, outcome, world, world.job !== undefined || created, now, config);
  return {
    actions,
    status,
    events: runEvents(run, status, actions),
    ...(outcome.requeueAfterSeconds === undefined
      ? {}
      : { requeueAfterSeconds: outcome.requeueAfterSeconds }),
  };
}
