import { GROUP, type SENTIMENT_MODEL, type TRAINING_RUN } from "../api/group.ts";
import { LABELS } from "../api/names.ts";
import type { KubeObject } from "../api/kube-object.ts";
import { controllerOf } from "../api/kube-object.ts";

/**
 * Which reconcile keys an informer event concerns. Pure: events are only ever turned into keys
 * ("namespace/name"); what happened is never passed on (level-triggered).
 */

const key = (namespace: string | undefined, name: string): string => `${namespace ?? ""}/${name}`;

/** The key of the TrainingRun or SentimentModel that controls `child`, if it is one of ours. */
export function ownerKey(
  child: KubeObject,
  kind: typeof TRAINING_RUN.kind | typeof SENTIMENT_MODEL.kind,
): string | undefined {
  const ref = controllerOf(child);
  if (!ref || ref.kind !== kind || ref.apiVersion.split("/")[0] !== GROUP) return undefined;
  return key(child.metadata?.namespace, ref.name);
}

/** A trainer pod belongs to the run named in its training-run label (set on the Job's template). */
export function trainerPodOwnerKey(pod: KubeObject): string | undefined {
  const run = pod.metadata?.labels?.[LABELS.trainingRun];
  return run ? key(pod.metadata?.namespace, run) : undefined;
}

/** A TrainingRun that names a model concerns that SentimentModel too (a promotion changes what it serves). */
export function modelKeyOfRun(run: KubeObject): string | undefined {
  const model = (run["spec"] as { model?: unknown } | undefined)?.model;
  return typeof model === "string" && model ? key(run.metadata?.namespace, model) : undefined;
}
