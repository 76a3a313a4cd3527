/**
 * The programmatic training API, used by the CLI, `npm start`, the benchmark and other components'
 * tests:
 *
 * ```ts
 * train(config: TrainConfigInput, options?: TrainOptions): Promise<Result<TrainResult, Failure>>
 * ```
 *
 * - `config` (see ./config.ts): `{ data, out, architecture?, epochs?, batchSize?, learningRate?,
 *   seed?, validationSplit?, minFreq?, maxLength?, name?, version?, metricsFile?, format?,
 *   sha256?, textColumn?, labelColumn?, testSplit?, limit?, testLimit? }`. `limit` trains on a
 *   seeded, stratified sample (e.g. `{ data: process.env.SENTIMENT_IMDB_PATH, out, limit: 2000 }`
 *   trains a real nblr model in a few seconds).
 * - `options`: `{ logger?, progress?, env?, now?, fetch?, dataset? }`; all optional, silent by
 *   default; `dataset` (from `loadDataset`) skips reading `config.data` again.
 * - Never throws for bad input: a `Failure` with a reason (`ConfigInvalid`, `Data*`,
 *   `Artifact*`, `ArchitectureUnavailable`) and a one-line message.
 *
 * Steps: load the data; hold out a test split when it has none; split train/validation (seeded,
 * stratified); train the architecture through its ArchitectureTrainer; evaluate on validation and
 * test; write the artifact atomically; write the metrics summary.
 */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import winston from "winston";
import pkg from "../../package.json" with { type: "json" };
import {
  ARTIFACT_SCHEMA_VERSION,
  type EvaluationMetrics,
  type ModelMetadata,
} from "../../common/artifact/metadata.ts";
import { defaultVersion } from "../../common/artifact/version.ts";
import { checkArtifactTarget, writeArtifact, type MetadataDraft } from "../../common/artifact/writer.ts";
import {
  DEFAULT_ARCHITECTURE,
  PREPROCESSING_DEFAULTS,
  SEED_DEFAULT,
  VALIDATION_SPLIT_DEFAULT,
} from "../../common/hyperparameters.ts";
import type { Logger } from "../../common/log.ts";
import { METRICS_SUMMARY_MAX_BYTES, MetricsSummary } from "../../common/metrics-summary.ts";
import { err, failure, FailureError, ok, type Failure, type Result } from "../../common/result.ts";
import { BASIC_ENGLISH } from "../../common/text/tokenizer.ts";
import { describeIssues } from "../../common/zod-issues.ts";
import { MODEL_NAME_DEFAULT, TEST_SPLIT_DEFAULT, TrainConfig, type TrainConfigInput } from "./config.ts";
import type { Dataset } from "./data/dataset.ts";
import { loadSelectedDataset } from "./data/load.ts";
import { deriveSplits } from "./data/splits.ts";
import { evaluateProbabilities } from "./metrics.ts";
import { predictInParallel } from "./predict.ts";
import "./models/builtin.ts";
import { knownTrainers, trainerFor } from "./models/registry.ts";
import type { LabeledText } from "./models/types.ts";
import { silentProgress, type Progress } from "./progress.ts";
import { createMlflowTracker } from "./tracking/mlflow.ts";
import type { TrainObserver } from "./tracking/observer.ts";

export const TRAINER_VERSION: string = pkg.version;

export interface TrainOptions {
  /** @default a silent logger */
  readonly logger?: Logger;
  /** @default silent */
  readonly progress?: Progress;
  /** Environment for SENTIMENT_IMDB_PATH and XDG_CACHE_HOME. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** For downloads. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /**
   * Data already loaded with `loadDataset(config.data, ...)`, to train several models on one read
   * (the benchmark, tests). `config.data` must still name it.
   */
  readonly dataset?: Dataset;
  /**
   * Told of the run's steps (experiment tracking). @default an MLflow tracker when
   * `config.trackingUri` is set (auth from `env`'s MLFLOW_TRACKING_* variables), else none
   */
  readonly observer?: TrainObserver;
}

export interface TrainResult {
  /** Absolute path of the written model directory. */
  readonly dir: string;
  readonly metadata: ModelMetadata;
  /** sha256 of metadata.json: the artifact digest. */
  readonly sha256: string;
  /** What `--metrics-file` receives. */
  readonly summary: MetricsSummary;
  readonly validation: EvaluationMetrics | undefined;
  readonly test: EvaluationMetrics;
  /** Wall time of the whole call. */
  readonly seconds: number;
}

const silentLogger = (): Logger => winston.createLogger({ silent: true });

