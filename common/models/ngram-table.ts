/**
 * An open-addressing hash table from n-grams of token indices (up to trigrams) to dense indices
 * 0, 1, 2, ... in insertion order. Keys are packed into two uint32 words, 21 bits per token
 * (token index + 1, so 0 means "no token"): vocabularies up to 2,097,150 tokens. Plain typed
 * arrays, no strings: this is the inner loop of both training and serving.
 */
export const MAX_NGRAM_TOKEN_INDEX = 2 ** 21 - 2;

/** High word of the packed key of (a, b, c); pass a = -1 for a bigram (b, c). */
export const packHi = (a: number, b: number): number => (((a + 1) << 10) | ((b + 1) >>> 11)) >>> 0;
/** Low word of the packed key of (a, b, c). */
export const packLo = (b: number, c: number): number => ((((b + 1) & 0x7ff) << 21) | (c + 1)) >>> 0;

/**
 * The slot of a packed key in a power-of-two table (`mask` = capacity - 1): a murmur3-style mix.
 * Every table of packed n-grams (here, the trainer's counting table, the serving scorer) uses it.
 */
export function slotOf(hi: number, lo: number, mask: number): number {
  let h = Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & mask;
}

export class NgramTable {
  /** Per slot at 4s: [hi, lo, dense index + 1 (0 = empty), unused]: one cache line per probe. */
  #slots: Int32Array;
  #mask: number;
  /** Keys by dense index, for `keys()`. */
  #hi: Uint32Array;
  #lo: Uint32Array;
  #size = 0;

  constructor(expectedSize = 1024) {
    const cap = 2 ** Math.ceil(Math.log2(Math.max(16, expectedSize * 2)));
    this.#slots = new Int32Array(cap * 4);
    this.#mask = cap - 1;
    this.#hi = new Uint32Array(Math.max(16, expectedSize));
    this.#lo = new Uint32Array(Math.max(16, expectedSize));
  }

  /** A table holding exactly these packed keys, key i at dense index i. */
  static fromKeys(hi: Uint32Array, lo: Uint32Array): NgramTable {
    const t = new NgramTable(hi.length);
    for (let i = 0; i < hi.length; i++) t.insert(hi[i]!, lo[i]!);
    return t;
  }

  get size(): number {
    return this.#size;
  }

  /** Dense index of the key, or -1. */
  get(hi: number, lo: number): number {
    const mask = this.#mask;
    const slots = this.#slots;
    const h = hi | 0;
    const l = lo | 0;
    let s = slotOf(hi, lo, mask);
    for (;;) {
      const o = s << 2;
      const v = slots[o + 2]!;
      if (v === 0) return -1;
      if (slots[o] === h && slots[o + 1] === l) return v - 1;
      s = (s + 1) & mask;
    }
  }

  /** Dense index of the key, inserting it (at index `size`) when absent. */
  insert(hi: number, lo: number): number {
    const found = this.get(hi, lo);
    if (found >= 0) return found;
    const index = this.#size++;
    if (index >= this.#hi.length) {
      const hiGrown = new Uint32Array(this.#hi.length * 2);
      hiGrown.set(this.#hi);
      this.#hi = hiGrown;
      const loGrown = new Uint32Array(this.#lo.length * 2);
      loGrown.set(this.#lo);
      this.#lo = loGrown;
    }
    this.#hi[index] = hi >>> 0;
    this.#lo[index] = lo >>> 0;
    this.#place(this.#slots, this.#mask, hi, lo, index);
    if (this.#size * 2 > this.#mask) this.#rehash();
    return index;
  }

  /** The packed keys in dense-index order (copies). */
  keys(): { hi: Uint32Array; lo: Uint32Array } {
    return { hi: this.#hi.slice(0, this.#size), lo: this.#lo.slice(0, this.#size) };
  }

  #place(slots: Int32Array, mask: number, hi: number, lo: number, index: number): void {
    let s = slotOf(hi, lo, mask);
    while (slots[(s << 2) + 2] !== 0) s = (s + 1) & mask;
    const o = s << 2;
    slots[o] = hi | 0;
    slots[o + 1] = lo | 0;
    slots[o + 2] = index + 1;
  }

  #rehash(): void {
    const cap = (this.#mask + 1) * 2;
    const slots = new Int32Array(cap * 4);
    for (let i = 0; i < this.#size; i++) this.#place(slots, cap - 1, this.#hi[i]!, this.#lo[i]!, i);
    this.#slots = slots;
    this.#mask = cap - 1;
  }
}
