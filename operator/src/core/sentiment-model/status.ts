import { deriveReady, rebuildConditions, type ConditionInput } from "../../api/conditions.ts";
import { rfc3339 } from "../../api/time.ts";
import { serverName, serverSelector, selectorString } from "../../api/names.ts";
import type { SentimentModel, SentimentModelPhase, SentimentModelStatus } from "../../api/sentiment-model.ts";
import type { OperatorConfig } from "../../config.ts";
import { MODEL_CONDITIONS, MODEL_CONDITION_ORDER, MODEL_READY_DEPENDENCIES } from "./conditions.ts";
import { recordServed } from "./history.ts";
import type { Resolution, Resolved } from "./resolve-version.ts";
import type { Rollout } from "./rollout.ts";

/**
 * The port a Service's `port` gets on this machine in compose mode: below 1024 needs root, so
 * it falls back to 8080.
 */
export const localServicePort = (port: number): number => (port < 1024 ? 8080 : port);

/** The predict URL of a model's Service: in-cluster DNS, or the front port on localhost in compose mode. */
export function predictUrl(model: SentimentModel, config: OperatorConfig): string {
  if (config.serviceAddress === "localhost")
    return `http://127.0.0.1:${localServicePort(model.spec.service.port)}/predict`;
  const port = model.spec.service.port === 80 ? "" : `:${model.spec.service.port}`;
  return `http://${serverName(model.metadata.name)}.${model.metadata.namespace}.svc.${config.clusterDomain}${port}/predict`;
}

export function resolvedCondition(resolution: Resolution, served: Resolved | undefined): ConditionInput {
  const type = MODEL_CONDITIONS.modelResolved;
  if (!resolution.ok) {
    const keeping = served === undefined ? "" : `; still serving version ${served.artifact.version}`;
    return { type, status: "False", reason: resolution.reason, message: `${resolution.message}${keeping}` };
  }
  const reason = { pinned: "VersionPinned", external: "ExternalArtifact", promoted: "NewestPromoted" }[
    resolution.source
  ];
  const from =
    resolution.trainingRun === undefined ? resolution.uri : `TrainingRun ${resolution.trainingRun}`;
  return {
    type,
    status: "True",
    reason,
    message: `serving version ${resolution.artifact.version} from ${from}`,
  };
}

/**
 * The phase: Pending (nothing to serve yet), Failed (nothing servable: a bad pin or URI),
 * Ready (Ready=True), Degraded (stuck rollout, unresolvable spec while an old version serves, or
 * availability lost after being Ready), otherwise Progressing.
 */
export function modelPhase(
  resolution: Resolution,
  served: Resolved | undefined,
  ready: ConditionInput,
  rollout: Rollout,
  oldPhase: SentimentModelPhase | undefined,
): SentimentModelPhase {
  if (served === undefined)
    return !resolution.ok && resolution.reason !== "NoPromotedVersion" ? "Failed" : "Pending";
  if (ready.status === "True") return "Ready";
  if (rollout.stuck || !resolution.ok) return "Degraded";
  if ((oldPhase === "Ready" || oldPhase === "Degraded") && rollout.available.status === "False")
    return "Degraded";
  return "Progressing";
}

export interface StatusInputs {
  readonly resolution: Resolution;
  readonly served: Resolved | undefined;
  readonly rollout: Rollout;
  readonly monitoring: ConditionInput;
}

/** The whole status, rebuilt from the world; history and times of unchanged conditions are kept. */
export function buildModelStatus(
  model: SentimentModel,
  inputs: StatusInputs,
  now: Date,
  config: OperatorConfig,
): SentimentModelStatus {
  const old = model.status ?? {};
  const { resolution, served, rollout, monitoring } = inputs;
  const resolved = resolvedCondition(resolution, served);
  const ready = deriveReady([resolved, rollout.available, rollout.rolledOut], MODEL_READY_DEPENDENCIES);
  const generation = model.metadata.generation;
  const version = served?.artifact.version;
  const history =
    served !== undefined && version !== old.currentVersion
      ? recordServed(old.history, {
          version: served.artifact.version,
          uri: served.uri,
          ...(served.trainingRun === undefined ? {} : { trainingRun: served.trainingRun }),
          ...(served.metrics === undefined ? {} : { metrics: served.metrics }),
          servedAt: rfc3339(now),
        })
      : old.history;
  return {
    phase: modelPhase(resolution, served, ready, rollout, old.phase),
    conditions: rebuildConditions(
      old.conditions,
      [ready, resolved, rollout.available, rollout.rolledOut, rollout.progressing, monitoring],
      generation,
      now,
      MODEL_CONDITION_ORDER,
    ),
    ...(generation === undefined ? {} : { observedGeneration: generation }),
    ...(served === undefined ? {} : { currentVersion: served.artifact.version, currentUri: served.uri }),
    ...(served?.metrics === undefined ? {} : { metrics: served.metrics }),
    ...(history === undefined ? {} : { history }),
    replicas: rollout.replicas,
    readyReplicas: rollout.readyReplicas,
    readyDisplay: `${rollout.readyReplicas}/${rollout.desiredReplicas}`,
    selector: selectorString(serverSelector(model.metadata.name)),
    url: predictUrl(model, config),
    ...(rollout.revision === undefined ? {} : { revision: rollout.revision }),
  };
}
