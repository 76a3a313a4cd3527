/**
 * `basic_english` tokenization and vocabulary lookup in one pass, without creating a string per
 * token: the ids equal `vocabulary.encode(basicEnglish(text), maxTokens)` for every text (tested
 * against that composition on random strings and real reviews).
 *
 * The text is normalised as tokenizer.ts does (lowercase, `"` removed, `<br />` -> space), then
 * encoded as bytes (UTF-8; WTF-8 for lone surrogates) and scanned there. The token pattern of
 * tokenizer.ts (word = a run of characters that are neither Python whitespace, `;:` nor one of
 * the token characters `'.,()!?`; each token character is a token of its own) becomes, on bytes:
 * every byte >= 0x80 is a word byte once the non-ASCII whitespace is replaced by spaces, and the
 * ASCII bytes have a fixed class. Why bytes and not UTF-16 code units, and why this shape:
 *
 * - Per-character loops cost ~10 cycles a character in V8 whatever they do, and the branch "does
 *   the word end here" is mispredicted at every word. So the scan never branches per byte: it
 *   reads 4 bytes at a time, turns 32 bytes into a bit mask of word bytes and one of token
 *   characters, and derives the token starts and ends with bit operations (one loop iteration
 *   per token, not per byte).
 * - A word is then looked up by its bytes as two int32 loads (its first 8 bytes, lowercased 4 at
 *   a time) plus its length: an exact key for the ~93 % of words of at most 8 bytes, so the lookup
 *   reads one 16-byte slot and compares three ints; longer words also compare their remaining
 *   bytes with the vocabulary's.
 * - Pure-ASCII texts (about 90 % of IMDB reviews) skip the `toLowerCase` string: the key loads
 *   lowercase A-Z themselves, and `<BR />` spellings are recognised in place. The others go through
 *   `toLowerCase` first, because Unicode lowercasing can change lengths and letters (`İ` -> `i̇`,
 *   `ẞ` -> `ß`, the Kelvin sign -> `k`).
 */
/** Python's `str.isspace` set (what basic_english splits on), as code points and ranges. */
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

const isSeparator = (u: number): boolean =>
  u === 0x3a ||
  u === 0x3b ||
  BASIC_ENGLISH_WHITESPACE.some((w) => (typeof w === "number" ? u === w : u >= w[0] && u <= w[1]));
const isTokenCharacter = (u: number): boolean => u < 0x80 && "'.,()!?".includes(String.fromCharCode(u));

/**
 * Classes of the byte at position k (0-3) of a little-endian int32, table k at 256 k: bit k set
 * for a word byte, bit 4 + k for a token character, none for a separator. Bytes >= 0x80 are word
 * bytes (the non-ASCII separators are replaced by spaces before the scan).
 */
const QUAD_CLASS = (() => {
  const t = new Uint8Array(1024);
  for (let k = 0; k < 4; k++) {
    for (let u = 0; u < 256; u++) {
      const separator = u < 0x80 && isSeparator(u);
      t[256 * k + u] = isTokenCharacter(u) ? 1 << (4 + k) : separator ? 0 : 1 << k;
    }
  }
  return t;
})();
/** The non-ASCII whitespace of `BASIC_ENGLISH_WHITESPACE`, replaced by spaces before the scan. */
const NON_ASCII_WHITESPACE = new RegExp(
  `[${BASIC_ENGLISH_WHITESPACE.map((w) => (typeof w === "number" ? [w, w] : w))
    .filter(([, to]) => to >= 0x80)
    .map(([from, to]) => `\\u{${from.toString(16)}}-\\u{${to.toString(16)}}`)
    .join("")}]`,
  "gu",
);
/** ASCII lowercase of each byte (other bytes unchanged), for the bytes of long words. */
const LOWER = Uint8Array.from({ length: 256 }, (_, u) => (u >= 0x41 && u <= 0x5a ? u + 0x20 : u));
/** Masks keeping the first `len` (0-8) bytes of a key's two little-endian int32 words. */
const KEY_MASK_0 = Int32Array.from({ length: 9 }, (_, len) => (len >= 4 ? -1 : (1 << (8 * len)) - 1));
const KEY_MASK_1 = Int32Array.from({ length: 9 }, (_, len) =>
  len >= 8 ? -1 : len <= 4 ? 0 : (1 << (8 * (len - 4))) - 1,
);
/** Bytes of a word's key: longer words match on these plus their length, then byte by byte. */
const KEY_BYTES = 8;

/** ASCII A-Z -> a-z in each byte of `x`, other bytes (including >= 0x80) unchanged. */
function lower4(x: number): number {
  const low7 = x & 0x7f7f7f7f;
  // bit 7 of each byte: (byte >= 'A') xor (byte > 'Z'), for ASCII bytes only
  const upper = ~x & ((low7 + 0x3f3f3f3f) ^ (low7 + 0x25252525)) & 0x80808080;
  return x | (upper >>> 2);
}

