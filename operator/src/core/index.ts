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
 * 4. perform `actions`, concurrently (`apply` = server-side apply with force and the operator's
 *    field manager; `patch` = JSON merge patch; `delete`): a plan has at most one action per child,
 *    each is idempotent and children refer to each other only by name, so their order carries no
 *    meaning; objects are wire JSON (send as is; typed with client-node's models, whose Date
 *    fields are strings on the wire, which the core handles);
 * 5. write status only if `statusChanged(resource.status, decision.status)`, as a patch of the
 *    status subresource; record `events`; requeue after `requeueAfterSeconds` if set.
 *
 * Steady state: once every child matches, `actions` is empty and the status is identical, so a
 * resync makes zero writes. `planChild` (diff.ts) is the comparison: it ignores server-defaulted
 * fields and `replicas` that an HPA owns, and catches removals through a desired-hash annotation.
 *
 * Mapping events to keys: a TrainingRun change also enqueues the SentimentModel named in its
 * `spec.model` (it may have been promoted); children map to their controller ownerReference
 * (Pods of a training Job map to the run through the `sentiment.mlops.dev/training-run` label).
 * A TrainingRun reads its model only for the gate and the model's PVC name, so a model change
 * need not enqueue runs.
 */
export { decideTrainingRun } from "./training-run/decide.ts";
export { decideSentimentModel } from "./sentiment-model/decide.ts";
export { statusChanged } from "./status-changed.ts";
export {
  planChild,
  planDelete,
  matchesDesired,
  desiredHash,
  withDesiredHash,
  type PlanOptions,
} from "./diff.ts";
export { parseTrainingRun, parseSentimentModel } from "./parse.ts";
export { evaluateGate, GATE_CHAIN, type GateVerdict } from "./gate/evaluate.ts";
export type { GateInput, Check, CheckResult } from "./gate/input.ts";
export { resolveVersion, type Resolution } from "./sentiment-model/resolve-version.ts";
export { parseTerminationMessage } from "./training-run/termination-message.ts";
export { RUN_CONDITIONS } from "./training-run/conditions.ts";
export { MODEL_CONDITIONS } from "./sentiment-model/conditions.ts";
export type { KubeObject, NamedKubeObject } from "../api/kube-object.ts";
export type {
  ChildAction,
  Decision,
  EventRecord,
  ObjectRef,
  SentimentModelChildren,
  SentimentModelDecision,
  SentimentModelWorld,
  TrainingRunDecision,
  TrainingRunWorld,
} from "./types.ts";
