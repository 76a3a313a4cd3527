import type * as tfType from "@tensorflow/tfjs";
import type { z } from "zod";
import type { EpochRecord } from "../../../../common/artifact/metadata.ts";
import {
  BilstmModel,
  padSequences,
  predictSequences,
  type BilstmConfig,
} from "../../../../common/models/bilstm.ts";
import { BASIC_ENGLISH, basicEnglish } from "../../../../common/text/tokenizer.ts";
import { Vocabulary } from "../../../../common/text/vocab.ts";
import { initTfjs } from "../../../../common/tfjs/init.ts";
import { seededRandom } from "../../random.ts";
import type { ArchitectureTrainer, LabeledText, TrainContext, TrainedModel, TrainInput } from "../types.ts";
import { bucketedBatches } from "./batches.ts";
import { buildBilstmNetwork } from "./network.ts";

/**
 * bilstm: the reference architecture, faithful to the PyTorch model it replaces: embedding 100,
 * a 2-layer bidirectional LSTM of 256 units per direction, dropout 0.5 (on the embeddings,
 * between the layers and on the final states), one sigmoid unit, Adam at 1e-3, batches of 64
 * bucketed by length, packed-sequence masking, vocabulary from the training part only.
 * Early stopping keeps the weights of the epoch with the lowest validation loss.
 *
 * It trains on TF.js (wasm here) through a fused BPTT op (common/models/bilstm-ops.ts); a full
 * epoch on the 25k IMDB reviews takes on the order of an hour on 2 cores. See
 * bench/bilstm.bench.ts for measured figures.
 */
export const BILSTM_DEFAULTS = {
  embeddingDim: 100,
  hiddenSize: 256,
  layers: 2,
  dropout: 0.5,
  epochs: 5,
  batchSize: 64,
  learningRate: 1e-3,
  /** Epochs without a lower validation loss before stopping. */
  patience: 2,
  /** Batches per length-sorted pool (bucketedBatches). */
  poolBatches: 50,
} as const;

/**
 * Settings beyond the shared hyperparameters, for tests and benchmarks that need a smaller
 * network or fewer steps; the defaults are the reference.
 */
export interface BilstmOverrides {
  readonly embeddingDim?: number;
  readonly hiddenSize?: number;
  readonly layers?: number;
  readonly dropout?: number;
  readonly patience?: number;
  /** Train on at most this many batches per epoch. @default all */
  readonly maxBatchesPerEpoch?: number;
}

type BilstmSettings = Required<Omit<BilstmOverrides, "maxBatchesPerEpoch">> & {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly maxBatchesPerEpoch: number | undefined;
};

function resolveSettings(input: TrainInput, overrides: BilstmOverrides): BilstmSettings {
  return {
    embeddingDim: overrides.embeddingDim ?? BILSTM_DEFAULTS.embeddingDim,
    hiddenSize: overrides.hiddenSize ?? BILSTM_DEFAULTS.hiddenSize,
    layers: overrides.layers ?? BILSTM_DEFAULTS.layers,
    dropout: overrides.dropout ?? BILSTM_DEFAULTS.dropout,
    patience: overrides.patience ?? BILSTM_DEFAULTS.patience,
    epochs: input.epochs ?? BILSTM_DEFAULTS.epochs,
    batchSize: input.batchSize ?? BILSTM_DEFAULTS.batchSize,
    learningRate: input.learningRate ?? BILSTM_DEFAULTS.learningRate,
    maxBatchesPerEpoch: overrides.maxBatchesPerEpoch,
  };
}

/** Token ids and labels of one split. */
export interface EncodedSplit {
  readonly ids: Int32Array[];
  readonly labels: Uint8Array;
}

export interface PreparedData {
  readonly vocabulary: Vocabulary;
  readonly train: EncodedSplit;
  readonly validation: EncodedSplit;
}

const encodeSplit = (
  tokens: readonly string[][],
  examples: readonly LabeledText[],
  vocabulary: Vocabulary,
  maxLength: number,
): EncodedSplit => ({
  ids: tokens.map((t) => vocabulary.encode(t, maxLength)),
  labels: Uint8Array.from(examples, (e) => e.label),
});

/** Tokenizes both splits and builds the vocabulary from the training part only. */
export function prepareData(
  input: Pick<TrainInput, "train" | "validation" | "minFreq" | "maxLength">,
): PreparedData {
  const trainTokens = input.train.map((e) => basicEnglish(e.text));
  const vocabulary = Vocabulary.build(trainTokens, { minFreq: input.minFreq });
  const validationTokens = input.validation.map((e) => basicEnglish(e.text));
  return {
    vocabulary,
    train: encodeSplit(trainTokens, input.train, vocabulary, input.maxLength),
    validation: encodeSplit(validationTokens, input.validation, vocabulary, input.maxLength),
  };
}

/** One optimiser step on the examples `rows` of `split`; returns the batch's mean loss. */
export async function trainBatch(
  tf: typeof tfType,
  network: tfType.LayersModel,
  split: EncodedSplit,
  rows: readonly number[],
): Promise<number> {
  const { data, steps } = padSequences(rows.map((i) => split.ids[i]!));
  const x = tf.tensor2d(data, [rows.length, steps], "int32");
  const y = tf.tensor2d(
    Float32Array.from(rows, (i) => split.labels[i]!),
    [rows.length, 1],
  );
  try {
    const loss = await network.trainOnBatch(x, y);
    return Array.isArray(loss) ? loss[0]! : loss;
  } finally {
    tf.dispose([x, y]);
  }
}