/** The hash of a key: its first 8 bytes as two int32 and its length. */
function keyHash(k0: number, k1: number, len: number): number {
  let h = Math.imul(k0 ^ Math.imul(k1 ^ len, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 13);
}

/**
 * Writes the WTF-8 bytes of `s` to `out` (UTF-8, with a lone surrogate encoded like any other code
 * point, so that different strings always give different bytes) and returns their count.
 */
function wtf8(s: string, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    } else {
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 0x3f);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    }
  }
  return n;
}

const utf8 = new TextEncoder();

export class BasicEnglishIds {
  /** Per slot at 4s: [key int32 0, key int32 1, byte length (0 = empty), token index]. */
  readonly #slots: Int32Array;
  readonly #mask: number;
  /** Token i's WTF-8 bytes are `#units[#offsets[i] .. #offsets[i + 1])` (for long words). */
  readonly #units: Uint8Array;
  readonly #offsets: Int32Array;
  readonly #unkIndex: number;
  #out = new Int32Array(1024);
  /** Token t of the text being scanned is bytes `[#starts[t], #ends[t])`. */
  #starts = new Int32Array(1024);
  #ends = new Int32Array(1024);
  /** The normalised text's bytes, padded with spaces; three views of one buffer. */
  #bytes = new Uint8Array(0);
  #words = new Int32Array(0);
  #view = new DataView(new ArrayBuffer(0));

  /** `tokens`: the vocabulary in index order; unknown words map to `unkIndex`. */
  constructor(tokens: readonly string[], unkIndex: number) {
    this.#unkIndex = unkIndex;
    const encoded = tokens.map((t) => {
      const b = new Uint8Array(3 * t.length + KEY_BYTES); // zero padding past the token
      return b.subarray(0, wtf8(t, b));
    });
    this.#units = new Uint8Array(encoded.reduce((sum, b) => sum + b.length, 0));
    this.#offsets = new Int32Array(tokens.length + 1);
    const cap = 2 ** Math.ceil(Math.log2(Math.max(16, tokens.length * 2)));
    this.#slots = new Int32Array(cap * 4);
    this.#mask = cap - 1;
    let at = 0;
    for (let i = 0; i < encoded.length; i++) {
      const b = encoded[i]!;
      this.#units.set(b, at);
      this.#offsets[i] = at;
      at += b.length;
      this.#offsets[i + 1] = at;
      if (b.length === 0) continue; // no word is empty
      const view = new DataView(b.buffer);
      const short = Math.min(b.length, KEY_BYTES);
      const k0 = view.getInt32(0, true) & KEY_MASK_0[short]!;
      const k1 = view.getInt32(4, true) & KEY_MASK_1[short]!;
      // vocabularies never repeat a token; if one did, its first index would win
      if (this.#find(k0, k1, b.length, b, 0) >= 0) continue;
      let s = keyHash(k0, k1, b.length) & this.#mask;
      while (this.#slots[4 * s + 2] !== 0) s = (s + 1) & this.#mask;
      this.#slots.set([k0, k1, b.length, i], 4 * s);
    }
    this.#grow(4096);
  }

  /** Scratch bytes for at least `n` bytes plus the padding the scan reads past them. */
  #grow(n: number): void {
    const buffer = new ArrayBuffer(32 * Math.ceil(n / 32) + 64);
    this.#bytes = new Uint8Array(buffer);
    this.#words = new Int32Array(buffer);
    this.#view = new DataView(buffer);
  }

  /**
   * The index of the word of `len` bytes at `bytes[start ..]` whose lowercased first 8 bytes are
   * `k0`, `k1`, or -1.
   */
  #find(k0: number, k1: number, len: number, bytes: Uint8Array, start: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    let s = keyHash(k0, k1, len) & mask;
    for (;;) {
      const o = s << 2;
      const l = slots[o + 2]!;
      if (l === 0) return -1;
      if (l === len && slots[o] === k0 && slots[o + 1] === k1) {
        const index = slots[o + 3]!;
        if (len <= KEY_BYTES || this.#sameTail(index, bytes, start)) return index;
      }
      s = (s + 1) & mask;
    }
  }

  /** Whether token `index`'s bytes after the key equal the lowercased `bytes[start + 8 ..]`. */
  #sameTail(index: number, bytes: Uint8Array, start: number): boolean {
    const units = this.#units;
    const from = this.#offsets[index]!;
    const len = this.#offsets[index + 1]! - from;
    for (let k = KEY_BYTES; k < len; k++) if (units[from + k] !== LOWER[bytes[start + k]!]) return false;
    return true;
  }

