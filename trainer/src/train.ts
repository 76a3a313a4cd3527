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
 * Steps (see `trainSteps`): load the data; split train/validation/test (seeded, stratified; a test
 * split held out when the data has none); fit the architecture through its ArchitectureTrainer;
 * evaluate on validation; stage the artifact, evaluate on test from the staged files, then commit
 * it (one rename); write the metrics summary. An observer (`options.observer`) hears each epoch
 * and the written artifact.
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
import {
  checkArtifactTarget,
  stageArtifact,
  type MetadataDraft,
  type WrittenArtifact,
} from "../../common/artifact/writer.ts";
import {
  type Architecture,
  DEFAULT_ARCHITECTURE,
  PREPROCESSING_DEFAULTS,
  SEED_DEFAULT,
  VALIDATION_SPLIT_DEFAULT,
} from "../../common/hyperparameters.ts";
import type { Logger } from "../../common/log.ts";
import {
  METRICS_SUMMARY_MAX_BYTES,
  MetricsSummary,
  type TrackingReport,
} from "../../common/metrics-summary.ts";
import { err, failure, FailureError, ok, type Failure, type Result } from "../../common/result.ts";
import { BASIC_ENGLISH } from "../../common/text/tokenizer.ts";
import { describeIssues } from "../../common/zod-issues.ts";
import { MODEL_NAME_DEFAULT, TEST_SPLIT_DEFAULT, TrainConfig, type TrainConfigInput } from "./config.ts";
import type { Dataset } from "./data/dataset.ts";
import { loadSelectedDataset } from "./data/load.ts";
import { deriveSplits, type Splits } from "./data/splits.ts";
import { evaluateProbabilities } from "./metrics.ts";
import { predictInParallel, type ModelOnDisk } from "./predict.ts";
import "./models/builtin.ts";
import { knownTrainers, trainerFor } from "./models/registry.ts";
import type { ArchitectureTrainer, LabeledText, TrainedModel } from "./models/types.ts";
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

/** The settings of one run, with every default applied. */
interface Settings {
  readonly config: TrainConfig;
  readonly name: string;
  readonly architecture: Architecture;
  readonly seed: number;
  readonly validationSplit: number;
  readonly testSplit: number;
  readonly testLimit: number | undefined;
  readonly minFreq: number;
  readonly maxLength: number;
}

/** What every step may use: where to log and report progress, and who observes the run. */
interface StepContext {
  readonly log: Logger;
  readonly progress: Progress;
  readonly observer: TrainObserver | undefined;
}

const settingsOf = (config: TrainConfig): Settings => ({
  config,
  name: config.name ?? MODEL_NAME_DEFAULT,
  architecture: config.architecture ?? DEFAULT_ARCHITECTURE,
  seed: config.seed ?? SEED_DEFAULT,
  validationSplit: config.validationSplit ?? VALIDATION_SPLIT_DEFAULT,
  testSplit: config.testSplit ?? TEST_SPLIT_DEFAULT,
  testLimit: config.testLimit ?? config.limit,
  minFreq: config.minFreq ?? PREPROCESSING_DEFAULTS.minFreq,
  maxLength: config.maxLength ?? PREPROCESSING_DEFAULTS.maxLength,
});

/**
 * The run, in named steps: load → split → fit → evaluate on validation → stage the artifact →
 * evaluate on test (a worker reads the staged files) → commit the artifact → write the summary.
 * Each step returns a `Result` (or figures); the first failure ends the run, and a staged
 * artifact that was not committed is removed.
 */
