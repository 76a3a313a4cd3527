/**
 * A small typed MLflow REST client (tracking, artifacts through the server's proxy, registry) for
 * MLflow 3.x, on `fetch`. Every answer is validated with zod; failures throw `MlflowError` with a
 * reason (`MlflowUnavailable`, `MlflowRequestFailed`, `MlflowResponseInvalid`) and MLflow's
 * `errorCode`. See ./transport.ts for retries and what is never logged.
 *
 * ```ts
 * const mlflow = createMlflowClient({ trackingUri: "http://127.0.0.1:5000" });
 * const exp = await mlflow.tracking.getOrCreateExperiment("sentiment");
 * ```
 */
import { createArtifacts, type Artifacts } from "./artifacts.ts";
import { createRegistry, type Registry } from "./registry.ts";
import { createTracking, type Tracking } from "./tracking.ts";
import { createTransport, splitCredentials, type TransportOptions } from "./transport.ts";

export interface MlflowClient {
  readonly trackingUri: string;
  readonly tracking: Tracking;
  readonly artifacts: Artifacts;
  readonly registry: Registry;
  /** The UI page of a run. */
  runUrl(experimentId: string, runId: string): string;
  /** The UI page of a model version. */
  modelVersionUrl(name: string, version: string): string;
}

export function createMlflowClient(options: TransportOptions): MlflowClient {
  const request = createTransport(options);
  const ui = splitCredentials(options).base;
  return {
    trackingUri: ui,
    tracking: createTracking(request),
    artifacts: createArtifacts(request),
    registry: createRegistry(request),
    runUrl: (experimentId, runId) =>
      `${ui}/#/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`,
    modelVersionUrl: (name, version) =>
      `${ui}/#/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`,
  };
}
