import { NblrFeaturizer, NblrModel } from "../../../../common/models/nblr.ts";
import { Vocabulary } from "../../../../common/text/vocab.ts";
import { buildNgramFeatures } from "./features.ts";
import { minimizeLbfgs } from "./lbfgs.ts";
import { logisticObjective } from "./logreg.ts";
import { nbRatios } from "./nb.ts";
import { IntBuffer, type SparseRows } from "./sparse.ts";

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

/** Vocabulary, n-gram table, training rows and NB ratios of one training set. */
export interface PreparedFeatures {
  readonly featurizer: NblrFeaturizer;
  readonly rows: SparseRows;
  readonly labels: Uint8Array;
  readonly ratios: Float64Array;
}

export function prepareFeatures(
  tokens: readonly string[][],
  labels: Uint8Array,
  settings: NblrSettings,
  progress?: (fraction: number) => void,
): PreparedFeatures {
  const vocabulary = Vocabulary.build(tokens, { minFreq: settings.minFreq });
  const ids = tokens.map((t) => vocabulary.encode(t));
  const { table, rows } = buildNgramFeatures(ids, vocabulary.size, settings.ngramOrder, settings.minNgramCount, progress);
  const featurizer = new NblrFeaturizer(vocabulary, table, settings.ngramOrder, 0);
  const ratios = nbRatios(rows, labels, featurizer.featureCount, settings.nbAlpha);
  return { featurizer, rows, labels, ratios };
}

/** Distinct features of other documents (validation), with a prepared featurizer. */
export function featurizeRows(featurizer: NblrFeaturizer, tokens: readonly string[][]): SparseRows {
  const cols = new IntBuffer(1 << 20);
  const rowPtr = new Int32Array(tokens.length + 1);
  const push = (f: number): void => cols.push(f);
  tokens.forEach((t, i) => {
    featurizer.forEachFeature(featurizer.vocabulary.encode(t), push);
    rowPtr[i + 1] = cols.length;
  });
  return { rowPtr, cols: cols.toArray() };
}

/**
 * Fits L2-regularised logistic regression on the NB-scaled features with L-BFGS, starting from
 * (and updating) `params` = [w..., bias]; warm starts make a regularisation path cheap.
 */
export function fitLogistic(
  prepared: PreparedFeatures,
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
export function toModel(prepared: PreparedFeatures, params: Float64Array): NblrModel {
  const dim = prepared.ratios.length;
  const weights = new Float32Array(dim);
  for (let j = 0; j < dim; j++) weights[j] = params[j]! * prepared.ratios[j]!;
  return new NblrModel(prepared.featurizer, weights, params[dim]!);
}
