import { Vocabulary, type VocabularyOptions } from "./vocab.ts";

/**
 * Counts tokens while giving each document provisional ids (first occurrence order), so a corpus
 * is hashed once: `vocabulary()` then maps provisional ids to vocabulary indices. Counters built
 * on parts of a corpus (e.g. in worker threads) merge into one with the same result as a single
 * counter over the whole corpus.
 */
export class TokenCounter {
  readonly #index = new Map<string, number>();
  readonly #tokens: string[] = [];
  #counts = new Int32Array(1 << 12);

  get size(): number {
    return this.#tokens.length;
  }

  /** Tokens by provisional id. */
  get tokens(): readonly string[] {
    return this.#tokens;
  }

  /** Counts by provisional id (a copy). */
  counts(): Int32Array<ArrayBuffer> {
    return this.#counts.slice(0, this.size);
  }

  #id(token: string): number {
    let id = this.#index.get(token);
    if (id === undefined) {
      id = this.#tokens.length;
      this.#index.set(token, id);
      this.#tokens.push(token);
      if (id === this.#counts.length) {
        const grown = new Int32Array(this.#counts.length * 2);
        grown.set(this.#counts);
        this.#counts = grown;
      }
    }
    return id;
  }

  /** Counts one document's tokens and returns their provisional ids. */
  add(tokens: readonly string[]): Int32Array {
    const ids = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const id = this.#id(tokens[i]!);
      this.#counts[id]!++;
      ids[i] = id;
    }
    return ids;
  }

  /** Adds another counter's tokens and counts; returns its provisional ids mapped to this counter's. */
  merge(tokens: readonly string[], counts: Int32Array): Int32Array {
    const remap = new Int32Array(tokens.length);
    for (let j = 0; j < tokens.length; j++) {
      const id = this.#id(tokens[j]!);
      this.#counts[id]! += counts[j]!;
      remap[j] = id;
    }
    return remap;
  }

  /** The vocabulary of the counted corpus and the map from provisional ids to its indices. */
  vocabulary(options: VocabularyOptions = {}): { vocabulary: Vocabulary; remap: Int32Array } {
    const counts = new Map<string, number>();
    this.#tokens.forEach((t, id) => counts.set(t, this.#counts[id]!));
    const vocabulary = Vocabulary.fromCounts(counts, options.minFreq ?? 5, options.maxSize);
    return { vocabulary, remap: Int32Array.from(this.#tokens, (t) => vocabulary.indexOf(t)) };
  }
}

/** Replaces provisional ids by vocabulary indices, in place. */
export function remapInPlace(ids: Int32Array, remap: Int32Array): void {
  for (let i = 0; i < ids.length; i++) ids[i] = remap[ids[i]!]!;
}

/**
 * Builds the vocabulary and encodes the same documents in one pass over the strings (each token
 * is hashed once, not once to count and once to encode): the fast path for large corpora. Pass
 * a generator to keep only one document's tokens in memory at a time.
 * Same vocabulary as `Vocabulary.build`; `encoded[i]` equals `vocabulary.encode(documents[i])`.
 */
export function buildAndEncode(
  documents: Iterable<readonly string[]>,
  options: VocabularyOptions = {},
): { vocabulary: Vocabulary; encoded: Int32Array[] } {
  const counter = new TokenCounter();
  const encoded: Int32Array[] = [];
  for (const doc of documents) encoded.push(counter.add(doc));
  const { vocabulary, remap } = counter.vocabulary(options);
  for (const ids of encoded) remapInPlace(ids, remap);
  return { vocabulary, encoded };
}
