import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { buildAndEncode } from "./token-counter.ts";
import { PAD, UNK, Vocabulary } from "./vocab.ts";

const docs = [
  ["the", "movie", "was", "good"],
  ["the", "movie", "was", "bad"],
  ["the", "plot", "was", "thin", "the", "end"],
];

describe("Vocabulary", () => {
  test("puts <pad>, <unk> first, then tokens by frequency, ties by token", () => {
    const v = Vocabulary.build(docs, { minFreq: 1 });
    assert.deepEqual(v.tokens, [PAD, UNK, "the", "was", "movie", "bad", "end", "good", "plot", "thin"]);
    assert.equal(v.padIndex, 0);
    assert.equal(v.unkIndex, 1);
  });

  test("drops tokens seen fewer than minFreq times", () => {
    const v = Vocabulary.build(docs, { minFreq: 2 });
    assert.deepEqual(v.tokens, [PAD, UNK, "the", "was", "movie"]);
    assert.equal(v.indexOf("plot"), v.unkIndex);
  });

  test("defaults to minFreq 5", () => {
    const many = Array.from({ length: 5 }, () => ["often"]).concat([["rare"]]);
    const v = Vocabulary.build(many);
    assert.equal(v.minFreq, 5);
    assert.ok(v.has("often"));
    assert.ok(!v.has("rare"));
  });

  test("is the same whatever order the documents come in", () => {
    const a = Vocabulary.build(docs, { minFreq: 1 });
    const b = Vocabulary.build(
      [...docs].reverse().map((d) => [...d].reverse()),
      { minFreq: 1 },
    );
    assert.deepEqual(a.tokens, b.tokens);
  });

  test("caps the size with maxSize, keeping the most frequent", () => {
    const v = Vocabulary.build(docs, { minFreq: 1, maxSize: 4 });
    assert.deepEqual(v.tokens, [PAD, UNK, "the", "was"]);
  });

  test("encodes with <unk> for unknown tokens and truncates to maxLength", () => {
    const v = Vocabulary.build(docs, { minFreq: 2 });
    assert.deepEqual([...v.encode(["the", "unknown", "movie"])], [2, 1, 4]);
    assert.deepEqual([...v.encode(["the", "unknown", "movie"], 2)], [2, 1]);
  });

  test("encodePadded pads with <pad> or truncates to exactly the length", () => {
    const v = Vocabulary.build(docs, { minFreq: 2 });
    assert.deepEqual([...v.encodePadded(["the", "movie"], 4)], [2, 4, 0, 0]);
    assert.deepEqual([...v.encodePadded(["the", "movie", "was"], 2)], [2, 4]);
  });

  test("buildAndEncode gives the same vocabulary and encodings as build + encode", () => {
    for (const minFreq of [1, 2]) {
      const { vocabulary, encoded } = buildAndEncode(docs, { minFreq });
      const v = Vocabulary.build(docs, { minFreq });
      assert.deepEqual(vocabulary.tokens, v.tokens);
      assert.deepEqual(
        encoded.map((e) => [...e]),
        docs.map((d) => [...v.encode(d)]),
      );
    }
  });

  test("round-trips through JSON", () => {
    const v = Vocabulary.build(docs, { minFreq: 1 });
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    assert.ok(back.ok);
    assert.deepEqual(back.value.tokens, v.tokens);
    assert.equal(back.value.minFreq, 1);
    assert.equal(back.value.indexOf("movie"), v.indexOf("movie"));
  });

  test("refuses malformed JSON with a reason", () => {
    const bad = [
      { format: "vocabulary/v1", minFreq: 1, specials: [PAD, UNK], tokens: ["x", UNK] },
      { format: "vocabulary/v1", minFreq: 1, specials: [PAD, UNK], tokens: [PAD, UNK, "a", "a"] },
      { format: "vocabulary/v2", minFreq: 1, specials: [PAD, UNK], tokens: [PAD, UNK] },
      "not an object",
    ];
    for (const json of bad) {
      const r = Vocabulary.fromJSON(json);
      assert.ok(!r.ok, JSON.stringify(json));
      assert.equal(r.error.reason, "VocabularyInvalid");
    }
  });
});
