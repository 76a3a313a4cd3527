import { z } from "zod";
import { TrackingReport } from "../../../common/metrics-summary.ts";
import { ObjectName } from "./pod-settings.ts";
import { matching } from "./rules.ts";

/** The alias a served version gets in the MLflow model registry, unless the run names another. */
export const MLFLOW_ALIAS_DEFAULT = "production";
/** The MLflow experiment of a run, unless it names another (the trainer's default too). */
export const MLFLOW_EXPERIMENT_DEFAULT = "sentiment";

/**
 * Experiment tracking and registry in MLflow for one TrainingRun. The trainer logs to
 * `trackingUri` (best effort: an unreachable MLflow never fails training); when the run's version
 * is served, the operator registers it as a version of `registeredModel` and points `alias` at it.
 */
export const MlflowTrackingSpec = z.object({
  trackingUri: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://mlflow.mlflow:5000" })
    .max(2048)
    .describe(
      "MLflow tracking server (http or https), e.g. http://mlflow.mlflow.svc:5000; credentials never go in the URI (see credentialsSecret).",
    ),
  experiment: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe(`MLflow experiment of the run. Default: ${MLFLOW_EXPERIMENT_DEFAULT}.`),
  credentialsSecret: ObjectName.optional().describe(
    "A Secret in the run's namespace with MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN; passed to the trainer as environment variables, never logged.",
  ),
  registeredModel: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe("Registered model the served version becomes a version of. Default: spec.model."),
  alias: matching(
    z.string().max(255),
    /^[A-Za-z][A-Za-z0-9_-]*$/,
    "must be an MLflow alias such as production: a letter followed by letters, digits, '_' or '-'",
  )
    .optional()
    .describe(`Registry alias moved to the served version. Default: ${MLFLOW_ALIAS_DEFAULT}.`),
});
export type MlflowTrackingSpec = z.infer<typeof MlflowTrackingSpec>;

/** The run's MLflow settings: its own, else the operator's default tracking server, else none. */
export const runMlflow = (
  spec: { tracking?: TrackingSpec | undefined },
  defaultTrackingUri: string | undefined,
): MlflowTrackingSpec | undefined =>
  spec.tracking?.mlflow ??
  (defaultTrackingUri === undefined ? undefined : { trackingUri: defaultTrackingUri });

export const TrackingSpec = z.object({
  mlflow: MlflowTrackingSpec.optional().describe(
    "Log params, metrics and the model to MLflow. Unset: the operator's default tracking server, if it has one.",
  ),
});
export type TrackingSpec = z.infer<typeof TrackingSpec>;

/** What the trainer reported about tracking (its metrics summary), in TrainingRun status. */
export const TrackingStatus = z.object({
  mlflow: TrackingReport.optional().describe("The MLflow run: id, UI URL, and whether logging succeeded."),
});
export type TrackingStatus = z.infer<typeof TrackingStatus>;

/** Where the served version is in the MLflow registry, in SentimentModel status. */
export const RegistryStatus = z.object({
  mlflow: z
    .object({
      registeredModel: z.string().min(1).max(256).describe("The MLflow registered model."),
      version: z.string().min(1).max(32).describe("The MLflow model version of the served version."),
      alias: z.string().min(1).max(255).describe("The registry alias that points at it."),
      runId: z.string().min(1).max(64).describe("The MLflow run of the TrainingRun that trained it."),
      modelVersion: z
        .string()
        .min(1)
        .max(63)
        .describe("The served version (status.currentVersion) this describes."),
      url: z.string().min(1).max(2048).optional().describe("The model version's page in the MLflow UI."),
    })
    .optional()
    .describe("The served version in MLflow, once registered."),
});
export type RegistryStatus = z.infer<typeof RegistryStatus>;
