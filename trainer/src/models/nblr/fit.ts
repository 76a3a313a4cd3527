import { NblrFeaturizer, NblrModel } from "../../../../common/models/nblr.ts";
import type { Vocabulary } from "../../../../common/text/vocab.ts";
import { buildNgramFeatures } from "./features.ts";
import type { Problem } from "./adagrad.ts";
import { nbRatios } from "./nb.ts";
import type { SparseRows } from "./sparse.ts";

export interface NblrSettings {
  /** Highest n-gram order: 1, 2 or 3. */
  readonly ngramOrder: number;
  /** Bigrams/trigrams seen in fewer training documents than this are dropped. */
  readonly minNgramCount: number;
  /** Tokens seen fewer times than this map to `<unk>`. */
  readonly minFreq: number;
  /** Naive Bayes smoothing α. */
  readonly nbAlpha: number;
  /** Passes over the training data at most (early stopping picks the best). */
  readonly epochs: number;
  /** Adagrad step size. */
  readonly learningRate: number;
  /** Examples per update. */
  readonly batchSize: number;
  /** Epochs without a better validation loss before stopping. */
  readonly patience: number;
}

/** Vocabulary, n-gram table and the distinct features of each document. */
export interface PreparedFeatures {
  readonly featurizer: NblrFeaturizer;
  readonly rows: SparseRows;
}

/**
 * The n-gram table and the feature rows of every document, from the encoded texts (vocabulary
 * built on the same texts: no labels involved).
 */
export function prepareFeatures(
  { vocabulary, encoded }: { vocabulary: Vocabulary; encoded: readonly Int32Array[] },
  settings: NblrSettings,
  progress?: (fraction: number) => void,
): PreparedFeatures {
  const { table, rows } = buildNgramFeatures(
    encoded,
    vocabulary.size,
    settings.ngramOrder,
    settings.minNgramCount,
    progress,
  );
  return { featurizer: new NblrFeaturizer(vocabulary, table, settings.ngramOrder, 0), rows };
}

/** Rows `from` (inclusive) to `to` (exclusive), sharing storage. */
export const sliceRows = (rows: SparseRows, from: number, to: number): SparseRows => ({
  rowPtr: rows.rowPtr.subarray(from, to + 1),
  cols: rows.cols,
});

export function problem(
  prepared: PreparedFeatures,
  rows: SparseRows,
  labels: Uint8Array,
  nbAlpha: number,
): Problem {
  return { rows, labels, ratios: nbRatios(rows, labels, prepared.featurizer.featureCount, nbAlpha) };
}

/** The servable model: the NB ratio folded into one float32 weight per feature. */
export function toModel(prepared: PreparedFeatures, p: Problem, params: Float64Array): NblrModel {
  const dim = p.ratios.length;
  const weights = new Float32Array(dim);
  for (let j = 0; j < dim; j++) weights[j] = params[j]! * p.ratios[j]!;
  return new NblrModel(prepared.featurizer, weights, params[dim]!);
}
