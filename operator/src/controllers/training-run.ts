import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { LABELS, jobName } from "../api/names.ts";
import { parseSentimentModel, parseTrainingRun } from "../core/parse.ts";
import { decideTrainingRun } from "../core/training-run/decide.ts";
import { statusChanged } from "../core/status-changed.ts";
import { splitKey } from "../api/kube-object.ts";
import { requeueAfter, type Reconcile } from "../runtime/controller.ts";
import type { ReconcilerDeps } from "./port.ts";
import { parseOrReport, writeStatusAndEvents } from "./write-status.ts";

/**
 * Reconciles one TrainingRun, in the kubebuilder order:
 * 1. load the run from the cache (gone: nothing to do, its Job is garbage-collected);
 * 2. gather its Job (by its deterministic name), the Job's pods and the target SentimentModel;
 * 3. let the pure core decide (outcome, gate, Job plan, status, events);
 * 4. act (create the Job if absent, patch suspend);
 * 5. write status once if it changed, record events, requeue if asked.
 */
export function trainingRunReconciler(deps: ReconcilerDeps): Reconcile {
  const caches = deps.port.sources;
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const raw = caches.trainingRuns.get(namespace, name);
    if (!raw || raw.metadata?.deletionTimestamp) return undefined;
    const run = await parseOrReport(deps, raw, parseTrainingRun, "TrainingRun", key);
    if (run === undefined) return undefined;
    const job = caches.jobs.get(namespace, jobName(name)) as V1Job | undefined;
    const jobUid = job?.metadata?.uid;
    const pods = caches.pods
      .list(namespace)
      .filter((p) => p.metadata?.labels?.[LABELS.trainingRun] === name)
      .filter(
        (p) => jobUid === undefined || p.metadata?.ownerReferences?.some((r) => r.uid === jobUid),
      ) as unknown as V1Pod[];
    const liveModel =
      run.spec.model === undefined ? undefined : caches.sentimentModels.get(namespace, run.spec.model);
    const parsedModel = liveModel === undefined ? undefined : parseSentimentModel(liveModel);
    const model = parsedModel?.ok ? parsedModel.value : undefined;

    const decision = decideTrainingRun(run, { job, pods, model }, new Date(deps.clock.now()), deps.config);
    await deps.port.act(decision.actions, key);
    const changed = statusChanged(run.status, decision.status);
    await writeStatusAndEvents(deps, raw, decision.status, changed, decision.events);
    return requeueAfter(decision.requeueAfterSeconds);
  };
}