async function trainSteps(
  config: TrainConfig,
  options: TrainOptions,
  observer: TrainObserver | undefined,
): Promise<Result<TrainResult, Failure>> {
  const started = performance.now();
  const s = settingsOf(config);
  const ctx: StepContext = {
    log: options.logger ?? silentLogger(),
    progress: options.progress ?? silentProgress,
    observer,
  };
  const lazyTrainer = trainerFor(s.architecture);
  if (lazyTrainer === undefined) {
    return err(
      failure(
        "ArchitectureUnavailable",
        `Architecture ${s.architecture} is not available in this build; choose one of ${knownTrainers().join(", ")} with --arch.`,
      ),
    );
  }
  const target = await checkArtifactTarget(config.out);
  if (!target.ok) return target;

  const dataset = await load(s, options, ctx);
  if (!dataset.ok) return dataset;
  const split = splitData(dataset.value, s, ctx);
  if (!split.ok) return split;
  const fitted = await fit(await lazyTrainer(), split.value, s, ctx);
  if (!fitted.ok) return fitted;
  const { trained, trainSeconds } = fitted.value;
  try {
    const validation = await evaluateValidation(trained, split.value);
    const staged = await stageArtifact(config.out, (dir) => trained.save(dir));
    if (!staged.ok) return staged;
    try {
      const createdAt = (options.now ?? (() => new Date()))();
      const version = config.version ?? defaultVersion(createdAt, staged.value.contentSha256);
      const describe = (metrics: ModelMetadata["metrics"]): MetadataDraft =>
        metadataDraft(s, dataset.value, split.value, trained, { version, createdAt, metrics });
      const onDisk = {
        dir: staged.value.dir,
        metadata: {
          schemaVersion: ARTIFACT_SCHEMA_VERSION,
          ...describe({ validation, trainSeconds, history: trained.history }),
          files: { ...staged.value.files },
        },
      };
      const test = await evaluateTest(trained, split.value.test, onDisk, ctx);
      const written = await staged.value.commit(
        describe({ validation, test, trainSeconds, history: trained.history }),
      );
      if (!written.ok) return written;
      const { dir, metadata, sha256 } = written.value;
      ctx.log.info("Wrote model", { name: s.name, version: metadata.version, dir, sha256 });
      const tracking = await observer?.written({ dir, metadata, sha256 });
      const summary = metricsSummary(s, written.value, test, trainSeconds, tracking);
      const summaryWritten = await writeSummary(config.metricsFile, summary);
      if (!summaryWritten.ok) return summaryWritten;
      return ok({
        dir,
        metadata,
        sha256,
        summary,
        validation,
        test,
        seconds: (performance.now() - started) / 1000,
      });
    } finally {
      await staged.value.discard();
    }
  } finally {
    trained.predictor.dispose();
  }
}

/** 1. Load: the selected data (or the preloaded dataset). */
function load(s: Settings, options: TrainOptions, ctx: StepContext): Promise<Result<Dataset, Failure>> {
  return loadSelectedDataset(s.config, {
    preloaded: options.dataset,
    env: options.env,
    fetch: options.fetch,
    progress: ctx.progress,
  });
}

/** 2. Split: train / validation / test (seeded, stratified; a test split held out when the data has none). */
function splitData(dataset: Dataset, s: Settings, ctx: StepContext): Result<Splits, Failure> {
  const { seed, validationSplit, testSplit, testLimit } = s;
  const split = deriveSplits(dataset, { seed, validationSplit, testSplit, limit: s.config.limit, testLimit });
  if (split.heldOutTest)
    ctx.log.info("Held out a test split", {
      source: dataset.source,
      fraction: testSplit,
      examples: split.test.length,
    });
  const classes = (xs: readonly LabeledText[]): number => new Set(xs.map((e) => e.label)).size;
  if (classes(split.train) < 2 || split.validation.length === 0 || split.test.length === 0) {
    return err(
      failure(
        "DataTooSmall",
        `${s.config.data} has too few examples of each class for train, validation and test splits (${split.train.length} for training): pass more data or a larger --limit.`,
      ),
    );
  }
  ctx.log.info("Loaded data", {
    source: dataset.source,
    sha256: dataset.sha256,
    train: split.train.length,
    validation: split.validation.length,
    test: split.test.length,
  });
  return ok(split);
}

