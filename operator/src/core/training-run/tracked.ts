import type { ConditionInput } from "../../api/conditions.ts";
import { runMlflow } from "../../api/tracking.ts";
import type { TrainingRun } from "../../api/training-run.ts";
import { RUN_CONDITIONS } from "./conditions.ts";
import type { RunOutcome } from "./outcome.ts";

/**
 * The `Tracked` condition of a tracked run (`spec.tracking.mlflow` or the operator's default server; none otherwise): Unknown until the
 * trainer reports, then True with the run's MLflow URL, or False with why logging failed. Ready
 * never depends on it: tracking is best effort.
 */
export function trackedCondition(
  run: TrainingRun,
  outcome: RunOutcome,
  defaultTrackingUri: string | undefined,
): ConditionInput | undefined {
  if (runMlflow(run.spec, defaultTrackingUri) === undefined) return undefined;
  const t = outcome.tracking;
  const c = (status: ConditionInput["status"], reason: string, message: string): ConditionInput => ({
    type: RUN_CONDITIONS.tracked,
    status,
    reason,
    message,
  });
  if (t === undefined) {
    if (outcome.trained.status === "Unknown")
      return c("Unknown", "Training", "the trainer reports to MLflow when it finishes");
    if (outcome.trained.status === "False")
      return c(
        "Unknown",
        "RunFailed",
        "training failed: its MLflow run, if one was created, is marked FAILED",
      );
    return c("Unknown", "NotReported", "the trainer reported nothing about MLflow (an older trainer image?)");
  }
  if (t.status === "Tracked") return c("True", "Tracked", `MLflow run ${t.url ?? t.runId ?? ""}`.trim());
  return c("False", "TrackingFailed", t.message ?? "the trainer could not log to MLflow");
}
