/**
 * The PURE core of the operator. Nothing here reads the clock, the environment or the API: the
 * shell observes the world, calls a decide function, then acts. Same input, same output.
 *
 * Reconcile loop the shell runs for each key (level-triggered; never branch on event type):
 * 1. load the resource and `parseTrainingRun` / `parseSentimentModel` it (schema defaults applied;
 *    a failure is an error value with reason InvalidResource: record it, do not crash);
 * 2. gather the world from informer caches (`TrainingRunWorld` / `SentimentModelWorld`);
 * 3. `decideTrainingRun(run, world, now, config)` / `decideSentimentModel(model, world, now, config)`
 *    → `{ actions, status, events, requeueAfterSeconds? }`;
 * 4. perform `actions` in order (`apply` = server-side apply with force and the operator's field
 *    manager; `patch` = JSON merge patch; `delete`); objects are client-node model shapes, so
 *    serialize with ObjectSerializer (KubernetesObjectApi does): e.g. NetworkPolicy's `_from`;
 * 5. write status only if `statusChanged(resource.status, decision.status)`, as a patch of the
 *    status subresource; record `events`; requeue after `requeueAfterSeconds` if set.
 *
 * Steady state: once every child matches, `actions` is empty and the status is identical, so a
 * resync makes zero writes. `planChild` (diff.ts) is the comparison: it ignores server-defaulted
 * fields and `replicas` that an HPA owns, and catches removals through a desired-hash annotation.
 *
 * Mapping events to keys: a TrainingRun change should also enqueue the SentimentModel named in
 * its `spec.model` (it may have been promoted), and a SentimentModel change should enqueue the
 * TrainingRuns whose `spec.model` names it only while they await the gate (phase Running with a
 * completed Job); children map to their controller ownerReference.
 */
export { decideTrainingRun } from "./training-run/decide.ts";
export { decideSentimentModel } from "./sentiment-model/decide.ts";
export { statusChanged } from "./status-changed.ts";
export { planChild, planDelete, matchesDesired, desiredHash, withDesiredHash, type PlanOptions } from "./diff.ts";
export { parseTrainingRun, parseSentimentModel } from "./parse.ts";
export { evaluateGate, GATE_CHAIN, type GateVerdict } from "./gate/evaluate.ts";
export type { GateInput, Check, CheckResult } from "./gate/input.ts";
export { resolveVersion, type Resolution } from "./sentiment-model/resolve-version.ts";
export { parseTerminationMessage } from "./training-run/termination-message.ts";
export { RUN_CONDITIONS } from "./training-run/conditions.ts";
export { MODEL_CONDITIONS } from "./sentiment-model/conditions.ts";
export type {
  ChildAction,
  Decision,
  EventRecord,
  KubeObject,
  ObjectRef,
  SentimentModelChildren,
  SentimentModelDecision,
  SentimentModelWorld,
  TrainingRunDecision,
  TrainingRunWorld,
} from "./types.ts";
