import { endianness } from "node:os";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { ModelMetadata } from "../artifact/metadata.ts";
import type { SentimentPredictor } from "../model.ts";
import { FailureError } from "../result.ts";
import { BasicEnglishIds } from "../text/basic-english-ids.ts";
import { BASIC_ENGLISH, basicEnglish } from "../text/tokenizer.ts";
import { Vocabulary } from "../text/vocab.ts";
import { NblrScorer } from "./nblr-scorer.ts";
import { NgramTable, packHi, packLo } from "./ngram-table.ts";

/**
 * `nblr`: logistic regression over binarized word n-grams scaled by Naive Bayes log-count ratios
 * (NBSVM, Wang & Manning 2012). Inference is a sum of one float per distinct n-gram of the review,
 * in plain typed arrays: no tfjs.
 *
 * Files of the artifact:
 * - `vocab.json`: the token vocabulary (common/text/vocab.ts); unigram feature i is token i;
 * - `nblr.json`: tokenizer, n-gram order, bias, counts;
 * - `ngrams.bin`: packed keys (two little-endian uint32 per n-gram, see ngram-table.ts) of the
 *   bigram/trigram features, feature `vocabularySize + i` being key i;
 * - `weights.bin`: one little-endian float32 per feature, the NB ratio already folded in.
 */
export const NBLR_FILES = {
  config: "nblr.json",
  vocabulary: "vocab.json",
  ngrams: "ngrams.bin",
  weights: "weights.bin",
} as const;

export const NblrConfig = z.object({
  format: z.literal("nblr/v1"),
  tokenizer: z.literal(BASIC_ENGLISH),
  /** 1 = unigrams, 2 = up to bigrams, 3 = up to trigrams. */
  ngramOrder: z.int().min(1).max(3),
  /** Tokens after this many are ignored; 0 = no limit. */
  maxTokens: z.int().min(0),
  bias: z.number(),
  vocabularySize: z.int().min(2),
  ngramCount: z.int().min(0),
});
export type NblrConfig = z.infer<typeof NblrConfig>;

/** Packed n-gram keys (ngram-table.ts) in feature order. */
export interface NgramKeys {
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
}

/**
 * The n-gram order, vocabulary and feature table: text -> distinct feature indices.
 *
 * A loaded model is built from its keys and makes the hash table (16 MiB for a full IMDB model)
 * only when the straightforward path (`forEachFeature`) needs it: serving scores with
 * `NblrScorer`'s own table, so a server holds one table, not two.
 */
export class NblrFeaturizer {
  readonly vocabulary: Vocabulary;
  readonly ngramOrder: number;
  readonly maxTokens: number;
  readonly ngramCount: number;
  readonly featureCount: number;
  #table: NgramTable | undefined;
  #keys: NgramKeys | undefined;
  #stamp: Uint32Array | undefined;
  #generation = 0;

  constructor(vocabulary: Vocabulary, ngrams: NgramTable | NgramKeys, ngramOrder: number, maxTokens: number) {
    this.vocabulary = vocabulary;
    if (ngrams instanceof NgramTable) this.#table = ngrams;
    else this.#keys = ngrams;
    this.ngramCount = ngrams instanceof NgramTable ? ngrams.size : ngrams.hi.length;
    this.ngramOrder = ngramOrder;
    this.maxTokens = maxTokens;
    this.featureCount = vocabulary.size + this.ngramCount;
  }

  /** The packed keys in feature order. */
  keys(): NgramKeys {
    return this.#keys ?? this.#table!.keys();
  }

  get table(): NgramTable {
    this.#table ??= NgramTable.fromKeys(this.#keys!.hi, this.#keys!.lo);
    return this.#table;
  }

  tokenIds(text: string): Int32Array {
    const tokens = basicEnglish(text);
    return this.vocabulary.encode(tokens, this.maxTokens > 0 ? this.maxTokens : undefined);
  }

