/**
 * Experiment tracking in MLflow, best effort: a `TrainObserver` that creates a run when training
 * starts, logs each epoch's train/validation figures with its step as they come, and once the
 * model is written logs the hyperparameters, preprocessing settings, dataset (source, sha256,
 * split sizes), backend and final validation/test metrics, uploads the model directory as the
 * run's `model/` artifacts and marks the run FINISHED (FAILED when training failed).
 *
 * Requests run one after another on a queue, so training never waits for MLflow except at the
 * end. The first MLflow error stops tracking for the run; training goes on and the report says
 * `Failed` with the reason. Nothing secret is logged (see common/mlflow/transport.ts).
 */
import type { ModelMetadata } from "../../../common/artifact/metadata.ts";
import type { KeyValue, MetricPoint } from "../../../common/mlflow/batch.ts";
import { createMlflowClient, type MlflowClient } from "../../../common/mlflow/client.ts";
import { connectionFor } from "../../../common/mlflow/env.ts";
import type { Logger } from "../../../common/log.ts";
import type { TrackingReport } from "../../../common/metrics-summary.ts";
import type { TrainObserver } from "./observer.ts";

/** Tags every run carries; `TRAINING_RUN_TAGS` are set when the operator runs the trainer. */
export const RUN_TAGS = {
  modelName: "sentiment.mlops.dev/model-name",
  modelVersion: "sentiment.mlops.dev/model-version",
  architecture: "sentiment.mlops.dev/architecture",
  sha256: "sentiment.mlops.dev/artifact-sha256",
  trainingRun: "sentiment.mlops.dev/trainingrun",
  namespace: "sentiment.mlops.dev/namespace",
  failureReason: "sentiment.mlops.dev/failure-reason",
} as const;

export const MLFLOW_EXPERIMENT_DEFAULT = "sentiment";
/** MLflow's limit on a param value (6000 characters in MLflow 3). */
const PARAM_VALUE_MAX = 6000;
const MESSAGE_MAX = 512;
/** Settings that are not hyperparameters (or may carry credentials, like a URI's userinfo). */
const NOT_PARAMS = new Set(["out", "metricsFile", "trackingUri", "experiment", "trainingRun"]);

export interface MlflowTrackerOptions {
  readonly trackingUri: string;
  /** @default "sentiment" */
  readonly experiment?: string;
  /** `<namespace>/<name>` of the TrainingRun; tags the run and names it. */
  readonly trainingRun?: string;
  /** For MLFLOW_TRACKING_USERNAME / _PASSWORD / _TOKEN. */
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
  readonly now?: () => Date;
  /** A client built elsewhere (tests); otherwise one is made from `trackingUri` and `env`. */
  readonly client?: MlflowClient;
}

