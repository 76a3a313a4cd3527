import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { BasicEnglishIds } from "./basic-english-ids.ts";
import { basicEnglish } from "./tokenizer.ts";
import { Vocabulary } from "./vocab.ts";
import { lcg, randomText, TOKENIZER_ALPHABET } from "../testing/random-text.ts";

/** The composition the fused scan must equal: tokenize to strings, then look each one up. */
function reference(vocab: Vocabulary, text: string, maxTokens = 0): number[] {
  return [...vocab.encode(basicEnglish(text), maxTokens > 0 ? maxTokens : undefined)];
}

const vocab = Vocabulary.build(
  [
    ["a", "a", "b", "'", ".", ",", "(", ")", "!", "?", "é", "ab", "ba", "x", "xa", "a<br", "/>", "r", "<b"],
    ["a", "b", "'", ".", ",", "(", ")", "!", "?", "é", "ab", "ba", "x", "xa", "a<br", "/>", "r", "<b"],
    ["i", "k", "ka", "ß", "i̇x", "<", "<br", "b<br", "br", "a/>", "unforgettable", "wonderful"],
    // keys: words of 8 bytes and around it, multi-byte letters, NUL, a lone surrogate, uppercase
    ["abcdefgh", "abcdefghi", "abcdefghij", "abcdefghik", "bcdefghij", "éééé", "ééééé", "éééée"],
    ["a\u0000", "\u0000", "\ud800x", "x\udc00", "\ud83d\ude00\ud83d\ude00x", "Upper", "a<br\u00a0/>b"],
  ],
  { minFreq: 1 },
);

/** The ASCII pieces of the property-test alphabet, plus uppercase and `<BR />` spellings. */
const ASCII_ALPHABET = [
  ...TOKENIZER_ALPHABET.filter((p) => p.split("").every((ch) => ch.charCodeAt(0) < 0x80)),
  "A",
  "X",
  "<BR />",
  "<Br />",
  "<bR />",
  "<br/>",
  "<br  />",
  "<",
  "UNFORGETTABLE",
  "Wonderful",
  "\u001c",
  "\u000b",
];

/** ASCII pieces plus pieces that build the vocabulary's long words (keys of 8+ bytes). */
const LONG_WORD_ALPHABET = [...ASCII_ALPHABET, "abcdefgh", "ABCDEFGH", "i", "j", "ij", "éééé", "é", "\u0000"];

