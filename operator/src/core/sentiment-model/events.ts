import { findCondition } from "../../api/conditions.ts";
import type { SentimentModel, SentimentModelStatus } from "../../api/sentiment-model.ts";
import type { EventRecord } from "../types.ts";
import { MODEL_CONDITIONS } from "./conditions.ts";

const changed = (old: SentimentModelStatus, next: SentimentModelStatus, type: string): boolean => {
  const a = findCondition(old.conditions, type);
  const b = findCondition(next.conditions, type);
  return a?.status !== b?.status || a?.reason !== b?.reason;
};

/** Events on transitions only: a new version, resolution and monitoring problems, Ready and Degraded. */
export function modelEvents(model: SentimentModel, next: SentimentModelStatus): EventRecord[] {
  const old = model.status ?? {};
  const events: EventRecord[] = [];
  if (next.currentVersion !== undefined && next.currentVersion !== old.currentVersion) {
    const was = old.currentVersion === undefined ? "" : ` (was ${old.currentVersion})`;
    events.push({
      type: "Normal",
      reason: "RollingOut",
      message: `Rolling out version ${next.currentVersion}${was}`,
    });
  }
  const resolved = findCondition(next.conditions, MODEL_CONDITIONS.modelResolved);
  if (resolved?.status === "False" && changed(old, next, MODEL_CONDITIONS.modelResolved)) {
    const type = resolved.reason === "NoPromotedVersion" ? "Normal" : "Warning";
    events.push({ type, reason: resolved.reason, message: resolved.message });
  }
  const monitoring = findCondition(next.conditions, MODEL_CONDITIONS.monitoringReady);
  if (monitoring?.status === "False" && changed(old, next, MODEL_CONDITIONS.monitoringReady)) {
    events.push({ type: "Warning", reason: monitoring.reason, message: monitoring.message });
  }
  if (next.phase !== old.phase) {
    const ready = findCondition(next.conditions, MODEL_CONDITIONS.ready);
    if (next.phase === "Ready") {
      events.push({
        type: "Normal",
        reason: "Ready",
        message: `Serving version ${next.currentVersion ?? "?"} with ${next.readyDisplay ?? "?"} replicas ready`,
      });
    }
    if (next.phase === "Degraded" || next.phase === "Failed") {
      events.push({ type: "Warning", reason: next.phase, message: ready?.message ?? next.phase });
    }
  }
  return events;
}
