import { packHi, packLo, slotOf } from "./ngram-table.ts";

/**
 * Probe results: a slot offset (a multiple of 4) when the n-gram is a feature not yet counted for
 * this review; the offset + COUNTED when it is a feature already counted; MISSING when it is not a
 * feature.
 */
const COUNTED = 1;
const MISSING = -2;
/** A slot's stamp word: the generation of the review that last counted it, in the low bits... */
const GENERATION = 0x1fffffff;
/** ...and, on a bigram (a, b): whether it begins some trigram key (a, b, c) / ends some (z, a, b). */
const BEGINS_TRIGRAM = 0x20000000;
const ENDS_TRIGRAM = 0x40000000;
/**
 * Most keys per slot of the n-gram table. 0.6 puts a full IMDB model (285,741 n-grams) in 2^19
 * slots (8 MiB) instead of 2^20 (16 MiB) at 0.5: the same speed in the same run (BENCHMARKS.md,
 * "Model server memory"), as probes mostly stay in one cache line.
 */
const MAX_LOAD = 0.6;

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
 *   unless both bigrams were found, and the first begins a trigram key and the second ends one
 *   (two flag bits in the bigram slots' stamp words, read from lines the bigram probes already
 *   loaded). That skips most trigram probes, each a likely cache miss. Loaded artifacts where
 *   this does not hold are probed at every position, as before.
 * - The sum is a float64 read from a Float64Array, not the `bias` argument itself, so the
 *   compiled loop keeps it in a register (it would otherwise box a heap number per addition).
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
  /** Distinct n-gram keys held (a repeated key keeps its first feature). */
  readonly ngramCount: number;
  #generation = 0;
  /** Per position of the review being scored: the probe result (above) of its bigram / trigram. */
  #bigramAt = new Int32Array(0);
  #trigramAt = new Int32Array(0);
  /** Where `#touch` leaves its result, so the reads are not optimised away. */
  #sink = 0;
  /** Holds `bias` so that the sum starts as an unboxed float64 (see the class comment). */
  readonly #acc = new Float64Array(1);

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
    const cap = 2 ** Math.ceil(Math.log2(Math.max(16, hi.length / MAX_LOAD)));
    const buf = new ArrayBuffer(cap * 16);
    this.#slots = new Int32Array(buf);
    this.#slotWeights = new Float32Array(buf);
    this.#mask = cap - 1;
    let distinct = 0;
    for (let i = 0; i < hi.length; i++) {
      const o = this.#find(hi[i]! | 0, lo[i]! | 0);
      if (this.#slots[o + 1] !== 0) continue; // a repeated key keeps its first feature, like NgramTable
      distinct++;
      this.#slots[o] = hi[i]! | 0;
      this.#slots[o + 1] = lo[i]! | 0;
      this.#slotWeights[o + 3] = weights[vocabularySize + i]!;
    }
    this.ngramCount = distinct;
    this.#trigramsNeedBigrams = everyTrigramHasItsBigrams(
      hi,
      lo,
      (h, l) => this.#slots[this.#find(h, l) + 1] !== 0,
    );
    if (this.#trigramsNeedBigrams) {
      forEachTrigram(hi, lo, (a, b, c) => {
        this.#slots[this.#find(packHi(-1, a) | 0, packLo(a, b) | 0) + 2]! |= BEGINS_TRIGRAM;
        this.#slots[this.#find(packHi(-1, b) | 0, packLo(b, c) | 0) + 2]! |= ENDS_TRIGRAM;
      });
    }
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
    if (++this.#generation === GENERATION) this.#resetStamps();
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
      const slots = this.#slots;
      for (let i = 2; i < n; i++) {
        trigramAt[i] =
          !prune ||
          (bigramAt[i] !== MISSING &&
            bigramAt[i - 1] !== MISSING &&
            (slots[(bigramAt[i - 1]! & ~COUNTED) + 2]! & BEGINS_TRIGRAM) !== 0 &&
            (slots[(bigramAt[i]! & ~COUNTED) + 2]! & ENDS_TRIGRAM) !== 0)
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
    const acc = this.#acc;
    acc[0] = bias;
    let sum = acc[0]; // an unboxed float64 (see the class comment)
    for (let i = 0; i < n; i++) {
      const c = ids[i]!;
      if (uInts[2 * c] !== gen) {
        uInts[2 * c] = gen;
        sum += uWeights[2 * c + 1]!;
      }
      if (order < 2 || i === 0) continue;
      const b = bigramAt[i]!;
      if (b >= 0 && (b & COUNTED) === 0) sum += sWeights[b + 3]!;
      if (order < 3 || i === 1) continue;
      const t = trigramAt[i]!;
      if (t >= 0 && (t & COUNTED) === 0) sum += sWeights[t + 3]!;
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
   * with `gen` (stamping it), the offset + COUNTED when present and already stamped, MISSING when
   * absent.
   */
  #claim(o: number, h: number, l: number, gen: number): number {
    const slots = this.#slots;
    const mask4 = (this.#mask << 2) | 3;
    for (;;) {
      const sl = slots[o + 1]!;
      if (sl === 0) return MISSING;
      if (sl === l && slots[o] === h) {
        const stamp = slots[o + 2]!;
        if ((stamp & GENERATION) === gen) return o + COUNTED;
        slots[o + 2] = (stamp & ~GENERATION) | gen;
        return o;
      }
      o = (o + 4) & mask4;
    }
  }

  #resetStamps(): void {
    for (let t = 0; t < this.#vocabularySize; t++) this.#unigramInts[2 * t] = 0;
    for (let o = 0; o < this.#slots.length; o += 4) this.#slots[o + 2]! &= ~GENERATION;
    this.#generation = 1;
  }
}

/** Calls `visit(a, b, c)` with the token indices of every trigram key. */
function forEachTrigram(
  hi: Uint32Array,
  lo: Uint32Array,
  visit: (a: number, b: number, c: number) => void,
): void {
  for (let i = 0; i < hi.length; i++) {
    const h = hi[i]!;
    const l = lo[i]!;
    const a1 = h >>> 10; // a + 1; 0 for a bigram
    if (a1 === 0) continue;
    const b1 = ((h & 0x3ff) << 11) | (l >>> 21); // b + 1
    const c1 = l & 0x1fffff; // c + 1
    visit(a1 - 1, b1 - 1, c1 - 1);
  }
}

/** Whether, for every trigram key (a, b, c), the bigram keys (a, b) and (b, c) are present. */
function everyTrigramHasItsBigrams(
  hi: Uint32Array,
  lo: Uint32Array,
  has: (hi: number, lo: number) => boolean,
): boolean {
  let all = true;
  forEachTrigram(hi, lo, (a, b, c) => {
    all &&= has(packHi(-1, a) | 0, packLo(a, b) | 0) && has(packHi(-1, b) | 0, packLo(b, c) | 0);
  });
  return all;
}
