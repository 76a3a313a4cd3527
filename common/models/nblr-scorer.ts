import { packHi, packLo, slotOf } from "./ngram-table.ts";

/** Probe results: the n-gram is a feature already counted for this review / is not a feature. */
const SEEN = -1;
const MISSING = -2;

/**
 * The inference layout of an nblr model, built once per model: token ids -> logit with about one
 * cache miss per n-gram. The features and weights are the model's, and the sum is taken in the
 * same order (first occurrence, unigram then bigram then trigram per position) as
 * `NblrFeaturizer.forEachFeature`, so the logits are bit-identical.
 *
 * - Unigrams: per token, [stamp, weight] side by side (the vocabulary is small and hot in cache).
 * - N-grams: an open-addressing table whose slot is [hi, lo, stamp, weight] (16 bytes), so a hit
 *   reads key, "seen in this review" stamp and weight from one cache line; `lo` is never 0 for a
 *   real key (it holds the last token + 1), so `lo === 0` marks an empty slot.
 * - When every trigram's two bigrams are features too (true of every model the trainer writes:
 *   a trigram in >= k documents has its bigrams in >= k documents), trigram probes are skipped
 *   unless both bigrams were found, which skips most probes. Loaded artifacts where this does not
 *   hold are probed at every position, as before.
 */
export class NblrScorer {
  readonly #vocabularySize: number;
  readonly #order: number;
  /** Per token t at 2t: stamp (Int32), at 2t + 1: weight (Float32 bits). */
  readonly #unigramInts: Int32Array;
  readonly #unigramWeights: Float32Array;
  readonly #slots: Int32Array;
  readonly #slotWeights: Float32Array;
  readonly #mask: number;
  readonly #trigramsNeedBigrams: boolean;
  #generation = 0;
  /** Per position of the review being scored: slot offset of its bigram / trigram, or SEEN / MISSING. */
  #bigramAt = new Int32Array(0);
  #trigramAt = new Int32Array(0);
  /** Where `#touch` leaves its result, so the reads are not optimised away. */
  #sink = 0;

  /** `hi`/`lo`: packed n-gram keys (ngram-table.ts) in feature order; `weights`: unigrams first. */
  constructor(
    vocabularySize: number,
    order: number,
    hi: Uint32Array,
    lo: Uint32Array,
    weights: Float32Array,
  ) {
    this.#vocabularySize = vocabularySize;
    this.#order = order;
    const uni = new ArrayBuffer(vocabularySize * 8);
    this.#unigramInts = new Int32Array(uni);
    this.#unigramWeights = new Float32Array(uni);
    for (let t = 0; t < vocabularySize; t++) this.#unigramWeights[2 * t + 1] = weights[t]!;
    const cap = 2 ** Math.ceil(Math.log2(Math.max(16, hi.length * 2)));
    const buf = new ArrayBuffer(cap * 16);
    this.#slots = new Int32Array(buf);
    this.#slotWeights = new Float32Array(buf);
    this.#mask = cap - 1;
    for (let i = 0; i < hi.length; i++) {
      const o = this.#find(hi[i]! | 0, lo[i]! | 0);
      if (this.#slots[o + 1] !== 0) continue; // a repeated key keeps its first feature, like NgramTable
      this.#slots[o] = hi[i]! | 0;
      this.#slots[o + 1] = lo[i]! | 0;
      this.#slotWeights[o + 3] = weights[vocabularySize + i]!;
    }
    this.#trigramsNeedBigrams = everyTrigramHasItsBigrams(
      hi,
      lo,
      (h, l) => this.#slots[this.#find(h, l) + 1] !== 0,
    );
  }

