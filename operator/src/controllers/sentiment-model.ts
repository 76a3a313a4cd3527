import { modelPvcName, serverName } from "../api/names.ts";
import { parseSentimentModel, parseTrainingRun } from "../core/parse.ts";
import { decideSentimentModel } from "../core/sentiment-model/decide.ts";
import { statusChanged } from "../core/status-changed.ts";
import type { SentimentModelChildren } from "../core/types.ts";
import { controllerOf, splitKey, type KubeObject } from "../api/kube-object.ts";
import { requeueAfter, type Reconcile } from "../runtime/controller.ts";
import { registryTarget, withRegistry } from "../core/sentiment-model/registry.ts";
import { MODEL_CONDITION_ORDER } from "../core/sentiment-model/conditions.ts";
import { mlflowClientsFromEnv, reconcileRegistry, REGISTRY_RETRY_SECONDS } from "./mlflow-registry.ts";
import type { ObjectSource, ReconcilerDeps } from "./port.ts";
import { parseOrReport, writeStatusAndEvents } from "./write-status.ts";

export interface SentimentModelReconcilerDeps extends ReconcilerDeps {
  /** True once the ServiceMonitor CRD is served AND its informer has synced. */
  readonly serviceMonitorsReady: () => boolean | undefined;
}

/**
 * Reconciles one SentimentModel:
 * 1. load it from the cache (gone: its children are garbage-collected);
 * 2. gather the TrainingRuns of its namespace and its live children (only those it controls);
 * 3. let the pure core decide (version to serve, desired children vs live, status, events);
 * 4. act: server-side apply what differs, delete what the spec turned off;
 * 5. write status once if it changed, record events, requeue if asked.
 */
export function sentimentModelReconciler(deps: SentimentModelReconcilerDeps): Reconcile {
  const caches = deps.port.sources;
  const { logger } = deps;
  const defaultClients = mlflowClientsFromEnv(process.env);
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const raw = caches.sentimentModels.get(namespace, name);
    if (!raw || raw.metadata?.deletionTimestamp) return undefined;
    const model = await parseOrReport(deps, raw, parseSentimentModel, "SentimentModel", key);
    if (model === undefined) return undefined;
    const uid = model.metadata.uid;
    const owned = <T>(inf: ObjectSource | undefined, childName: string): T | undefined => {
      const live = inf?.get(namespace, childName);
      return live !== undefined && controllerOf(live)?.uid === uid ? (live as T) : undefined;
    };
    const server = serverName(name);
    const children: SentimentModelChildren = {
      deployment: owned(caches.deployments, server),
      service: owned(caches.services, server),
      hpa: owned(caches.hpas, server),
      pdb: owned(caches.pdbs, server),
      networkPolicy: owned(caches.networkPolicies, server),
      serviceMonitor: owned(caches.serviceMonitors, server),
      pvc: owned(caches.pvcs, modelPvcName(name)),
    };
    const trainingRuns = caches.trainingRuns
      .list(namespace)
      .map((r: KubeObject) => parseTrainingRun(r))
      .flatMap((r) => (r.ok ? [r.value] : []));

    const world = { trainingRuns, children, serviceMonitorCrdInstalled: deps.serviceMonitorsReady() };
    const now = new Date(deps.clock.now());
    const decision = decideSentimentModel(model, world, now, deps.config);
    await deps.port.act(decision.actions, key);
    // The MLflow registry follows what is served once it is Ready (a side effect, best effort).
    const served = decision.status.phase === "Ready" ? decision.status.currentVersion : undefined;
    const registry = await reconcileRegistry(
      deps.mlflowClients ?? defaultClients,
      registryTarget(model, served, trainingRuns, deps.config.mlflowTrackingUri),
      model.status,
      { logger, model: key },
    );
    const status = withRegistry(
      decision.status,
      model.status,
      registry,
      model.metadata.generation,
      now,
      MODEL_CONDITION_ORDER,
    );
    const changed = statusChanged(model.status, status);
    await writeStatusAndEvents(deps, raw, status, changed, decision.events);
    if (changed && decision.status.currentVersion !== model.status?.currentVersion) {
      const from = model.status?.currentVersion ?? "";
      logger?.info("Switched served model version", {
        sentimentmodel: key,
        from,
        to: decision.status.currentVersion,
      });
    }
    return requeueAfter(
      registry?.failed === true
        ? Math.min(decision.requeueAfterSeconds ?? REGISTRY_RETRY_SECONDS, REGISTRY_RETRY_SECONDS)
        : decision.requeueAfterSeconds,
    );
  };
}
