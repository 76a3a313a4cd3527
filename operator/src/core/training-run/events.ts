import type { TrainingRun, TrainingRunStatus } from "../../api/training-run.ts";
import { jobName } from "../../api/names.ts";
import { findCondition } from "../../api/conditions.ts";
import type { ChildAction, EventRecord } from "../types.ts";
import { RUN_CONDITIONS } from "./conditions.ts";

/** Events for what changed in this reconcile: the Job created or (un)suspended, and a new phase. */
export function runEvents(
  run: TrainingRun,
  status: TrainingRunStatus,
  actions: readonly ChildAction[],
): EventRecord[] {
  const events: EventRecord[] = [];
  const job = jobName(run.metadata.name);
  for (const a of actions) {
    if (a.verb === "apply")
      events.push({ type: "Normal", reason: "JobCreated", message: `Created Job ${job}` });
    if (a.verb === "patch")
      events.push({
        type: "Normal",
        reason: a.reason === "suspend" ? "Suspended" : "Resumed",
        message: `${a.reason === "suspend" ? "Suspended" : "Resumed"} Job ${job}`,
      });
  }
  if (status.phase === run.status?.phase) return events;
  const trained = findCondition(status.conditions, RUN_CONDITIONS.trained);
  const metrics =
    status.metrics === undefined
      ? ""
      : ` (accuracy ${status.metrics.accuracy.toFixed(4)}, F1 ${status.metrics.f1.toFixed(4)})`;
  const version = status.artifact?.version ?? "";
  switch (status.phase) {
    case "Running":
      events.push({ type: "Normal", reason: "Training", message: `Training pod of Job ${job} started` });
      break;
    case "Failed":
      events.push({
        type: "Warning",
        reason: trained?.reason ?? "Failed",
        message: `Training failed: ${trained?.message ?? "see status"}`,
      });
      break;
    case "Succeeded":
      events.push({
        type: "Normal",
        reason: "Trained",
        message: `Trained version ${version}${metrics}; promotion not requested`,
      });
      break;
    case "Promoted":
      events.push({
        type: "Normal",
        reason: "Promoted",
        message: `Promoted version ${version}${metrics} to SentimentModel ${run.spec.model ?? ""}`,
      });
      break;
    case "Rejected":
      events.push({
        type: "Normal",
        reason: "Rejected",
        message: `Version ${version} not promoted: ${status.promotion?.message ?? status.promotion?.reason ?? ""}`,
      });
      break;
    case "AwaitingApproval":
      events.push({
        type: "Normal",
        reason: "AwaitingApproval",
        message: `Version ${version}${metrics} passed the gate; awaiting approval`,
      });
      break;
    default:
      break;
  }
  return events;
}
