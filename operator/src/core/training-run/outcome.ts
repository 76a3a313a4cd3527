import type { ConditionInput } from "../../api/conditions.ts";
import { findCondition } from "../../api/conditions.ts";
import { rfc3339 } from "../../api/time.ts";
import type { ArtifactRef, ModelMetrics } from "../../api/metrics.ts";
import type { PromotionStatus } from "../../api/promotion.ts";
import type { TrackingReport } from "../../../../common/metrics-summary.ts";
import type { TrainingRun, TrainingRunPhase } from "../../api/training-run.ts";
import type { OperatorConfig } from "../../config.ts";
import type { TrainingRunWorld } from "../types.ts";
import { FINISHED_PHASES, RUN_CONDITIONS } from "./conditions.ts";
import { effectivePromotion, runOutput, servingOf } from "./effective.ts";
import type { JobObservation } from "./observe-job.ts";
import {
  applyApproval,
  approvalOf,
  decidePromotion,
  recordedPromotion,
  type PromotionOutcome,
} from "./promotion.ts";
import { parseTerminationMessage } from "./termination-message.ts";

/** Where the run stands: phase, the Trained and Promoted conditions, and the recorded facts. */
export interface RunOutcome {
  readonly phase: TrainingRunPhase;
  readonly trained: ConditionInput;
  readonly promoted?: ConditionInput | undefined;
  readonly metrics?: ModelMetrics | undefined;
  readonly artifact?: ArtifactRef | undefined;
  readonly promotion?: PromotionStatus | undefined;
  readonly tracking?: TrackingReport | undefined;
  readonly completionTime?: string | undefined;
  readonly requeueAfterSeconds?: number | undefined;
}

const trained = (status: ConditionInput["status"], reason: string, message: string): ConditionInput => ({
  type: RUN_CONDITIONS.trained,
  status,
  reason,
  message,
});

const withPromotion = (base: Omit<RunOutcome, "phase">, p: PromotionOutcome): RunOutcome => ({
  ...base,
  phase: p.phase,
  promotion: p.promotion,
  promoted: p.condition,
});

/**
 * A run that already finished keeps its recorded facts (metrics, artifact, decision, failure):
 * the Job may be gone (ttlSecondsAfterFinished) and the served model changes after a promotion,
 * so re-deriving them would be wrong. Only AwaitingApproval moves on, when the user answers.
 */
function finishedOutcome(run: TrainingRun, now: Date): RunOutcome {
  const old = run.status ?? {};
  const completionTime = old.completionTime;
  if (
    old.phase === "Failed" ||
    old.metrics === undefined ||
    old.artifact === undefined ||
    old.promotion === undefined
  ) {
    const c = findCondition(old.conditions, RUN_CONDITIONS.trained);
    return {
      phase: "Failed",
      trained: trained("False", c?.reason ?? "JobFailed", c?.message ?? "the run failed"),
      completionTime,
    };
  }
  const base = {
    trained: trained("True", "Trained", trainedMessage(old.metrics)),
    metrics: old.metrics,
    artifact: old.artifact,
    tracking: old.tracking?.mlflow,
    completionTime,
  };
  const approval = approvalOf(run.metadata.annotations);
  if (old.promotion.decision === "AwaitingApproval" && approval !== "none") {
    return withPromotion(base, applyApproval(approval, old.promotion.message ?? "gate passed", now));
  }
  return withPromotion(base, recordedPromotion(old.promotion));
}

const trainedMessage = (m: ModelMetrics): string =>
  `test accuracy ${m.accuracy.toFixed(4)}, F1 ${m.f1.toFixed(4)}`;

/** The run's outcome from the observed Job, its pods and (for the gate) the target model. */
export function runOutcome(
  run: TrainingRun,
  obs: JobObservation,
  world: TrainingRunWorld,
  now: Date,
  config: OperatorConfig,
): RunOutcome {
  if (run.status?.phase !== undefined && FINISHED_PHASES.has(run.status.phase))
    return finishedOutcome(run, now);
  const job = obs.job;
  switch (job.state) {
    case "Absent":
      return run.spec.suspend
        ? {
            phase: "Pending",
            trained: trained("Unknown", "Suspended", "spec.suspend is true: no Job is created"),
          }
        : { phase: "Pending", trained: trained("Unknown", "JobCreating", "creating the training Job") };
    case "Suspended":
      return {
        phase: "Pending",
        trained: trained("Unknown", "Suspended", "the Job is suspended (spec.suspend)"),
      };
    case "Pending":
      return {
        phase: "Pending",
        trained: job.waiting
          ? trained("False", job.waiting.reason, `the trainer cannot start: ${job.waiting.message}`)
          : trained("Unknown", "PodPending", "waiting for the training pod to start"),
      };
    case "Running":
      return { phase: "Running", trained: trained("Unknown", "Training", "the trainer is running") };
    case "Failed":
      return {
        phase: "Failed",
        trained: trained("False", job.reason, job.message),
        completionTime: job.time === undefined ? rfc3339(now) : rfc3339(job.time),
      };
  }
  const completionTime = rfc3339(job.completionTime ?? now);
  const output = runOutput(run, world.model);
  const parsed = parseTerminationMessage(job.message, {
    claimName: output.claimName,
    mountPath: config.modelMountPath,
  });
  if (!parsed.ok && parsed.error.reason === "MetricsMissing" && job.containerRan === false) {
    return {
      phase: "Failed",
      trained: trained(
        "False",
        "NoContainerRan",
        "The Job completed, but its pod reports no container: no trainer ran, so there are no metrics. " +
          "The node only simulates pods (KWOK, for example); run the TrainingRun on nodes with a container runtime.",
      ),
      completionTime,
    };
  }
  if (!parsed.ok) {
    const waited = (now.getTime() - (job.completionTime ?? now).getTime()) / 1000;
    if (parsed.error.reason === "MetricsMissing" && waited < config.metricsGraceSeconds) {
      return {
        phase: "Running",
        trained: trained(
          "Unknown",
          "AwaitingMetrics",
          "the Job completed; waiting to observe the trainer pod's termination message",
        ),
        requeueAfterSeconds: Math.max(1, Math.ceil(config.metricsGraceSeconds - waited)),
      };
    }
    return {
      phase: "Failed",
      trained: trained("False", parsed.error.reason, parsed.error.message),
      completionTime,
    };
  }
  const { metrics, artifact, tracking } = parsed.value;
  const base = {
    trained: trained("True", "Trained", trainedMessage(metrics)),
    metrics,
    artifact,
    tracking,
    completionTime,
  };
  return withPromotion(
    base,
    decidePromotion(
      effectivePromotion(run),
      metrics,
      servingOf(world.model),
      approvalOf(run.metadata.annotations),
      now,
    ),
  );
}
