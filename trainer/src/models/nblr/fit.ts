import { NblrFeaturizer, NblrModel } from "../../../../common/models/nblr.ts";
import { Vocabulary } from "../../../../common/text/vocab.ts";
import { buildNgramFeatures } from "./features.ts";
import { minimizeLbfgs } from "./lbfgs.ts";
import { logisticObjective } from "./logreg.ts";
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
  /** L-BFGS iterations at most, per L2 strength. */
  readonly maxIterations: number;
}

/** Vocabulary, n-gram table and the distinct features of each document. */
export interface PreparedFeatures {
  readonly featurizer: NblrFeaturizer;
  readonly rows: SparseRows;
}

/** The labelled problem for the optimiser: rows, labels and the NB ratios that scale features. */
export interface Problem {
  readonly rows: SparseRows;
  readonly labels: Uint8Array;
  readonly ratios: Float64Array;
}

/**
 * Builds the vocabulary and n-gram table from `tokens` (texts only, no labels) and the feature
 * rows of every document, in one pass over the strings.
 */
export function prepareFeatures(tokens: readonly string[][], settings: NblrSettings, progress?: (fraction: number) => void): PreparedFeatures {
  const { vocabulary, encoded } = Vocabulary.buildAndEncode(tokens, { minFreq: settings.minFreq });
  progress?.(0.3);
  const { table, rows } = buildNgramFeatures(encoded, vocabulary.size, settings.ngramOrder, settings.minNgramCount, (f) => progress?.(0.3 + 0.7 * f));
  return { featurizer: new NblrFeaturizer(vocabulary, table, settings.ngramOrder, 0), rows };
}

/** Rows `from` (inclusive) to `to` (exclusive), sharing storage. */
export const sliceRows = (rows: SparseRows, from: number, to: number): SparseRows => ({
  rowPtr: rows.rowPtr.subarray(from, to + 1),
  cols: rows.cols,
});

export function problem(prepared: PreparedFeatures, rows: SparseRows, labels: Uint8Array, nbAlpha: number): Problem {
  return { rows, labels, ratios: nbRatios(rows, labels, prepared.featurizer.featureCount, nbAlpha) };
}

/**
 * Fits L2-regularised logistic regression on the NB-scaled features with L-BFGS, starting from
 * (and updating) `params` = [w..., bias]; warm starts make a regularisation path cheap.
 */
export function fitLogistic(
  prepared: Problem,
  lambda: number,
  params: Float64Array,
  maxIterations: number,
  onIteration?: (iteration: number) => void,
): { loss: number; iterations: number } {
  const objective = logisticObjective(prepared.rows, prepared.labels, prepared.ratios, lambda);
  const { value, iterations } = minimizeLbfgs(objective, params, {
    maxIterations,
    tolerance: 1e-6,
    onIteration: (it) => onIteration?.(it),
  });
  return { loss: value, iterations };
}

/** The servable model: the NB ratio folded into one float32 weight per feature. */
export function toModel(prepared: PreparedFeatures, p: Problem, params: Float64Array): NblrModel {
  const dim = p.ratios.length;
  const weights = new Float32Array(dim);
  for (let j = 0; j < dim; j++) weights[j] = params[j]! * p.ratios[j]!;
  return new NblrModel(prepared.featurizer, weights, params[dim]!);
}
