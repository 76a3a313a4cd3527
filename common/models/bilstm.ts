import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type * as tfType from "@tensorflow/tfjs";
import { z } from "zod";
import type { ModelMetadata } from "../artifact/metadata.ts";
import type { SentimentPredictor } from "../model.ts";
import { FailureError } from "../result.ts";
import { BASIC_ENGLISH, basicEnglish } from "../text/tokenizer.ts";
import { Vocabulary } from "../text/vocab.ts";
import { initTfjs } from "../tfjs/init.ts";
import { MODEL_JSON_FILE, modelFiles, WEIGHTS_FILE } from "../tfjs/model-files.ts";
import "./bilstm-layers.ts";

/**
 * `bilstm`: the reference architecture (embedding → 2-layer bidirectional LSTM → sigmoid), in
 * TF.js. This is its inference side; training is in trainer/src/models/bilstm/.
 *
 * Files of the artifact:
 * - `bilstm.json`: tokenizer, maximum length, network sizes;
 * - `vocab.json`: the token vocabulary (common/text/vocab.ts), `<pad>` = 0 is masked;
 * - `model.json` + `weights.bin`: the TF.js Layers model (common/tfjs/model-files.ts).
 */
export const BILSTM_FILES = {
  config: "bilstm.json",
  vocabulary: "vocab.json",
  model: MODEL_JSON_FILE,
  weights: WEIGHTS_FILE,
} as const;

export const BilstmConfig = z.object({
  format: z.literal("bilstm/v1"),
  tokenizer: z.literal(BASIC_ENGLISH),
  /** Reviews are truncated to their first `maxLength` tokens. */
  maxLength: z.int().min(1),
  vocabularySize: z.int().min(2),
  embeddingDim: z.int().min(1),
  hiddenSize: z.int().min(1),
  layers: z.int().min(1),
  dropout: z.number().min(0).lt(1),
});
export type BilstmConfig = z.infer<typeof BilstmConfig>;

/** Reviews per forward pass at inference. */
const PREDICT_BATCH = 64;

/**
 * Packs token-id sequences into one zero-padded (`<pad>` = 0, masked) row-major [rows, steps]
 * block, `steps` being the longest sequence (at least 1, so empty reviews still have a step).
 */
export function padSequences(sequences: readonly Int32Array[]): { data: Int32Array; steps: number } {
  const steps = Math.max(1, ...sequences.map((s) => s.length));
  const data = new Int32Array(sequences.length * steps);
  sequences.forEach((s, i) => data.set(s, i * steps));
  return { data, steps };
}

/**
 * Runs `model` over `sequences` in batches of similar length (less padding, same results) and
 * returns P(positive) in input order.
 */
export function predictSequences(
  tf: typeof tfType,
  model: tfType.LayersModel,
  sequences: readonly Int32Array[],
  batchSize = PREDICT_BATCH,
): Float64Array {
  const out = new Float64Array(sequences.length);
  const order = sequences
    .map((_, i) => i)
    .sort((a, b) => sequences[a]!.length - sequences[b]!.length || a - b);
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const { data, steps } = padSequences(rows.map((i) => sequences[i]!));
    const probabilities = tf.tidy(() => {
      const ids = tf.tensor2d(data, [rows.length, steps], "int32");
      return (model.predict(ids) as tfType.Tensor).dataSync();
    });
    rows.forEach((row, k) => (out[row] = probabilities[k]!));
  }
  return out;
}

export class BilstmModel implements SentimentPredictor {
  readonly architecture = "bilstm";
  readonly tf: typeof tfType;
  readonly network: tfType.LayersModel;
  readonly vocabulary: Vocabulary;
  readonly config: BilstmConfig;

  constructor(tf: typeof tfType, network: tfType.LayersModel, vocabulary: Vocabulary, config: BilstmConfig) {
    this.tf = tf;
    this.network = network;
    this.vocabulary = vocabulary;
    this.config = config;
  }

  /** Token ids of `text`, truncated to `maxLength`, unpadded. */
  encode(text: string): Int32Array {
    return this.vocabulary.encode(basicEnglish(text), this.config.maxLength);
  }

  predictProba(texts: readonly string[]): Promise<Float64Array> {
    return Promise.resolve(
      predictSequences(
        this.tf,
        this.network,
        texts.map((t) => this.encode(t)),
      ),
    );
  }

  dispose(): void {
    this.network.dispose();
  }

  async save(dir: string): Promise<void> {
    await this.network.save(modelFiles(dir));
    await writeFile(join(dir, BILSTM_FILES.config), JSON.stringify(this.config, null, 2) + "\n");
    await writeFile(join(dir, BILSTM_FILES.vocabulary), JSON.stringify(this.vocabulary.toJSON()));
  }
}

function corrupt(dir: string, file: string, what: string): FailureError {
  return new FailureError("ArtifactCorrupt", `${join(dir, file)} ${what}: retrain the model`);
}

async function readJson(dir: string, file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(join(dir, file), "utf8"));
  } catch (e) {
    throw corrupt(dir, file, `is unreadable (${(e as Error).message})`);
  }
}

/** Reads a bilstm model from its files (the registry's loader; digests are checked by the caller). */
export async function loadBilstmPredictor(dir: string, _metadata?: ModelMetadata): Promise<BilstmModel> {
  const config = BilstmConfig.safeParse(await readJson(dir, BILSTM_FILES.config));
  if (!config.success)
    throw corrupt(dir, BILSTM_FILES.config, `is invalid (${z.prettifyError(config.error)})`);
  const vocabulary = Vocabulary.fromJSON(await readJson(dir, BILSTM_FILES.vocabulary));
  if (!vocabulary.ok) throw corrupt(dir, BILSTM_FILES.vocabulary, vocabulary.error.message);
  if (vocabulary.value.size !== config.data.vocabularySize) {
    throw corrupt(
      dir,
      BILSTM_FILES.vocabulary,
      `has ${vocabulary.value.size} tokens, not ${config.data.vocabularySize}`,
    );
  }
  const { tf } = await initTfjs();
  const network = await tf.loadLayersModel(modelFiles(dir));
  const embedding = network.getLayer("embedding").getWeights()[0];
  if (embedding?.shape[0] !== config.data.vocabularySize) {
    network.dispose();
    throw corrupt(
      dir,
      BILSTM_FILES.model,
      `embeds ${embedding?.shape[0] ?? 0} tokens, not ${config.data.vocabularySize}`,
    );
  }
  return new BilstmModel(tf, network, vocabulary.value, config.data);
}
