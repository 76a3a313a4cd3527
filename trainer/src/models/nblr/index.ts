import { basicEnglish } from "../../../../common/text/tokenizer.ts";
import type { ArchitectureTrainer, TrainContext, TrainedModel, TrainInput } from "../types.ts";
import type { z } from "zod";
import type { EpochRecord } from "../../../../common/artifact/metadata.ts";
import { fitLogistic, prepareFeatures, problem, sliceRows, toModel, type NblrSettings } from "./fit.ts";
import { rowCount, type SparseRows } from "./sparse.ts";

/**
 * nblr: NBSVM-style logistic regression (Wang & Manning 2012) over binarized word uni-, bi- and
 * trigrams, in plain typed arrays (a sparse linear model gains nothing from tfjs on CPU).
 *
 * 1. Vocabulary and n-gram table from the texts of the training split (train + validation, no
 *    labels); NB log-count ratios from the training part scale the features.
 * 2. A regularisation path: L-BFGS at each L2 strength of `L2_PATH`, warm-started, one history
 *    record each; the strength with the lowest validation log loss wins (early stopping).
 * 3. Refit: NB ratios and weights on train + validation at the chosen strength, warm-started
 *    (the test split is never looked at).
 */
export const NBLR_DEFAULTS = {
  ngramOrder: 3,
  minNgramCount: 2,
  nbAlpha: 1,
  /** L-BFGS iterations per L2 strength (`--epochs` overrides). */
  maxIterations: 100,
  /** Strongest first, so each fit warm-starts the next. */
  l2Path: [3e-4, 1e-4, 3e-5],
  refit: true,
} as const;

type History = z.infer<typeof EpochRecord>[];

function validationFigures(rows: SparseRows, labels: Uint8Array, ratios: Float64Array, params: Float64Array): { loss: number; accuracy: number } {
  const dim = ratios.length;
  const n = rowCount(rows);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let m = params[dim]!;
    for (let k = rows.rowPtr[i]!; k < rows.rowPtr[i + 1]!; k++) m += params[rows.cols[k]!]! * ratios[rows.cols[k]!]!;
    const ym = labels[i] === 1 ? m : -m;
    loss += ym > 0 ? Math.log1p(Math.exp(-ym)) : -ym + Math.log1p(Math.exp(ym));
    if (ym > 0 || (m === 0 && labels[i] === 1)) correct++;
  }
  return { loss: loss / Math.max(1, n), accuracy: correct / Math.max(1, n) };
}

const tokenize = (texts: readonly { text: string }[], progress: (f: number) => void): string[][] =>
  texts.map((e, i) => {
    if ((i & 2047) === 0) progress(i / texts.length);
    return basicEnglish(e.text);
  });

async function train(input: TrainInput, ctx: TrainContext): Promise<TrainedModel> {
  const settings: NblrSettings = {
    ngramOrder: NBLR_DEFAULTS.ngramOrder,
    minNgramCount: NBLR_DEFAULTS.minNgramCount,
    minFreq: input.minFreq,
    nbAlpha: NBLR_DEFAULTS.nbAlpha,
    maxIterations: input.epochs ?? NBLR_DEFAULTS.maxIterations,
  };
  const path = NBLR_DEFAULTS.l2Path;
  const refit = NBLR_DEFAULTS.refit && input.validation.length > 0;
  // Progress budget: tokenize 10 %, features 15 %, path 45 %, refit 30 %.
  const nTrain = input.train.length;
  const examples = [...input.train, ...input.validation];
  const tokens = tokenize(examples, (f) => ctx.progress(0.1 * f, "tokenizing"));
  const labels = Uint8Array.from(examples, (e) => e.label);
  // Vocabulary and n-grams from the texts of the whole training split (no labels involved).
  const prepared = prepareFeatures(tokens, settings, (f) => ctx.progress(0.1 + 0.15 * f, "counting n-grams"));
  const trainRows = sliceRows(prepared.rows, 0, nTrain);
  const validationRows = sliceRows(prepared.rows, nTrain, examples.length);
  const validationLabels = labels.subarray(nTrain);
  ctx.log("Built features", {
    vocabulary: prepared.featurizer.vocabulary.size,
    ngrams: prepared.featurizer.table.size,
    nonZeros: prepared.rows.cols.length,
  });

  // NB ratios and the regularisation path on the training part only.
  const trainProblem = problem(prepared, trainRows, labels.subarray(0, nTrain), settings.nbAlpha);
  const history: History = [];
  const params = new Float64Array(prepared.featurizer.featureCount + 1);
  let best = { lambda: path[0] as number, loss: Infinity, params, epoch: 0 };
  const pathShare = refit ? 0.5 : 0.75;
  for (const [k, lambda] of path.entries()) {
    const started = performance.now();
    const fit = fitLogistic(trainProblem, lambda, params, settings.maxIterations, (it) =>
      ctx.progress(0.25 + (pathShare * (k + Math.min(1, it / 40))) / path.length, `L2 ${lambda}`),
    );
    const v = input.validation.length > 0 ? validationFigures(validationRows, validationLabels, trainProblem.ratios, params) : undefined;
    const record = {
      epoch: k + 1,
      trainLoss: fit.loss,
      ...(v ? { validationLoss: v.loss, validationAccuracy: v.accuracy } : {}),
      seconds: (performance.now() - started) / 1000,
    };
    history.push(record);
    ctx.log("Fitted regularisation strength", { l2: lambda, iterations: fit.iterations, ...record });
    const score = v?.loss ?? -k; // without validation: the weakest regularisation
    if (score < best.loss) best = { lambda, loss: score, params: params.slice(), epoch: k + 1 };
  }
  ctx.log("Chose regularisation strength on validation", { l2: best.lambda, epoch: best.epoch });
  const chosen = toModel(prepared, trainProblem, best.params);

  let model = chosen;
  let validationProbabilities: Float64Array | undefined;
  if (refit) {
    validationProbabilities = await chosen.predictProba(input.validation.map((e) => e.text));
    const all = problem(prepared, prepared.rows, labels, settings.nbAlpha);
    const allParams = best.params.slice();
    const fit = fitLogistic(all, best.lambda, allParams, settings.maxIterations, (it) =>
      ctx.progress(0.75 + 0.25 * Math.min(1, it / 40), "refitting"),
    );
    ctx.log("Refitted on train and validation", { l2: best.lambda, iterations: fit.iterations, examples: labels.length });
    model = toModel(prepared, all, allParams);
  }
  ctx.progress(1, "done");
  return {
    predictor: model,
    history,
    backend: "plain-js",
    hyperparameters: {
      epochs: settings.maxIterations,
      seed: input.seed,
      l2: best.lambda,
      l2Path: [...path],
      ngramOrder: settings.ngramOrder,
      minNgramCount: settings.minNgramCount,
      nbAlpha: settings.nbAlpha,
      refit,
    },
    preprocessing: {
      ngramOrder: settings.ngramOrder,
      minNgramCount: settings.minNgramCount,
      vocabularySize: model.featurizer.vocabulary.size,
      features: model.featurizer.featureCount,
      truncation: "none",
    },
    ...(validationProbabilities ? { validationProbabilities } : {}),
    save: (dir) => model.save(dir),
  };
}

export const nblrTrainer: ArchitectureTrainer = { name: "nblr", train };