  /**
   * Calls `visit` once per distinct known feature of the token ids, in order of first occurrence.
   * Not reentrant (shares one scratch array).
   */
  forEachFeature(ids: Int32Array, visit: (feature: number) => void): void {
    this.#stamp ??= new Uint32Array(this.featureCount);
    if (++this.#generation === 0xffffffff) {
      this.#stamp.fill(0);
      this.#generation = 1;
    }
    const gen = this.#generation;
    const stamp = this.#stamp;
    const table = this.table;
    const v = this.vocabulary.size;
    const order = this.ngramOrder;
    for (let i = 0; i < ids.length; i++) {
      const c = ids[i]!;
      if (stamp[c] !== gen) {
        stamp[c] = gen;
        visit(c);
      }
      if (order >= 2 && i >= 1) {
        const b = ids[i - 1]!;
        const f2 = table.get(packHi(-1, b), packLo(b, c));
        if (f2 >= 0 && stamp[v + f2] !== gen) {
          stamp[v + f2] = gen;
          visit(v + f2);
        }
        if (order >= 3 && i >= 2) {
          const f3 = table.get(packHi(ids[i - 2]!, b), packLo(b, c));
          if (f3 >= 0 && stamp[v + f3] !== gen) {
            stamp[v + f3] = gen;
            visit(v + f3);
          }
        }
      }
    }
  }
}

export class NblrModel implements SentimentPredictor {
  readonly architecture = "nblr";
  readonly featurizer: NblrFeaturizer;
  readonly weights: Float32Array;
  readonly bias: number;
  #scorer: NblrScorer | undefined;
  #ids: BasicEnglishIds | undefined;

  constructor(featurizer: NblrFeaturizer, weights: Float32Array, bias: number) {
    if (weights.length !== featurizer.featureCount) {
      throw new FailureError(
        "ArtifactCorrupt",
        `nblr has ${weights.length} weights for ${featurizer.featureCount} features`,
      );
    }
    this.featurizer = featurizer;
    this.weights = weights;
    this.bias = bias;
  }

  /** The logit of P(positive) for one review. */
  score(text: string): number {
    return this.#scorerOf().score(this.#idsOf().ids(text, this.featurizer.maxTokens), this.bias);
  }

  /**
   * Builds the inference tables now (~0.2 s for a full IMDB model) instead of on the first
   * `score`, so a server's first request is not slowed down. The loader calls it.
   */
  prepare(): this {
    this.#idsOf();
    this.#scorerOf();
    return this;
  }

  /**
   * The logit computed the straightforward way (tokens as strings, `forEachFeature`): the
   * reference that `score` must match bit for bit.
   */
  referenceScore(text: string): number {
    const w = this.weights;
    let sum = this.bias;
    this.featurizer.forEachFeature(this.featurizer.tokenIds(text), (f) => {
      sum += w[f]!;
    });
    return sum;
  }

