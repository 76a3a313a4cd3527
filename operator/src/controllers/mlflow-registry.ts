/**
 * The MLflow registry side effect of the SentimentModel controller (shell): makes the registry say
 * what is served. Level-triggered and idempotent: the served version's MLflow run gets one model
 * version (found by run id, else created from `runs:/<run>/model` and awaited until READY), and
 * the alias moves to it; a rollback moves it back. Best effort: a failure is the Registered=False
 * condition and a retry a minute later, never a reason to stop serving.
 *
 * The operator's own MLFLOW_TRACKING_USERNAME / _PASSWORD / _TOKEN authenticate it (no access to
 * users' Secrets needed).
 */
import type { ConditionInput } from "../api/conditions.ts";
import type { SentimentModelStatus } from "../api/sentiment-model.ts";
import type { RegistryStatus } from "../api/tracking.ts";
import { registryUpToDate, REGISTERED, type RegistryTarget } from "../core/sentiment-model/registry.ts";
import { createMlflowClient, type MlflowClient } from "../../../common/mlflow/client.ts";
import { connectionFor } from "../../../common/mlflow/env.ts";
import type { Logger } from "../../../common/log.ts";

export type MlflowClients = (trackingUri: string) => MlflowClient;

export const mlflowClientsFromEnv =
  (env: NodeJS.ProcessEnv): MlflowClients =>
  (trackingUri) =>
    createMlflowClient({ ...connectionFor(trackingUri, env), attempts: 2, timeoutMs: 15_000 });

/** Seconds before a failed registration is tried again. */
export const REGISTRY_RETRY_SECONDS = 60;
/** The tag that names our version on an MLflow model version. */
export const MODEL_VERSION_TAG = "sentiment.mlops.dev/model-version";

export interface RegistryOutcome {
  readonly registry: RegistryStatus["mlflow"];
  readonly condition: ConditionInput;
  readonly failed: boolean;
}

export async function reconcileRegistry(
  clients: MlflowClients,
  target: RegistryTarget | undefined,
  old: SentimentModelStatus | undefined,
  fields: { logger?: Logger | undefined; model: string },
): Promise<RegistryOutcome | undefined> {
  if (target === undefined) return undefined;
  const condition = (status: ConditionInput["status"], reason: string, message: string): ConditionInput => ({
    type: REGISTERED,
    status,
    reason,
    message,
  });
  if (registryUpToDate(old, target)) {
    const r = old!.registry!.mlflow!;
    return {
      registry: r,
      condition: condition("True", "Registered", aliasMessage(r.registeredModel, r.version, r.alias)),
      failed: false,
    };
  }
  const mlflow = clients(target.trackingUri);
  try {
    const version = await registerServedVersion(mlflow, target);
    fields.logger?.info("Moved MLflow registry alias", {
      sentimentmodel: fields.model,
      registeredModel: target.registeredModel,
      alias: target.alias,
      version,
      modelVersion: target.modelVersion,
    });
    return {
      registry: {
        registeredModel: target.registeredModel,
        version,
        alias: target.alias,
        runId: target.runId,
        modelVersion: target.modelVersion,
        url: mlflow.modelVersionUrl(target.registeredModel, version),
      },
      condition: condition("True", "Registered", aliasMessage(target.registeredModel, version, target.alias)),
      failed: false,
    };
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).replace(/\.$/, "");
    fields.logger?.warn("Failed to update the MLflow registry; will retry", {
      sentimentmodel: fields.model,
      registeredModel: target.registeredModel,
      error: message,
    });
    return {
      registry: old?.registry?.mlflow,
      condition: condition(
        "False",
        "RegistrationFailed",
        `${message} (retrying every ${REGISTRY_RETRY_SECONDS} s)`,
      ),
      failed: true,
    };
  }
}

const aliasMessage = (name: string, version: string, alias: string): string =>
  `MLflow model ${name} version ${version} is @${alias}`;

/** Registers the target's run once (idempotent) and points the alias at it; returns the MLflow version. */
export async function registerServedVersion(mlflow: MlflowClient, t: RegistryTarget): Promise<string> {
  await mlflow.registry.ensureRegisteredModel(t.registeredModel);
  const existing = (await mlflow.registry.findModelVersionsByRun(t.registeredModel, t.runId))[0];
  const created =
    existing ??
    (await mlflow.registry.createModelVersion({
      name: t.registeredModel,
      source: `runs:/${t.runId}/model`,
      runId: t.runId,
      tags: [{ key: MODEL_VERSION_TAG, value: t.modelVersion }],
    }));
  const ready = await mlflow.registry.waitForModelVersionReady(t.registeredModel, created.version, {
    timeoutMs: 30_000,
  });
  const current = await mlflow.registry.getVersionByAlias(t.registeredModel, t.alias);
  if (current?.version !== ready.version)
    await mlflow.registry.setAlias(t.registeredModel, t.alias, ready.version);
  return ready.version;
}