  /**
   * The token ids of `text` (at most `maxTokens` when > 0). The returned array is a view of a
   * buffer that the next call overwrites: use it before calling again.
   */
  ids(text: string, maxTokens = 0): Int32Array {
    // `"` goes first, as in basic_english (it can join words and make a `<br />`)
    const line = text.includes('"') ? text.replaceAll('"', "") : text;
    if (this.#bytes.length < 3 * line.length + 64) this.#grow(6 * line.length);
    let n = utf8.encodeInto(line, this.#bytes).written;
    if (n === line.length) {
      // all ASCII: lowercasing is per byte (the key loads do it) and commutes with the rest
      this.#blankLineBreaks(line, n);
    } else {
      let lowered = text.toLowerCase();
      if (lowered.includes('"')) lowered = lowered.replaceAll('"', "");
      if (lowered.includes("<br />")) lowered = lowered.replaceAll("<br />", " ");
      // after the line breaks, so that `<br\u00a0/>` stays a word as in basic_english
      lowered = lowered.replace(NON_ASCII_WHITESPACE, " ");
      if (this.#bytes.length < 3 * lowered.length + 64) this.#grow(6 * lowered.length);
      n = lowered.isWellFormed() ? utf8.encodeInto(lowered, this.#bytes).written : wtf8(lowered, this.#bytes);
    }
    return this.#lookUp(n, maxTokens > 0 ? maxTokens : 0x7fffffff);
  }

  /** Overwrites each `<br />` (any case of b and r) of the ASCII bytes of `line` with spaces. */
  #blankLineBreaks(line: string, n: number): void {
    const bytes = this.#bytes;
    for (let i = line.indexOf("<"); i >= 0; i = line.indexOf("<", i + 1)) {
      if (
        i + 5 < n &&
        (bytes[i + 1]! | 0x20) === 0x62 && // b or B (`| 0x20` lowercases B and R only)
        (bytes[i + 2]! | 0x20) === 0x72 && // r or R
        bytes[i + 3] === 0x20 &&
        bytes[i + 4] === 0x2f &&
        bytes[i + 5] === 0x3e
      ) {
        bytes.fill(0x20, i, i + 6);
        i += 5;
      }
    }
  }

  /** The ids of the tokens of the first `n` scratch bytes, at most `limit` of them. */
  #lookUp(n: number, limit: number): Int32Array {
    const blocks = (n >>> 5) + 1; // the last block holds the end of a token ending at n
    this.#bytes.fill(0x20, n, 32 * blocks + KEY_BYTES);
    if (this.#starts.length < n + 1) {
      this.#starts = new Int32Array(2 * n + 2);
      this.#ends = new Int32Array(2 * n + 2);
    }
    const count = Math.min(tokenBounds(this.#words, blocks, this.#starts, this.#ends), limit);
    if (this.#out.length < count) this.#out = new Int32Array(2 * count);
    const out = this.#out;
    const starts = this.#starts;
    const ends = this.#ends;
    const view = this.#view;
    const bytes = this.#bytes;
    const unk = this.#unkIndex;
    for (let t = 0; t < count; t++) {
      const start = starts[t]!;
      const len = ends[t]! - start;
      const short = len < KEY_BYTES ? len : KEY_BYTES;
      const k0 = lower4(view.getInt32(start, true)) & KEY_MASK_0[short]!;
      const k1 = lower4(view.getInt32(start + 4, true)) & KEY_MASK_1[short]!;
      const id = this.#find(k0, k1, len, bytes, start);
      out[t] = id < 0 ? unk : id;
    }
    return out.subarray(0, count);
  }
}

/**
 * Writes the start and end (exclusive) byte offsets of every token of `blocks` 32-byte blocks of
 * `words` to `starts`/`ends` and returns the token count. Per block: a mask of word bytes and
 * one of token characters; a token starts at a word byte after a non-word byte and at a token
 * character, and ends before a non-word byte after a word byte and after a token character.
 */
function tokenBounds(words: Int32Array, blocks: number, starts: Int32Array, ends: Int32Array): number {
  const quad = QUAD_CLASS;
  let started = 0;
  let ended = 0;
  let wordCarry = 0; // whether the previous block ends with a word byte / a token character
  let singleCarry = 0;
  for (let b = 0; b < blocks; b++) {
    let word = 0;
    let single = 0;
    for (let j = 0; j < 8; j++) {
      const x = words[8 * b + j]!;
      const q =
        quad[x & 0xff]! |
        quad[256 + ((x >>> 8) & 0xff)]! |
        quad[512 + ((x >>> 16) & 0xff)]! |
        quad[768 + (x >>> 24)]!;
      word |= (q & 0xf) << (4 * j);
      single |= (q >>> 4) << (4 * j);
    }
    const afterWord = (word << 1) | wordCarry;
    let startBits = (word & ~afterWord) | single;
    let endBits = (~word & afterWord) | (single << 1) | singleCarry;
    wordCarry = word >>> 31;
    singleCarry = single >>> 31;
    const base = 32 * b;
    for (; startBits !== 0; startBits &= startBits - 1)
      starts[started++] = base + 31 - Math.clz32(startBits & -startBits);
    for (; endBits !== 0; endBits &= endBits - 1) ends[ended++] = base + 31 - Math.clz32(endBits & -endBits);
  }
  return ended;
}