/** 3. Fit: the architecture's trainer on train (and validation, for early stopping or refits). */
async function fit(
  trainer: ArchitectureTrainer,
  split: Splits,
  s: Settings,
  ctx: StepContext,
): Promise<Result<{ trained: TrainedModel; trainSeconds: number }, Failure>> {
  const { config, architecture, seed, minFreq, maxLength } = s;
  const { log, progress, observer } = ctx;
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
    if (e instanceof FailureError) return err(failure(e.reason, e.message));
    throw e;
  } finally {
    progress.done();
  }
  const trainSeconds = (performance.now() - trainStarted) / 1000;
  log.info("Trained model", {
    architecture,
    backend: trained.backend,
    seconds: Number(trainSeconds.toFixed(2)),
  });
  return ok({ trained, trainSeconds });
}

/**
 * 4. Validation figures, of the predictor that is saved (or, after a refit, of the model chosen
 * on validation).
 */
async function evaluateValidation(trained: TrainedModel, split: Splits): Promise<EvaluationMetrics> {
  const probabilities =
    trained.validationProbabilities ??
    (await trained.predictor.predictProba(split.validation.map((e) => e.text)));
  return evaluateProbabilities(
    split.validation.map((e) => e.label),
    probabilities,
  );
}

/**
 * 5. Test figures: a worker thread loads the staged files to predict half of the test split, so
 * the figures are those of the very weights that `evaluate` and the server will read.
 */
async function evaluateTest(
  trained: TrainedModel,
  test: readonly LabeledText[],
  onDisk: ModelOnDisk,
  ctx: StepContext,
): Promise<EvaluationMetrics> {
  const probabilities = await predictInParallel(
    trained.predictor,
    test.map((e) => e.text),
    onDisk,
    (f) => ctx.progress.update("evaluating", f),
    (message, fields) => ctx.log.warn(message, fields),
  );
  ctx.progress.done();
  const metrics = evaluateProbabilities(
    test.map((e) => e.label),
    probabilities,
  );
  ctx.log.info("Evaluated model on test split", {
    accuracy: metrics.accuracy,
    f1: metrics.f1,
    auc: metrics.auc,
    examples: test.length,
  });
  return metrics;
}

/** metadata.json's content (without the file digests, which the writer adds). */
function metadataDraft(
  s: Settings,
  dataset: Dataset,
  split: Splits,
  trained: TrainedModel,
  o: { version: string; createdAt: Date; metrics: ModelMetadata["metrics"] },
): MetadataDraft {
  const { config, seed, validationSplit, testSplit, testLimit, minFreq, maxLength } = s;
  return {
    name: s.name,
    version: o.version,
    architecture: s.architecture,
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
    metrics: o.metrics,
    createdAt: o.createdAt.toISOString(),
    trainerVersion: TRAINER_VERSION,
    backend: trained.backend,
  };
}

/** 6. The metrics summary: what `--metrics-file` (the Job's termination message) receives. */
function metricsSummary(
  s: Settings,
  written: WrittenArtifact,
  test: EvaluationMetrics,
  trainSeconds: number,
  tracking: TrackingReport | undefined,
): MetricsSummary {
  const { dir, metadata, sha256 } = written;
  return {
    schemaVersion: 1,
    name: s.name,
    version: metadata.version,
    architecture: s.architecture,
    metrics: {
      accuracy: test.accuracy,
      f1: test.f1,
      precision: test.precision,
      recall: test.recall,
      auc: test.auc,
      loss: test.loss,
      trainSeconds,
    },
    artifact: { uri: resolve(dir), version: metadata.version, sha256 },
    ...(tracking === undefined ? {} : { tracking: { mlflow: tracking } }),
  };
}

async function writeSummary(
  metricsFile: string | undefined,
  summary: MetricsSummary,
): Promise<Result<void, Failure>> {
  if (metricsFile === undefined) return ok(undefined);
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
    await writeFile(metricsFile, json);
    return ok(undefined);
  } catch (e) {
    return err(
      failure(
        "MetricsFileUnwritable",
        `Could not write the metrics summary to ${metricsFile} (${(e as Error).message}): check --metrics-file.`,
      ),
    );
  }
}