describe("BasicEnglishIds", () => {
  const ids = new BasicEnglishIds(vocab.tokens, vocab.unkIndex);
  /** Each text's ids equal the reference composition's. */
  const assertReference = (texts: readonly string[]): void => {
    for (const text of texts)
      assert.deepEqual([...ids.ids(text)], reference(vocab, text), JSON.stringify(text));
  };

  test("equals vocabulary.encode(basicEnglish(text)) on hand-picked inputs", () => {
    assertReference([
      "",
      "A b AB ba",
      "didn't",
      'a "b" c"d',
      'x<b"r />y',
      "one<br /><br />two<BR />",
      "wait... what?! (yes), a;b:c",
      "a\u0085b\u001fc a\ufeffb a\u00a0b \u3000x",
      "é É \ud83d\ude00 unknown <unk> <pad>",
    ]);
  });

  test("equals the string path on pure-ASCII text (lowercased by the key loads): case, quotes, line breaks, long words", () => {
    assertReference([
      "A B AB Ba X XA",
      'a"b "A"B" <b"r />y <"br />z',
      "a<br />b a<BR />b a<Br />b a<bR />b a<br/>b a<br  />b",
      "<br<br />/> <br />",
      "a<br />",
      "a<br /",
      "<",
      "b<br",
      "UNFORGETTABLE, Wonderful!unforgettable.wonderfulness",
      "tab\tnew\nline\u000bvt\u001cfs\u001fus;semi:colon",
      "Wonderful a<BR />b. ".repeat(400), // longer than the scratch buffers: they grow
    ]);
  });

  test("lowercases non-ASCII text as a string first, since that can change length and letters", () => {
    for (const text of [
      "\u0130x İX a\u0130",
      "\u212aA \u212a", // Kelvin sign lowercases to an ASCII k
      "\u1e9e STRASSE \u1e9e",
      "é É a<br />b A",
      "ab ".repeat(50) + "\u0130",
      "A b\u00a0a\u0085b",
    ]) {
      assert.deepEqual([...ids.ids(text)], reference(vocab, text), JSON.stringify(text));
      for (const max of [1, 3, 60])
        assert.deepEqual(
          [...ids.ids(text, max)],
          reference(vocab, text, max),
          `${JSON.stringify(text)} max ${max}`,
        );
    }
  });

  test("looks words up by their bytes exactly: 8-byte keys, longer words, NUL, surrogates, case", () => {
    assertReference([
      "abcdefgh abcdefghi abcdefghij abcdefghik abcdefghil bcdefghij abcdefg abcdefgh.",
      "ABCDEFGHIJ AbcdefghiK xabcdefghij",
      "éééé ééééé éééée ÉÉÉÉÉ éééé ééé éééééé",
      "a\u0000 \u0000 a \u0000\u0000 a\u0000a",
      "\ud800x \ud800 x\udc00 \udc00x \ud800\udc00x \ud83d\ude00\ud83d\ude00x",
      "Upper upper UPPER",
      "a<br\u00a0/>b a<BR\u00a0/>b a<br />\u00a0b",
    ]);
  });

  test("finds tokens across the scan's 32-byte blocks (every offset of a word and of a token character)", () => {
    for (let pad = 0; pad < 70; pad++) {
      for (const word of ["abcdefghij", "ab", "é", "a", ".", "wonderful!", "<br />x"]) {
        const text = "x".repeat(pad) + " " + word + "  " + word + "(" + "b".repeat(pad % 40);
        assert.deepEqual([...ids.ids(text)], reference(vocab, text), JSON.stringify(text));
        assert.deepEqual(
          [...ids.ids(text.trimEnd() + word)],
          reference(vocab, text + word),
          `${pad} ${word} at end`,
        );
      }
    }
  });

  test("truncates to maxTokens like encode", () => {
    const text = "a b. a, b! x ( xa ) ?";
    for (const max of [1, 2, 3, 7, 100]) {
      assert.deepEqual([...ids.ids(text, max)], reference(vocab, text, max), `maxTokens ${max}`);
    }
  });

  test("agrees with the string path on 2,000 random strings over the interesting alphabet", () => {
    const next = lcg(54321);
    for (let i = 0; i < 2000; i++) {
      const s = randomText(next, 24);
      const max = next() % 4 === 0 ? 1 + (next() % 6) : 0;
      assert.deepEqual([...ids.ids(s, max)], reference(vocab, s, max), JSON.stringify(s));
    }
  });

  test("agrees with the string path on 300 long random strings (many 32-byte blocks)", () => {
    const next = lcg(2468);
    for (let i = 0; i < 300; i++) {
      const s = randomText(
        next,
        200,
        next() % 2 === 0 ? LONG_WORD_ALPHABET : [...LONG_WORD_ALPHABET, ...TOKENIZER_ALPHABET],
      );
      const max = next() % 4 === 0 ? 1 + (next() % 60) : 0;
      assert.deepEqual([...ids.ids(s, max)], reference(vocab, s, max), JSON.stringify(s));
    }
  });

  test("agrees with the string path on 2,000 random ASCII strings (the fast scan)", () => {
    const next = lcg(9876);
    for (let i = 0; i < 2000; i++) {
      const s = randomText(next, 24, ASCII_ALPHABET);
      const max = next() % 4 === 0 ? 1 + (next() % 6) : 0;
      assert.deepEqual([...ids.ids(s, max)], reference(vocab, s, max), JSON.stringify(s));
    }
  });

  test("returns a view that the next call overwrites (callers use it at once)", () => {
    const first = ids.ids("a b");
    assert.deepEqual([...first], reference(vocab, "a b"));
    ids.ids("b a");
    assert.deepEqual([...first], reference(vocab, "b a"));
  });
});
