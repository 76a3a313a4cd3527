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

function slotOf(hi: number, lo: number, mask: number): number {
  let h = Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & mask;
}

export class NgramTable {
  #slots: Int32Array; // dense index + 1; 0 = empty
  #mask: number;
  #hi: Uint32Array;
  #lo: Uint32Array;
  #size = 0;

  constructor(expectedSize = 1024) {
    const cap = 2 ** Math.ceil(Math.log2(Math.max(16, expectedSize * 2)));
    this.#slots = new Int32Array(cap);
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
    let s = slotOf(hi, lo, mask);
    for (;;) {
      const v = this.#slots[s]!;
      if (v === 0) return -1;
      if (this.#hi[v - 1] === hi && this.#lo[v - 1] === lo) return v - 1;
      s = (s + 1) & mask;
    }
  }

  /** Dense index of the key, inserting it (at index `size`) when absent. */
  insert(hi: number, lo: number): number {
    const mask = this.#mask;
    let s = slotOf(hi, lo, mask);
    for (;;) {
      const v = this.#slots[s]!;
      if (v === 0) break;
      if (this.#hi[v - 1] === hi && this.#lo[v - 1] === lo) return v - 1;
      s = (s + 1) & mask;
    }
    const index = this.#size++;
    if (index >= this.#hi.length) {
      const hiGrown = new Uint32Array(this.#hi.length * 2);
      hiGrown.set(this.#hi);
      this.#hi = hiGrown;
      const loGrown = new Uint32Array(this.#lo.length * 2);
      loGrown.set(this.#lo);
      this.#lo = loGrown;
    }
    this.#hi[index] = hi;
    this.#lo[index] = lo;
    this.#slots[s] = index + 1;
    if (this.#size * 2 > this.#slots.length) this.#rehash();
    return index;
  }

  /** The packed keys in dense-index order (copies). */
  keys(): { hi: Uint32Array; lo: Uint32Array } {
    return { hi: this.#hi.slice(0, this.#size), lo: this.#lo.slice(0, this.#size) };
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let i = 0; i < this.#size; i++) {
      let s = slotOf(this.#hi[i]!, this.#lo[i]!, mask);
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = i + 1;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}
