import type { MlflowTrackingSpec } from "../../api/tracking.ts";
import type { TrainingRunSpec } from "../../api/training-run.ts";

/** Where the trainer writes its metrics summary: the container's termination message. */
export const TERMINATION_LOG = "/dev/termination-log";

/** Paths inside the training pod, decided by the Job builder. */
export interface TrainerPaths {
  /** `--data`: `imdb`, a URL, or the dataset's path under the data mount. */
  readonly data: string;
  /** `--out`: the artifact directory under the model mount. */
  readonly out: string;
  /** `--name`: the model name recorded in the artifact (the SentimentModel's, else the run's). */
  readonly name: string;
  /** `--training-run`: `<namespace>/<name>`, which tags the MLflow run. */
  readonly trainingRun: string;
  /** Where the run is tracked (`runMlflow`: the spec's, else the operator's default), if anywhere. */
  readonly mlflow: MlflowTrackingSpec | undefined;
}

const flag = (name: string, value: string | number | undefined): string[] =>
  value === undefined ? [] : [`--${name}`, String(value)];

/**
 * The trainer's command line, built from the spec with the SAME flag names as
 * `sentiment-train train` (kebab-case of common/hyperparameters.ts): unset fields are left to the
 * trainer's defaults, so one place (the trainer) owns them. The version is left to the trainer
 * (`<UTC time>-<content hash>`) and read back from the metrics summary.
 */
export function trainerArgs(spec: TrainingRunSpec, paths: TrainerPaths): string[] {
  const hp = spec.hyperparameters ?? {};
  const pre = spec.preprocessing ?? {};
  const ds = spec.dataset;
  const mlflow = paths.mlflow;
  return [
    "train",
    ...flag("data", paths.data),
    ...flag("out", paths.out),
    ...flag("name", paths.name),
    ...flag("arch", spec.architecture),
    ...flag("epochs", hp.epochs),
    ...flag("batch-size", hp.batchSize),
    ...flag("learning-rate", hp.learningRate),
    ...flag("seed", hp.seed),
    ...flag("validation-split", hp.validationSplit),
    ...flag("min-freq", pre.minFreq),
    ...flag("max-length", pre.maxLength),
    ...flag("format", ds.format),
    ...flag("sha256", ds.sha256),
    ...flag("text-column", ds.textColumn),
    ...flag("label-column", ds.labelColumn),
    ...flag("tracking-uri", mlflow?.trackingUri),
    ...flag("experiment", mlflow?.experiment),
    ...(mlflow === undefined ? [] : flag("training-run", paths.trainingRun)),
    ...flag("metrics-file", TERMINATION_LOG),
  ];
}