export function createMlflowTracker(options: MlflowTrackerOptions): TrainObserver {
  const mlflow =
    options.client ??
    createMlflowClient({
      ...connectionFor(options.trackingUri, options.env ?? {}),
      attempts: 3,
      // A cold MLflow answers its first requests slowly (lazy imports): generous, but bounded.
      timeoutMs: 30_000,
    });
  const experimentName = options.experiment ?? MLFLOW_EXPERIMENT_DEFAULT;
  const now = () => (options.now ?? (() => new Date()))().getTime();
  const log = options.logger;
  const [namespace, trainingRunName] = splitTrainingRun(options.trainingRun);

  let queue: Promise<void> = Promise.resolve();
  let run: { runId: string; experimentId: string; artifactUri: string } | undefined;
  let failure: string | undefined;

  /** Runs `step` after the previous ones, unless tracking already failed. */
  const enqueue = (what: string, step: () => Promise<void>): Promise<void> =>
    (queue = queue.then(async () => {
      if (failure !== undefined) return;
      try {
        await step();
      } catch (e) {
        failure = `${what}: ${e instanceof Error ? e.message : String(e)}`.slice(0, MESSAGE_MAX);
        log?.warn("Experiment tracking failed; training continues", {
          trackingUri: mlflow.trackingUri,
          reason: failure,
        });
      }
    }));
  const withRun = (what: string, step: (r: NonNullable<typeof run>) => Promise<void>) =>
    enqueue(what, async () => {
      if (run === undefined) throw new Error("no MLflow run");
      await step(run);
    });

  const report = (): TrackingReport => ({
    status: failure === undefined ? "Tracked" : "Failed",
    ...(run === undefined
      ? {}
      : {
          runId: run.runId,
          experimentId: run.experimentId,
          url: mlflow.runUrl(run.experimentId, run.runId),
        }),
    ...(run !== undefined && failure === undefined ? { modelUri: `runs:/${run.runId}/model` } : {}),
    ...(failure === undefined ? {} : { message: failure }),
  });

  return {
    started(info) {
      void enqueue("creating the MLflow run", async () => {
        const experiment = await mlflow.tracking.getOrCreateExperiment(experimentName);
        const created = await mlflow.tracking.createRun({
          experimentId: experiment.experiment_id,
          startTime: now(),
          ...(trainingRunName === undefined ? {} : { runName: trainingRunName }),
          tags: [
            { key: RUN_TAGS.modelName, value: info.name },
            { key: RUN_TAGS.architecture, value: info.architecture },
            { key: "mlflow.source.name", value: "sentiment-train" },
            { key: "mlflow.source.type", value: "JOB" },
            ...(trainingRunName === undefined
              ? []
              : [
                  { key: RUN_TAGS.trainingRun, value: trainingRunName },
                  { key: RUN_TAGS.namespace, value: namespace ?? "" },
                ]),
          ],
        });
        run = {
          runId: created.info.run_id,
          experimentId: experiment.experiment_id,
          artifactUri: created.info.artifact_uri ?? "",
        };
        log?.info("Created MLflow run", {
          runId: run.runId,
          experiment: experimentName,
          url: mlflow.runUrl(run.experimentId, run.runId),
        });
      });
    },
    epochFinished(record) {
      const timestamp = now();
      const point = (key: string, value: number | undefined): MetricPoint[] =>
        value === undefined || !Number.isFinite(value) ? [] : [{ key, value, timestamp, step: record.epoch }];
      void withRun("logging an epoch", async (r) => {
        await mlflow.tracking.logBatch(r.runId, {
          metrics: [
            ...point("epoch_train_loss", record.trainLoss),
            ...point("epoch_validation_loss", record.validationLoss),
            ...point("epoch_validation_accuracy", record.validationAccuracy),
            ...point("epoch_seconds", record.seconds),
          ],
        });
      });
    },
    async written({ dir, metadata, sha256 }) {
      await withRun("logging the results", async (r) => {
        await mlflow.tracking.logBatch(r.runId, {
          params: paramsOf(metadata),
          metrics: finalMetrics(metadata, now()),
          tags: [
            { key: RUN_TAGS.modelVersion, value: metadata.version },
            { key: RUN_TAGS.sha256, value: sha256 },
          ],
        });
      });
      await withRun("uploading the model", async (r) => {
        const files = await mlflow.artifacts.uploadDirectory(r.artifactUri, dir, "model");
        log?.info("Uploaded model to MLflow", { runId: r.runId, files: files.length });
      });
      await withRun("finishing the run", async (r) => {
        await mlflow.tracking.updateRun(r.runId, { status: "FINISHED", endTime: now() });
      });
      await queue;
      return report();
    },
    async failed(f, settings) {
      await withRun("marking the run FAILED", async (r) => {
        await mlflow.tracking.logBatch(r.runId, {
          params: flatten(settings, "").filter((p) => !NOT_PARAMS.has(p.key)),
          tags: [{ key: RUN_TAGS.failureReason, value: f.reason }],
        });
        await mlflow.tracking.updateRun(r.runId, { status: "FAILED", endTime: now() });
      });
      await queue;
      return report();
    },
  };
}

function splitTrainingRun(ref: string | undefined): [string | undefined, string | undefined] {
  if (ref === undefined) return [undefined, undefined];
  const slash = ref.indexOf("/");
  return slash < 0 ? [undefined, ref] : [ref.slice(0, slash), ref.slice(slash + 1)];
}

/** Params of a written model: hyperparameters, preprocessing, dataset, backend, identity. */
export function paramsOf(m: ModelMetadata): KeyValue[] {
  return [
    { key: "architecture", value: m.architecture },
    { key: "backend", value: m.backend },
    { key: "trainer_version", value: m.trainerVersion },
    ...flatten(m.hyperparameters, ""),
    ...flatten(m.preprocessing, "preprocessing."),
    ...flatten(m.dataset, "dataset."),
  ];
}

function flatten(values: Record<string, unknown>, prefix: string): KeyValue[] {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ({
      key: `${prefix}${k}`,
      value: (typeof v === "string" ? v : JSON.stringify(v)).slice(0, PARAM_VALUE_MAX),
    }));
}

/** Final figures: validation_* and test_* (accuracy, f1, precision, recall, auc, loss), train_seconds. */
export function finalMetrics(m: ModelMetadata, timestamp: number): MetricPoint[] {
  const keys = ["accuracy", "f1", "precision", "recall", "auc", "loss"] as const;
  const split = (name: "validation" | "test"): MetricPoint[] => {
    const e = m.metrics[name];
    return e === undefined ? [] : keys.map((k) => ({ key: `${name}_${k}`, value: e[k], timestamp }));
  };
  return [
    ...split("validation"),
    ...split("test"),
    { key: "train_seconds", value: m.metrics.trainSeconds, timestamp },
  ];
}
