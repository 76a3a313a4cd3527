import { parseArtifactUri } from "../../api/names.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import type { OperatorConfig } from "../../config.ts";
import type { SentimentModelDecision, SentimentModelWorld } from "../types.ts";
import { planModelChildren } from "./children.ts";
import { modelEvents } from "./events.ts";
import { decideMonitoring } from "./monitoring.ts";
import { resolveVersion, type Resolved } from "./resolve-version.ts";
import { observeRollout, updatingRollout } from "./rollout.ts";
import { buildModelStatus } from "./status.ts";

/** The version recorded as served, kept while the spec cannot be resolved (never tear down a working server). */
function recordedServed(model: SentimentModel): Resolved | undefined {
  const s = model.status;
  if (s?.currentVersion === undefined || s.currentUri === undefined) return undefined;
  const parsed = parseArtifactUri(s.currentUri);
  if (parsed === undefined) return undefined;
  const past = s.history?.find((h) => h.version === s.currentVersion);
  return {
    ok: true,
    artifact: { version: s.currentVersion, claimName: parsed.claim, path: parsed.path },
    uri: s.currentUri,
    source: "pinned",
    trainingRun: past?.trainingRun,
    metrics: s.metrics,
  };
}

/**
 * Reconciles one SentimentModel (pure). Steps: resolve the version to serve (resolve-version.ts;
 * if that fails, keep serving the recorded version); decide monitoring (ServiceMonitor only when
 * its CRD exists); plan the children (children.ts); read the rollout from the live Deployment
 * (rollout.ts); rebuild status (status.ts); events on transitions (events.ts).
 * Requeues while a rollout is in progress and, when the ServiceMonitor CRD is missing, to re-check.
 * A model being deleted gets no actions (garbage collection removes the children).
 */
export function decideSentimentModel(
  model: SentimentModel,
  world: SentimentModelWorld,
  now: Date,
  config: OperatorConfig,
): SentimentModelDecision {
  if (model.metadata.deletionTimestamp !== undefined)
    return { actions: [], status: model.status ?? {}, events: [] };
  const resolution = resolveVersion(model, world.trainingRuns);
  const served = resolution.ok ? resolution : recordedServed(model);
  const monitoring = decideMonitoring(model, world.children, world.serviceMonitorCrdInstalled);
  const actions = planModelChildren(model, served?.artifact, world.children, monitoring.wanted, config);
  const specReplicas = model.spec.autoscaling.enabled
    ? model.spec.autoscaling.minReplicas
    : model.spec.replicas;
  const observed = observeRollout(world.children.deployment, served?.artifact.version, specReplicas);
  const rollout = actions.some(
    (a) => a.verb === "apply" && a.object.kind === "Deployment" && a.reason === "update",
  )
    ? updatingRollout(observed)
    : observed;
  const status = buildModelStatus(
    model,
    { resolution, served, rollout, monitoring: monitoring.condition },
    now,
    config,
  );
  const waits = [
    ...(rollout.rolledOut.status === "True" || served === undefined ? [] : [config.progressRequeueSeconds]),
    ...(monitoring.condition.reason === "ServiceMonitorCRDNotInstalled" ? [config.recheckSeconds] : []),
  ];
  return {
    actions,
    status,
    events: modelEvents(model, status),
    ...(waits.length === 0 ? {} : { requeueAfterSeconds: Math.min(...waits) }),
  };
}
