import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { BasicEnglishIds } from "./basic-english-ids.ts";
import { basicEnglish } from "./tokenizer.ts";
import { Vocabulary } from "./vocab.ts";
import { lcg, randomText, TOKENIZER_ALPHABET } from "./random-text.ts";

/** The composition the fused scan must equal: tokenize to strings, then look each one up. */
function reference(vocab: Vocabulary, text: string, maxTokens = 0): number[] {
  return [...vocab.encode(basicEnglish(text), maxTokens > 0 ? maxTokens : undefined)];
}

const vocab = Vocabulary.build(
  [
    ["a", "a", "b", "'", ".", ",", "(", ")", "!", "?", "é", "ab", "ba", "x", "xa", "a<br", "/>", "r", "<b"],
    ["a", "b", "'", ".", ",", "(", ")", "!", "?", "é", "ab", "ba", "x", "xa", "a<br", "/>", "r", "<b"],
    ["i", "k", "ka", "ß", "i̇x", "<", "<br", "b<br", "br", "a/>", "unforgettable", "wonderful"],
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

describe("BasicEnglishIds", () => {
  const ids = new BasicEnglishIds(vocab.tokens, vocab.unkIndex);

  test("equals vocabulary.encode(basicEnglish(text)) on hand-picked inputs", () => {
    for (const text of [
      "",
      "A b AB ba",
      "didn't",
      'a "b" c"d',
      'x<b"r />y',
      "one<br /><br />two<BR />",
      "wait... what?! (yes), a;b:c",
      "a\u0085b\u001fc a\ufeffb a\u00a0b \u3000x",
      "é É \ud83d\ude00 unknown <unk> <pad>",
    ]) {
      assert.deepEqual([...ids.ids(text)], reference(vocab, text), JSON.stringify(text));
    }
  });

  test("equals the string path on ASCII text (the fast scan): case, quotes, line breaks, long words", () => {
    for (const text of [
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
    ]) {
      assert.deepEqual([...ids.ids(text)], reference(vocab, text), JSON.stringify(text));
    }
  });

  test("falls back to the general scan on non-ASCII text, whose lowercasing can change length and letters", () => {
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
