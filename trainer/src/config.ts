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

/** How the data file is read: shared by `train` and `evaluate`. */
export const DataSelection = z.object({
  format: z
    .enum(DATA_FORMATS)
    .optional()
    .describe("aclImdb, csv or jsonl (default: from the file name or content)."),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits")
    .optional()
    .describe("Refuse the data unless its file has this sha256."),
  textColumn: z
    .string()
    .min(1)
    .optional()
    .describe("CSV column / JSONL field of the text (default: text, else review)."),
  labelColumn: z
    .string()
    .min(1)
    .optional()
    .describe(
      "CSV column / JSONL field of the label: pos/neg, positive/negative, 1/0 (default: label, else sentiment).",
    ),
});

/**
 * Everything `sentiment-train train` takes. Each key is a CLI flag in kebab-case (`batchSize` is
 * `--batch-size`; `architecture` is `--arch`) and a key of the JSON/YAML `--config` file. The
 * hyperparameter and preprocessing keys are common/hyperparameters.ts's, the TrainingRun's names.
 */
export const TrainConfig = z.strictObject({
  data: z
    .string()
    .describe(
      "imdb (the official archive, or $SENTIMENT_IMDB_PATH), an aclImdb directory or .tar.gz, a .csv or .jsonl file, or an http(s) URL.",
    ),
  out: z
    .string()
    .min(1)
    .describe(
      "Model directory to write, atomically (an existing model there is replaced; other files are not touched).",
    ),
  architecture: Architecture.optional().describe(
    "nblr (default: fast, most accurate on CPU) or bilstm (reference, slow).",
  ),
  ...Hyperparameters.shape,
  ...Preprocessing.shape,
  name: ModelName.optional().describe('Model name (default "sentiment").'),
  version: z
    .string()
    .regex(VERSION_PATTERN, "must be a Kubernetes label value (letters, digits, '.', '_', '-', at most 63)")
    .optional()
    .describe("Model version (default: <UTC yyyymmdd-hhmmss>-<8 hex of the content digest>)."),
  metricsFile: z
    .string()
    .min(1)
    .optional()
    .describe("Write the metrics summary JSON (<= 4 KiB) here, e.g. /dev/termination-log."),
  ...DataSelection.shape,
  testSplit: z
    .number()
    .gt(0)
    .lt(1)
    .optional()
    .describe("Fraction held out for test when the data has no test split (default 0.2)."),
  limit: z
    .int()
    .min(10)
    .optional()
    .describe("Train on a seeded, stratified sample of this many examples (quick runs)."),
  testLimit: z
    .int()
    .min(2)
    .optional()
    .describe("Evaluate on a seeded sample of this many test examples (default: --limit)."),
  trackingUri: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .optional()
    .describe(
      "MLflow tracking server (http(s)://...): log params, metrics and the model there (best effort; auth from MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN).",
    ),
  experiment: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe('MLflow experiment of the run (default "sentiment").'),
  trainingRun: z
    .string()
    .regex(/^[a-z0-9-]{1,63}\/[a-z0-9.-]{1,253}$/, "must be <namespace>/<name>")
    .optional()
    .describe(
      "<namespace>/<name> of the TrainingRun this training is for (set by the operator); tags the MLflow run.",
    ),
});
export type TrainConfig = z.infer<typeof TrainConfig>;
export type TrainConfigInput = z.input<typeof TrainConfig>;

export const TEST_SPLIT_DEFAULT = 0.2;
export const MODEL_NAME_DEFAULT = "sentiment";
