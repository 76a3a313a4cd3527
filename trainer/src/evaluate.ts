import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type { EvaluationMetrics, ModelMetadata } from "../../common/artifact/metadata.ts";
import { loadModel } from "../../common/artifact/loader.ts";
import { SEED_DEFAULT, VALIDATION_SPLIT_DEFAULT } from "../../common/hyperparameters.ts";
import { err, failure, ok, type Failure, type Result } from "../../common/result.ts";
import { describeIssues } from "../../common/zod-issues.ts";
import { DataSelection, TEST_SPLIT_DEFAULT, TrainConfig } from "./config.ts";
import type { Dataset } from "./data/dataset.ts";
import { loadSelectedDataset } from "./data/load.ts";
import { deriveSplits } from "./data/splits.ts";
import { evaluateProbabilities } from "./metrics.ts";
import { silentProgress, type Progress } from "./progress.ts";
import { predictInParallel } from "./predict.ts";

/** `sentiment-train evaluate` flags (and `--config` keys). */
export const EvaluateConfig = z.strictObject({
  model: z.string().min(1).describe('Model directory written by "sentiment-train train".'),
  data: TrainConfig.shape.data,
  ...DataSelection.shape,
});
export type EvaluateConfig = z.input<typeof EvaluateConfig>;

export interface EvaluateResult {
  readonly model: {
    readonly name: string;
    readonly version: string;
    readonly architecture: string;
    readonly sha256: string;
  };
  readonly data: {
    readonly source: string;
    readonly sha256: string;
    /** `test`: the same test split training used; `all`: every example of other data. */
    readonly split: "test" | "all";
  };
  readonly metrics: EvaluationMetrics;
  /** Whether these are exactly the test figures saved at training (only for the training data). */
  readonly reproducesSaved: boolean | undefined;
}

const sameMetrics = (a: EvaluationMetrics, b: EvaluationMetrics | undefined): boolean =>
  b !== undefined && isDeepStrictEqual(a, b);

/** Settings the test split was derived with, read back from the metadata. */
function splitSettings(metadata: ModelMetadata) {
  const hp = metadata.hyperparameters;
  return {
    seed: hp.seed ?? SEED_DEFAULT,
    validationSplit: hp.validationSplit ?? VALIDATION_SPLIT_DEFAULT,
    testSplit: metadata.dataset.testSplit ?? TEST_SPLIT_DEFAULT,
    limit: metadata.dataset.limit,
    testLimit: metadata.dataset.testLimit,
  };
}

/**
 * Evaluates a saved model. On the data it was trained on (same sha256) it re-derives the very test
 * split training used, so the figures reproduce `metadata.metrics.test`; any other data is
 * evaluated whole (its test split when it has one).
 */
export async function evaluate(
  input: EvaluateConfig,
  options: {
    readonly progress?: Progress;
    readonly env?: NodeJS.ProcessEnv;
    readonly dataset?: Dataset;
  } = {},
): Promise<Result<EvaluateResult, Failure>> {
  const parsed = EvaluateConfig.safeParse(input);
  if (!parsed.success)
    return err(
      failure("ConfigInvalid", `The evaluation configuration is invalid: ${describeIssues(parsed.error)}.`),
    );
  const config = parsed.data;
  const progress = options.progress ?? silentProgress;
  const loaded = await loadModel(config.model);
  if (!loaded.ok) return loaded;
  const { metadata, predictor, sha256 } = loaded.value;
  try {
    const data = await loadSelectedDataset(config, {
      preloaded: options.dataset,
      env: options.env,
      progress,
    });
    if (!data.ok) return data;
    const dataset = data.value;
    const trainedOnThis = dataset.sha256 === metadata.dataset.sha256;
    const examples = trainedOnThis
      ? deriveSplits(dataset, splitSettings(metadata)).test
      : (dataset.test ?? dataset.train);
    const probabilities = await predictInParallel(
      predictor,
      examples.map((e) => e.text),
      { dir: config.model, metadata },
      (f) => progress.update("evaluating", f),
    );
    progress.done();
    const metrics = evaluateProbabilities(
      examples.map((e) => e.label),
      probabilities,
    );
    return ok({
      model: { name: metadata.name, version: metadata.version, architecture: metadata.architecture, sha256 },
      data: {
        source: dataset.source,
        sha256: dataset.sha256,
        split: trainedOnThis || dataset.test !== undefined ? "test" : "all",
      },
      metrics,
      reproducesSaved: trainedOnThis ? sameMetrics(metrics, metadata.metrics.test) : undefined,
    });
  } finally {
    predictor.dispose();
  }
}