  /** The offset of the slot holding the key, or of the empty slot where it would go. */
  #find(h: number, l: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    let s = slotOf(h, l, mask);
    for (;;) {
      const o = s << 2;
      const sl = slots[o + 1]!;
      if (sl === 0 || (sl === l && slots[o] === h)) return o;
      s = (s + 1) & mask;
    }
  }

  /**
   * `bias` plus the weight of every distinct feature of the token ids, added in the same order as
   * training's featurizer. The n-gram probes are random reads of a table far larger than the CPU
   * caches, so each kind is done in two passes: first every probe's first slot is read with no
   * branch on the value (the CPU overlaps these cache misses), then the probe chains are walked
   * in cache. The additions themselves happen last, position by position, unigram then bigram
   * then trigram, exactly as before.
   */
  score(ids: Int32Array, bias: number): number {
    if (++this.#generation === 0x7fffffff) this.#resetStamps();
    const gen = this.#generation;
    const n = ids.length;
    if (this.#bigramAt.length < n) {
      this.#bigramAt = new Int32Array(n * 2);
      this.#trigramAt = new Int32Array(n * 2);
    }
    const bigramAt = this.#bigramAt;
    const trigramAt = this.#trigramAt;
    const order = this.#order;
    if (order >= 2) {
      for (let i = 1; i < n; i++)
        bigramAt[i] = this.#start(packHi(-1, ids[i - 1]!), packLo(ids[i - 1]!, ids[i]!));
      this.#touch(bigramAt, 1, n);
      for (let i = 1; i < n; i++)
        bigramAt[i] = this.#claim(
          bigramAt[i]!,
          packHi(-1, ids[i - 1]!) | 0,
          packLo(ids[i - 1]!, ids[i]!) | 0,
          gen,
        );
    }
    if (order >= 3) {
      const prune = this.#trigramsNeedBigrams;
      for (let i = 2; i < n; i++) {
        trigramAt[i] =
          !prune || (bigramAt[i] !== MISSING && bigramAt[i - 1] !== MISSING)
            ? this.#start(packHi(ids[i - 2]!, ids[i - 1]!), packLo(ids[i - 1]!, ids[i]!))
            : MISSING;
      }
      this.#touch(trigramAt, 2, n);
      for (let i = 2; i < n; i++) {
        const o = trigramAt[i]!;
        if (o !== MISSING)
          trigramAt[i] = this.#claim(
            o,
            packHi(ids[i - 2]!, ids[i - 1]!) | 0,
            packLo(ids[i - 1]!, ids[i]!) | 0,
            gen,
          );
      }
    }
    const uInts = this.#unigramInts;
    const uWeights = this.#unigramWeights;
    const sWeights = this.#slotWeights;
    let sum = bias;
    for (let i = 0; i < n; i++) {
      const c = ids[i]!;
      if (uInts[2 * c] !== gen) {
        uInts[2 * c] = gen;
        sum += uWeights[2 * c + 1]!;
      }
      if (order < 2 || i === 0) continue;
      const b = bigramAt[i]!;
      if (b >= 0) sum += sWeights[b + 3]!;
      if (order < 3 || i === 1) continue;
      const t = trigramAt[i]!;
      if (t >= 0) sum += sWeights[t + 3]!;
    }
    return sum;
  }

  /** Whether every trigram's two bigrams are features (then trigram probes follow bigram hits). */
  get trigramsNeedBigrams(): boolean {
    return this.#trigramsNeedBigrams;
  }

  /** What the read-ahead loads add up to: meaningless, it only keeps them from being optimised away. */
  get readAheadSink(): number {
    return this.#sink;
  }

  /** The offset of the key's first probe slot. */
  #start(hi: number, lo: number): number {
    return slotOf(hi | 0, lo | 0, this.#mask) << 2;
  }

  /** Reads the first probe slot of each offset in [from, to), so the cache misses overlap. */
  #touch(at: Int32Array, from: number, to: number): void {
    const slots = this.#slots;
    let x = 0;
    for (let i = from; i < to; i++) {
      const o = at[i]!;
      x ^= slots[o < 0 ? 1 : o + 1]!;
    }
    this.#sink = x;
  }

  /**
   * Walks the probe chain from `o`: the slot offset when the key is present and not yet stamped
   * with `gen` (stamping it), SEEN when present and already counted, MISSING when absent.
   */
  #claim(o: number, h: number, l: number, gen: number): number {
    const slots = this.#slots;
    const mask4 = (this.#mask << 2) | 3;
    for (;;) {
      const sl = slots[o + 1]!;
      if (sl === 0) return MISSING;
      if (sl === l && slots[o] === h) {
        if (slots[o + 2] === gen) return SEEN;
        slots[o + 2] = gen;
        return o;
      }
      o = (o + 4) & mask4;
    }
  }

  #resetStamps(): void {
    for (let t = 0; t < this.#vocabularySize; t++) this.#unigramInts[2 * t] = 0;
    for (let o = 0; o < this.#slots.length; o += 4) this.#slots[o + 2] = 0;
    this.#generation = 1;
  }
}

/** Whether, for every trigram key (a, b, c), the bigram keys (a, b) and (b, c) are present. */
function everyTrigramHasItsBigrams(
  hi: Uint32Array,
  lo: Uint32Array,
  has: (hi: number, lo: number) => boolean,
): boolean {
  for (let i = 0; i < hi.length; i++) {
    const h = hi[i]!;
    const l = lo[i]!;
    const a1 = h >>> 10; // a + 1; 0 for a bigram
    if (a1 === 0) continue;
    const b1 = ((h & 0x3ff) << 11) | (l >>> 21); // b + 1
    const c1 = l & 0x1fffff; // c + 1
    if (!has(packHi(-1, a1 - 1) | 0, packLo(a1 - 1, b1 - 1) | 0)) return false;
    if (!has(packHi(-1, b1 - 1) | 0, packLo(b1 - 1, c1 - 1) | 0)) return false;
  }
  return true;
}
