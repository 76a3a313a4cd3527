import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { BasicEnglishIds } from "./basic-english-ids.ts";
import { basicEnglish } from "./tokenizer.ts";
import { Vocabulary } from "./vocab.ts";
import { lcg, randomText } from "./random-text.ts";

/** The composition the fused scan must equal: tokenize to strings, then look each one up. */
function reference(vocab: Vocabulary, text: string, maxTokens = 0): number[] {
  return [...vocab.encode(basicEnglish(text), maxTokens > 0 ? maxTokens : undefined)];
}

const vocab = Vocabulary.build(
  [
    ["a", "a", "b", "'", ".", ",", "(", ")", "!", "?", "é", "ab", "ba", "x", "xa", "a<br", "/>", "r", "<b"],
    ["a", "b", "'", ".", ",", "(", ")", "!", "?", "é", "ab", "ba", "x", "xa", "a<br", "/>", "r", "<b"],
  ],
  { minFreq: 1 },
);

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

  test("returns a view that the next call overwrites (callers use it at once)", () => {
    const first = ids.ids("a b");
    assert.deepEqual([...first], reference(vocab, "a b"));
    ids.ids("b a");
    assert.deepEqual([...first], reference(vocab, "b a"));
  });
});
