import { z } from "zod";
import { Architecture, Hyperparameters, Preprocessing } from "../../common/hyperparameters.ts";
import { VERSION_PATTERN } from "../../common/artifact/version.ts";
import { DATA_FORMATS } from "./data/load.ts";

/** Model names are DNS labels: they end up in Kubernetes object names and metric labels. */
export const ModelName = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    "must be lowercase letters, digits and '-', at most 63 characters",
  );

/**
 * Everything `sentiment-train train` takes. Each key is a CLI flag in kebab-case (`batchSize` is
 * `--batch-size`; `architecture` is `--arch`) and a key of the JSON/YAML `--config` file. The
 * hyperparameter and preprocessing keys are common/hyperparameters.ts's, the TrainingRun's names.
 */
export const TrainConfig = z.strictObject({
  /** `imdb`, an http(s) URL, an aclImdb directory or .tar.gz, a .csv or a .jsonl file. */
  data: z.string(),
  /** The model directory to write (atomically; an existing model there is replaced). */
  out: z.string().min(1),
  /** @default DEFAULT_ARCHITECTURE */
  architecture: Architecture.optional(),
  ...Hyperparameters.shape,
  ...Preprocessing.shape,
  /** @default "sentiment" */
  name: ModelName.optional(),
  /** @default `<UTC yyyymmdd-hhmmss>-<8 hex of the content digest>` */
  version: z
    .string()
    .regex(VERSION_PATTERN, "must be a Kubernetes label value (letters, digits, '.', '_', '-', at most 63)")
    .optional(),
  /** Writes the metrics summary (common/metrics-summary.ts, <= 4 KiB) here, e.g. /dev/termination-log. */
  metricsFile: z.string().min(1).optional(),
  /** @default inferred from the file name or content */
  format: z.enum(DATA_FORMATS).optional(),
  /** Expected sha256 of the data file; a mismatch is refused. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits")
    .optional(),
  textColumn: z.string().min(1).optional(),
  labelColumn: z.string().min(1).optional(),
  /** Fraction held out as the test split when the data has none (CSV, JSONL). @default 0.2 */
  testSplit: z.number().gt(0).lt(1).optional(),
  /** Train on at most this many examples (a seeded, stratified sample): quick runs and tests. */
  limit: z.int().min(10).optional(),
  /** Evaluate on at most this many test examples. @default `limit` when `limit` is set */
  testLimit: z.int().min(2).optional(),
  /** MLflow tracking server (`http(s)://...`): log params, metrics and the model there (best effort). */
  trackingUri: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  /** MLflow experiment of the run. @default "sentiment" */
  experiment: z.string().min(1).max(500).optional(),
  /** `<namespace>/<name>` of the TrainingRun this training is for (set by the operator); tags the MLflow run. */
  trainingRun: z
    .string()
    .regex(/^[a-z0-9-]{1,63}\/[a-z0-9.-]{1,253}$/, "must be <namespace>/<name>")
    .optional(),
});
export type TrainConfig = z.infer<typeof TrainConfig>;
export type TrainConfigInput = z.input<typeof TrainConfig>;

export const TEST_SPLIT_DEFAULT = 0.2;
export const MODEL_NAME_DEFAULT = "sentiment";
