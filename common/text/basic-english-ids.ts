/**
 * `basic_english` tokenization and vocabulary lookup in one pass, without creating a string per
 * token: the ids equal `vocabulary.encode(basicEnglish(text), maxTokens)` for every text (tested
 * against that composition on random strings and real reviews). The scan reproduces the token
 * pattern of tokenizer.ts (word = a run of characters that are neither Python whitespace, `;:`
 * nor one of the token characters `'.,()!?`; each token character is a token of its own), and a
 * word is looked up by hashing its UTF-16 code units in an open-addressing table whose keys are
 * compared code unit by code unit against the vocabulary's tokens. The normalised line is copied
 * once into a UTF-16 scratch buffer (one native copy) and scanned there, which is faster than
 * `charCodeAt` on the string.
 */
import { Buffer } from "node:buffer";
export const BASIC_ENGLISH_WHITESPACE: readonly (number | readonly [number, number])[] = [
  [0x09, 0x0d],
  [0x1c, 0x20],
  0x85,
  0xa0,
  0x1680,
  [0x2000, 0x200a],
  0x2028,
  0x2029,
  0x202f,
  0x205f,
  0x3000,
];

const WORD = 0;
const SEPARATOR = 1;
const SINGLE = 2;

/** Character class of every UTF-16 code unit: WORD, SEPARATOR (dropped) or SINGLE (a token alone). */
const CLASS = (() => {
  const c = new Uint8Array(0x10000);
  for (const w of BASIC_ENGLISH_WHITESPACE) {
    const [from, to] = typeof w === "number" ? [w, w] : w;
    for (let u = from; u <= to; u++) c[u] = SEPARATOR;
  }
  for (const ch of ";:") c[ch.charCodeAt(0)] = SEPARATOR;
  for (const ch of "'.,()!?") c[ch.charCodeAt(0)] = SINGLE;
  return c;
})();

function hashStep(h: number, unit: number): number {
  return Math.imul(h ^ unit, 0x01000193);
}
const HASH_SEED = 0x811c9dc5 | 0;

export class BasicEnglishIds {
  /** Per slot at 2s: [hash, token index + 1 (0 = empty)]. */
  readonly #slots: Int32Array;
  readonly #mask: number;
  /** Token i's code units are `#units[#offsets[i] .. #offsets[i + 1])`. */
  readonly #units: Uint16Array;
  readonly #offsets: Int32Array;
  readonly #unkIndex: number;
  #out = new Int32Array(1024);
  /** The normalised line as UTF-16 code units (`#line` views `#bytes`). */
  #bytes = Buffer.from(new ArrayBuffer(8192));
  #line = new Uint16Array(this.#bytes.buffer);

  /** `tokens`: the vocabulary in index order; unknown words map to `unkIndex`. */
  constructor(tokens: readonly string[], unkIndex: number) {
    this.#unkIndex = unkIndex;
    let total = 0;
    for (const t of tokens) total += t.length;
    this.#units = new Uint16Array(total);
    this.#offsets = new Int32Array(tokens.length + 1);
    const cap = 2 ** Math.ceil(Math.log2(Math.max(16, tokens.length * 2)));
    this.#slots = new Int32Array(cap * 2);
    this.#mask = cap - 1;
    let at = 0;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      this.#offsets[i] = at;
      let h = HASH_SEED;
      for (let k = 0; k < t.length; k++) {
        const u = t.charCodeAt(k);
        this.#units[at++] = u;
        h = hashStep(h, u);
      }
      this.#offsets[i + 1] = at;
      // vocabularies never repeat a token; if one did, its first index would win
      if (this.#find(this.#units.subarray(at - t.length), 0, t.length, h) < 0) this.#place(h, i);
    }
  }

  #place(h: number, index: number): void {
    let s = h & this.#mask;
    while (this.#slots[2 * s + 1] !== 0) s = (s + 1) & this.#mask;
    this.#slots[2 * s] = h;
    this.#slots[2 * s + 1] = index + 1;
  }

  /** The index of the token `line[start .. end)` with hash `h`, or -1. */
  #find(line: Uint16Array, start: number, end: number, h: number): number {
    const slots = this.#slots;
    const units = this.#units;
    const offsets = this.#offsets;
    const len = end - start;
    let s = h & this.#mask;
    for (;;) {
      const id1 = slots[2 * s + 1]!;
      if (id1 === 0) return -1;
      if (slots[2 * s] === h) {
        const from = offsets[id1 - 1]!;
        if (offsets[id1]! - from === len) {
          let k = 0;
          while (k < len && units[from + k] === line[start + k]) k++;
          if (k === len) return id1 - 1;
        }
      }
      s = (s + 1) & this.#mask;
    }
  }

  /**
   * The token ids of `text` (at most `maxTokens` when > 0). The returned array is a view of a
   * buffer that the next call overwrites: use it before calling again.
   */
  ids(text: string, maxTokens = 0): Int32Array {
    let line = text.toLowerCase();
    if (line.includes('"')) line = line.replaceAll('"', "");
    if (line.includes("<br />")) line = line.replaceAll("<br />", " ");
    const limit = maxTokens > 0 ? maxTokens : Infinity;
    const n = line.length;
    if (this.#line.length < n) {
      this.#bytes = Buffer.from(new ArrayBuffer(n * 4));
      this.#line = new Uint16Array(this.#bytes.buffer);
    }
    this.#bytes.write(line, 0, n * 2, "utf16le");
    const chars = this.#line;
    // at most one token per code unit
    if (this.#out.length < Math.min(n, limit)) this.#out = new Int32Array(Math.min(n, limit) * 2);
    const out = this.#out;
    const unk = this.#unkIndex;
    let count = 0;
    let start = -1;
    let h = HASH_SEED;
    for (let i = 0; i < n && count < limit; i++) {
      const u = chars[i]!;
      const cls = CLASS[u]!;
      if (cls === WORD) {
        if (start < 0) {
          start = i;
          h = HASH_SEED;
        }
        h = hashStep(h, u);
        continue;
      }
      if (start >= 0) {
        const id = this.#find(chars, start, i, h);
        out[count++] = id < 0 ? unk : id;
        start = -1;
      }
      if (cls === SINGLE && count < limit) {
        const id = this.#find(chars, i, i + 1, hashStep(HASH_SEED, u));
        out[count++] = id < 0 ? unk : id;
      }
    }
    if (start >= 0 && count < limit) {
      const id = this.#find(chars, start, n, h);
      out[count++] = id < 0 ? unk : id;
    }
    return out.subarray(0, count);
  }
}
