import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { basicEnglish } from "../../../common/text/tokenizer.ts";
import { buildAndEncode } from "../../../common/text/token-counter.ts";
import { seededRandom } from "../random.ts";
import { encodeInParallel } from "./encode.ts";

describe("encodeInParallel", () => {
  test("gives the vocabulary and encodings of a single thread, with and without the worker", async () => {
    const random = seededRandom(3);
    const words = [
      "Great",
      "film",
      "boring",
      "plot",
      "didn't",
      "<br />",
      "!",
      "ok",
      "rare1",
      "rare2",
      "Hello,",
    ];
    const texts = Array.from({ length: 5000 }, () =>
      Array.from(
        { length: 1 + Math.floor(random() * 12) },
        () => words[Math.floor(random() * words.length)],
      ).join(" "),
    );
    texts.push("once-only-token at the end");
    const expected = buildAndEncode(texts.map(basicEnglish), { minFreq: 2 });
    for (const slice of [texts, texts.slice(0, 100)]) {
      const got = await encodeInParallel(slice, { minFreq: 2 });
      const want = slice === texts ? expected : buildAndEncode(slice.map(basicEnglish), { minFreq: 2 });
      assert.deepEqual(got.vocabulary.tokens, want.vocabulary.tokens);
      assert.deepEqual(
        got.encoded.map((e) => [...e]),
        want.encoded.map((e) => [...e]),
      );
    }
  });
});