  #idsOf(): BasicEnglishIds {
    const v = this.featurizer.vocabulary;
    this.#ids ??= new BasicEnglishIds(v.tokens, v.unkIndex);
    return this.#ids;
  }

  /** The inference layout, built on first use (training builds many models and scores few). */
  #scorerOf(): NblrScorer {
    if (this.#scorer === undefined) {
      const f = this.featurizer;
      const { hi, lo } = f.keys();
      this.#scorer = new NblrScorer(f.vocabulary.size, f.ngramOrder, hi, lo, this.weights);
      if (this.#scorer.ngramCount !== f.ngramCount)
        throw new FailureError(
          "ArtifactCorrupt",
          `${NBLR_FILES.ngrams} lists an n-gram twice: retrain the model`,
        );
    }
    return this.#scorer;
  }

  predictProba(texts: readonly string[]): Promise<Float64Array> {
    const out = new Float64Array(texts.length);
    for (let i = 0; i < texts.length; i++) out[i] = 1 / (1 + Math.exp(-this.score(texts[i]!)));
    return Promise.resolve(out);
  }

  dispose(): void {}

  config(): NblrConfig {
    const f = this.featurizer;
    return {
      format: "nblr/v1",
      tokenizer: BASIC_ENGLISH,
      ngramOrder: f.ngramOrder,
      maxTokens: f.maxTokens,
      bias: this.bias,
      vocabularySize: f.vocabulary.size,
      ngramCount: f.ngramCount,
    };
  }

  async save(dir: string): Promise<void> {
    assertLittleEndian();
    const { hi, lo } = this.featurizer.keys();
    const keys = new Uint32Array(hi.length * 2);
    for (let i = 0; i < hi.length; i++) {
      keys[2 * i] = hi[i]!;
      keys[2 * i + 1] = lo[i]!;
    }
    await writeFile(join(dir, NBLR_FILES.config), JSON.stringify(this.config(), null, 2) + "\n");
    await writeFile(join(dir, NBLR_FILES.vocabulary), JSON.stringify(this.featurizer.vocabulary.toJSON()));
    await writeFile(join(dir, NBLR_FILES.ngrams), keys);
    await writeFile(join(dir, NBLR_FILES.weights), this.weights);
  }
}

function assertLittleEndian(): void {
  if (endianness() !== "LE")
    throw new FailureError("ArtifactIncompatible", "nblr artifacts need a little-endian machine");
}

function corrupt(dir: string, file: string, what: string): FailureError {
  return new FailureError("ArtifactCorrupt", `${join(dir, file)} ${what}: retrain the model`);
}

/** A typed-array copy of a file (Buffers may be unaligned). */
async function readTyped<T>(path: string, make: (b: ArrayBuffer) => T): Promise<T> {
  const buf = await readFile(path);
  return make(new Uint8Array(buf).buffer);
}

/** Reads an nblr model from its files (the registry's loader; digests are checked by the caller). */
export async function loadNblrPredictor(dir: string, _metadata?: ModelMetadata): Promise<NblrModel> {
  assertLittleEndian();
  const configJson: unknown = JSON.parse(await readFile(join(dir, NBLR_FILES.config), "utf8"));
  const config = NblrConfig.safeParse(configJson);
  if (!config.success) throw corrupt(dir, NBLR_FILES.config, `is invalid (${z.prettifyError(config.error)})`);
  const vocab = Vocabulary.fromJSON(JSON.parse(await readFile(join(dir, NBLR_FILES.vocabulary), "utf8")));
  if (!vocab.ok) throw corrupt(dir, NBLR_FILES.vocabulary, vocab.error.message);
  const { vocabularySize, ngramCount, ngramOrder, maxTokens, bias } = config.data;
  if (vocab.value.size !== vocabularySize)
    throw corrupt(dir, NBLR_FILES.vocabulary, `has ${vocab.value.size} tokens, not ${vocabularySize}`);
  const keys = await readTyped(join(dir, NBLR_FILES.ngrams), (b) =>
    b.byteLength % 8 === 0 ? new Uint32Array(b) : undefined,
  );
  if (keys?.length !== ngramCount * 2)
    throw corrupt(dir, NBLR_FILES.ngrams, `does not hold ${ngramCount} n-grams`);
  const weights = await readTyped(join(dir, NBLR_FILES.weights), (b) =>
    b.byteLength % 4 === 0 ? new Float32Array(b) : undefined,
  );
  if (weights?.length !== vocabularySize + ngramCount)
    throw corrupt(dir, NBLR_FILES.weights, `does not hold ${vocabularySize + ngramCount} weights`);
  const hi = new Uint32Array(ngramCount);
  const lo = new Uint32Array(ngramCount);
  for (let i = 0; i < ngramCount; i++) {
    hi[i] = keys[2 * i]!;
    lo[i] = keys[2 * i + 1]!;
  }
  return new NblrModel(
    new NblrFeaturizer(vocab.value, { hi, lo }, ngramOrder, maxTokens),
    weights,
    bias,
  ).prepare();
}