export async function train(
  input: TrainConfigInput,
  options: TrainOptions = {},
): Promise<Result<TrainResult, Failure>> {
  const parsed = TrainConfig.safeParse(input);
  if (!parsed.success)
    return err(
      failure("ConfigInvalid", `The training configuration is invalid: ${describeIssues(parsed.error)}.`),
    );
  const config = parsed.data;
  const observer =
    options.observer ??
    (config.trackingUri === undefined
      ? undefined
      : createMlflowTracker({
          trackingUri: config.trackingUri,
          ...(config.experiment === undefined ? {} : { experiment: config.experiment }),
          ...(config.trainingRun === undefined ? {} : { trainingRun: config.trainingRun }),
          env: options.env ?? process.env,
          ...(options.logger === undefined ? {} : { logger: options.logger }),
          ...(options.now === undefined ? {} : { now: options.now }),
        }));
  if (observer === undefined) return trainSteps(config, options, undefined);
  observer.started({
    name: config.name ?? MODEL_NAME_DEFAULT,
    architecture: config.architecture ?? DEFAULT_ARCHITECTURE,
    data: config.data,
  });
  let result;
  try {
    result = await trainSteps(config, options, observer);
  } catch (e) {
    await observer.failed(failure("TrainingCrashed", (e as Error).message), config);
    throw e;
  }
  if (!result.ok) await observer.failed(result.error, config);
  return result;
}