/** Mean binary cross-entropy and accuracy of probabilities against labels. */
export function lossAndAccuracy(
  probabilities: Float64Array,
  labels: Uint8Array,
): { loss: number; accuracy: number } {
  const eps = 1e-7;
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, probabilities[i]!));
    loss -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
    if ((p >= 0.5 ? 1 : 0) === labels[i]) correct++;
  }
  const n = Math.max(1, labels.length);
  return { loss: loss / n, accuracy: correct / n };
}

type History = z.infer<typeof EpochRecord>[];

interface Best {
  readonly epoch: number;
  readonly loss: number;
  readonly weights: tfType.Tensor[];
  readonly probabilities: Float64Array;
}

async function train(
  input: TrainInput,
  ctx: TrainContext,
  overrides: BilstmOverrides,
): Promise<TrainedModel> {
  const { tf, backend } = await initTfjs();
  const s = resolveSettings(input, overrides);
  ctx.progress(0, "tokenizing");
  const data = prepareData(input);
  ctx.log("Built vocabulary", {
    tokens: data.vocabulary.size,
    minFreq: input.minFreq,
    maxLength: input.maxLength,
  });
  const config: BilstmConfig = {
    format: "bilstm/v1",
    tokenizer: BASIC_ENGLISH,
    maxLength: input.maxLength,
    vocabularySize: data.vocabulary.size,
    embeddingDim: s.embeddingDim,
    hiddenSize: s.hiddenSize,
    layers: s.layers,
    dropout: s.dropout,
  };
  const network = buildBilstmNetwork({ ...config, seed: input.seed });
  network.compile({ optimizer: tf.train.adam(s.learningRate), loss: "binaryCrossentropy" });
  ctx.log("Built network", { parameters: network.countParams(), backend, ...config });

  const random = seededRandom(input.seed);
  const lengths = data.train.ids.map((ids) => ids.length);
  const history: History = [];
  let best: Best | undefined;
  for (let epoch = 1; epoch <= s.epochs; epoch++) {
    const started = performance.now();
    const batches = bucketedBatches(lengths, s.batchSize, random, BILSTM_DEFAULTS.poolBatches).slice(
      0,
      s.maxBatchesPerEpoch,
    );
    let lossSum = 0;
    let seen = 0;
    const logEvery = Math.max(1, Math.ceil(batches.length / 10));
    for (const [k, rows] of batches.entries()) {
      lossSum += (await trainBatch(tf, network, data.train, rows)) * rows.length;
      seen += rows.length;
      ctx.progress((epoch - 1 + (k + 1) / batches.length) / s.epochs, `epoch ${epoch}/${s.epochs}`);
      if ((k + 1) % logEvery === 0 && k + 1 < batches.length) {
        const seconds = (performance.now() - started) / 1000;
        ctx.log("Trained batches", {
          epoch,
          batches: k + 1,
          of: batches.length,
          trainLoss: lossSum / seen,
          secondsPerBatch: seconds / (k + 1),
        });
      }
    }
    const probabilities = predictSequences(tf, network, data.validation.ids);
    const v = lossAndAccuracy(probabilities, data.validation.labels);
    const record = {
      epoch,
      trainLoss: lossSum / Math.max(1, seen),
      validationLoss: v.loss,
      validationAccuracy: v.accuracy,
      seconds: (performance.now() - started) / 1000,
    };
    history.push(record);
    ctx.log("Finished epoch", { ...record, batches: batches.length });
    ctx.epochFinished?.(record);
    if (best === undefined || v.loss < best.loss) {
      if (best !== undefined) tf.dispose(best.weights);
      best = { epoch, loss: v.loss, weights: network.getWeights().map((w) => w.clone()), probabilities };
    } else if (epoch - best.epoch >= s.patience) {
      ctx.log("Stopped early", { epoch, bestEpoch: best.epoch, patience: s.patience });
      break;
    }
  }
  if (best === undefined) throw new Error("bilstm trained no epoch.");
  network.setWeights(best.weights);
  tf.dispose(best.weights);
  ctx.log("Restored the best epoch", { epoch: best.epoch, validationLoss: best.loss });
  ctx.progress(1, "done");
  const model = new BilstmModel(tf, network, data.vocabulary, config);
  return {
    predictor: model,
    history,
    backend,
    hyperparameters: {
      epochs: s.epochs,
      batchSize: s.batchSize,
      learningRate: s.learningRate,
      seed: input.seed,
      optimizer: "adam",
      embeddingDim: s.embeddingDim,
      hiddenSize: s.hiddenSize,
      layers: s.layers,
      bidirectional: true,
      dropout: s.dropout,
      patience: s.patience,
      bestEpoch: best.epoch,
      ...(s.maxBatchesPerEpoch === undefined ? {} : { maxBatchesPerEpoch: s.maxBatchesPerEpoch }),
    },
    preprocessing: { vocabularySize: data.vocabulary.size, truncation: "head", padding: "per batch, masked" },
    validationProbabilities: best.probabilities,
    save: (dir) => model.save(dir),
  };
}

/** A bilstm trainer with some settings changed (tests, benchmarks). */
export function createBilstmTrainer(overrides: BilstmOverrides = {}): ArchitectureTrainer {
  return { name: "bilstm", train: (input, ctx) => train(input, ctx, overrides) };
}

/** The reference bilstm. */
export const bilstmTrainer: ArchitectureTrainer = createBilstmTrainer();
