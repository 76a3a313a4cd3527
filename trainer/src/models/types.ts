import type { Architecture } from "../../../common/hyperparameters.ts";
import type { EpochRecord } from "../../../common/artifact/metadata.ts";
import type { SentimentPredictor } from "../../../common/model.ts";
import type { z } from "zod";

/** One labelled review. label 1 = positive, 0 = negative. */
export interface LabeledText {
  readonly text: string;
  readonly label: 0 | 1;
}

export interface TrainInput {
  readonly train: readonly LabeledText[];
  readonly validation: readonly LabeledText[];
  /** Resolved settings (defaults applied by the caller). */
  readonly epochs: number | undefined;
  readonly batchSize: number | undefined;
  readonly learningRate: number | undefined;
  readonly seed: number;
  readonly minFreq: number;
  readonly maxLength: number;
}

export interface TrainContext {
  /** Called with progress in [0,1] and a short label; drives the progress bar / log lines. */
  readonly progress: (fraction: number, label: string) => void;
  readonly log: (message: string, fields?: Record<string, unknown>) => void;
  /** Called with each epoch's record as it is pushed to the history (live experiment tracking). */
  readonly epochFinished?: (record: z.infer<typeof EpochRecord>) => void;
}

export interface TrainedModel {
  readonly predictor: SentimentPredictor;
  /** Per-epoch history (validation figures, losses, seconds). */
  readonly history: z.infer<typeof EpochRecord>[];
  /** "plain-js", "tfjs-node", "tfjs-wasm" or "tfjs-cpu". */
  readonly backend: string;
  /** Settings actually used, with architecture defaults filled in, for metadata.json. */
  readonly hyperparameters: Record<string, unknown>;
  /**
   * P(positive) of `input.validation` by the model chosen on validation, when the returned
   * `predictor` was refitted on train + validation afterwards (its validation figures would be
   * meaningless). When absent, the caller evaluates `predictor` on the validation split.
   */
  readonly validationProbabilities?: Float64Array;
  /** Preprocessing actually applied (for example the n-gram order), merged into metadata.preprocessing. */
  readonly preprocessing?: Record<string, unknown>;
  /** Writes the model's own files (weights, vocabulary, ...) into `dir`. metadata.json is written by the caller. */
  save(dir: string): Promise<void>;
}

/** A trainable architecture. Its inference side is registered with the shared loader in common/models/. */
export interface ArchitectureTrainer {
  readonly name: Architecture;
  train(input: TrainInput, ctx: TrainContext): Promise<TrainedModel>;
}