async function trainSteps(
  config: TrainConfig,
  options: TrainOptions,
  observer: TrainObserver | undefined,
): Promise<Result<TrainResult, Failure>> {
  const started = performance.now();
  const log = options.logger ?? silentLogger();
  const progress = options.progress ?? silentProgress;
  const now = options.now ?? (() => new Date());
  const architecture = config.architecture ?? DEFAULT_ARCHITECTURE;
  const seed = config.seed ?? SEED_DEFAULT;
  const validationSplit = config.validationSplit ?? VALIDATION_SPLIT_DEFAULT;
  const minFreq = config.minFreq ?? PREPROCESSING_DEFAULTS.minFreq;
  const maxLength = config.maxLength ?? PREPROCESSING_DEFAULTS.maxLength;
  const name = config.name ?? MODEL_NAME_DEFAULT;

  const lazyTrainer = trainerFor(architecture);
  if (lazyTrainer === undefined) {
    return err(
      failure(
        "ArchitectureUnavailable",
        `Architecture ${architecture} is not available in this build; choose one of ${knownTrainers().join(", ")} with --arch.`,
      ),
    );
  }
  const target = await checkArtifactTarget(config.out);
  if (!target.ok) return target;

  // 1. Data.
  const loaded = await loadSelectedDataset(config, {
    preloaded: options.dataset,
    env: options.env,
    fetch: options.fetch,
    progress,
  });
  if (!loaded.ok) return loaded;
  const dataset = loaded.value;
  const testSplit = config.testSplit ?? TEST_SPLIT_DEFAULT;
  const testLimit = config.testLimit ?? config.limit;
  const split = deriveSplits(dataset, { seed, validationSplit, testSplit, limit: config.limit, testLimit });
  const test = split.test;
  if (split.heldOutTest)
    log.info("Held out a test split", { source: dataset.source, fraction: testSplit, examples: test.length });
  const classes = (xs: readonly LabeledText[]): number => new Set(xs.map((e) => e.label)).size;
  if (classes(split.train) < 2 || split.validation.length === 0 || test.length === 0) {
    return err(
      failure(
        "DataTooSmall",
        `${config.data} has too few examples of each class for train, validation and test splits (${split.train.length} for training): pass more data or a larger --limit.`,
      ),
    );
  }
  log.info("Loaded data", {
    source: dataset.source,
    sha256: dataset.sha256,
    train: split.train.length,
    validation: split.validation.length,
    test: test.length,
  });

  // 2. Train.
  const trainer = await lazyTrainer();
  const trainStarted = performance.now();
  let trained;
  try {
    trained = await trainer.train(
      {
        train: split.train,
        validation: split.validation,
        epochs: config.epochs,
        batchSize: config.batchSize,
        learningRate: config.learningRate,
        seed,
        minFreq,
        maxLength,
      },
      {
        progress: (f, label) => progress.update("training", f, label),
        log: (message, fields) => log.info(message, { architecture, ...fields }),
        ...(observer === undefined ? {} : { epochFinished: (r) => observer.epochFinished(r) }),
      },
    );
  } catch (e) {
    progress.done();
    if (e instanceof FailureError) return err(failure(e.reason, e.message));
    throw e;
  }
  progress.done();
  const trainSeconds = (performance.now() - trainStarted) / 1000;
  log.info("Trained model", {
    architecture,
    backend: trained.backend,
    seconds: Number(trainSeconds.toFixed(2)),
  });

  // 3. Validation figures, with the predictor that is saved (or, after a refit, the model chosen
  //    on validation).
  const validationProbabilities =
    trained.validationProbabilities ??
    (await trained.predictor.predictProba(split.validation.map((e) => e.text)));
  const validation = evaluateProbabilities(
    split.validation.map((e) => e.label),
    validationProbabilities,
  );

  // 4. Artifact: the model's files first; then the test figures (a worker thread loads those files
  //    to predict half of the test split, so `evaluate` meets the very same weights); then
  //    metadata.json; then the rename.
  const createdAt = now();
  let testMetrics: EvaluationMetrics | undefined;
  const draft = (version: string, test: EvaluationMetrics | undefined): MetadataDraft => ({
    name,
    version,
    architecture,
    hyperparameters: { validationSplit, ...trained.hyperparameters, seed },
    preprocessing: { tokenizer: BASIC_ENGLISH, minFreq, maxLength, ...trained.preprocessing },
    dataset: {
      source: dataset.source,
      sha256: dataset.sha256,
      trainSize: split.train.length,
      validationSize: split.validation.length,
      testSize: split.test.length,
      ...(split.heldOutTest ? { testSplit } : {}),
      ...(config.limit !== undefined ? { limit: config.limit } : {}),
      ...(testLimit !== undefined ? { testLimit } : {}),
    },
    metrics: { validation, ...(test ? { test } : {}), trainSeconds, history: trained.history },
    createdAt: createdAt.toISOString(),
    trainerVersion: TRAINER_VERSION,
    backend: trained.backend,
  });
  const written = await writeArtifact({
    target: config.out,
    writeFiles: (dir) => trained.save(dir),
    metadata: async (digest, dir, files) => {
      const version = config.version ?? defaultVersion(createdAt, digest);
      const onDisk = {
        dir,
        metadata: {
          schemaVersion: ARTIFACT_SCHEMA_VERSION,
          ...draft(version, undefined),
          files: { ...files },
        },
      };
      const probabilities = await predictInParallel(
        trained.predictor,
        split.test.map((e) => e.text),
        onDisk,
        (f) => progress.update("evaluating", f),
        (message, fields) => log.warn(message, fields),
      );
      progress.done();
      testMetrics = evaluateProbabilities(
        split.test.map((e) => e.label),
        probabilities,
      );
      log.info("Evaluated model on test split", {
        accuracy: testMetrics.accuracy,
        f1: testMetrics.f1,
        auc: testMetrics.auc,
        examples: split.test.length,
      });
      return draft(version, testMetrics);
    },
  });
  trained.predictor.dispose();
  if (!written.ok) return written;
  const { dir, metadata, sha256 } = written.value;
  log.info("Wrote model", { name, version: metadata.version, dir, sha256 });
  if (testMetrics === undefined)
    throw new Error("unreachable: the artifact was written without test metrics");
  const tracking = await observer?.written({ dir, metadata, sha256 });

  // 5. Summary.
  const summary: MetricsSummary = {
    schemaVersion: 1,
    name,
    version: metadata.version,
    architecture,
    metrics: {
      accuracy: testMetrics.accuracy,
      f1: testMetrics.f1,
      precision: testMetrics.precision,
      recall: testMetrics.recall,
      auc: testMetrics.auc,
      loss: testMetrics.loss,
      trainSeconds,
    },
    artifact: { uri: resolve(dir), version: metadata.version, sha256 },
    ...(tracking === undefined ? {} : { tracking: { mlflow: tracking } }),
  };
  if (config.metricsFile !== undefined) {
    const json = JSON.stringify(MetricsSummary.parse(summary));
    if (Buffer.byteLength(json) > METRICS_SUMMARY_MAX_BYTES) {
      return err(
        failure(
          "MetricsTooLarge",
          `The metrics summary is over ${METRICS_SUMMARY_MAX_BYTES} bytes: use a shorter --out path.`,
        ),
      );
    }
    try {
      await writeFile(config.metricsFile, json);
    } catch (e) {
      return err(
        failure(
          "MetricsFileUnwritable",
          `Could not write the metrics summary to ${config.metricsFile} (${(e as Error).message}): check --metrics-file.`,
        ),
      );
    }
  }
  return ok({
    dir,
    metadata,
    sha256,
    summary,
    validation,
    test: testMetrics,
    seconds: (performance.now() - started) / 1000,
  });
}
