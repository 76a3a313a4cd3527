import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { trainedModel } from "../../model-server/src/testing/trained-model.ts";
import { Vocabulary } from "../text/vocab.ts";
import { loadNblrPredictor, NblrFeaturizer, NblrModel } from "./nblr.ts";
import { NgramTable, packHi, packLo } from "./ngram-table.ts";

/** Real IMDB data; fails (not skips) with what to set when it is missing. */
function requireImdb(): void {
  const path = process.env["SENTIMENT_IMDB_PATH"];
  assert.ok(
    path !== undefined && path !== "",
    "SENTIMENT_IMDB_PATH is not set: point it at aclImdb_v1_labeled.tar.gz to run the nblr inference parity test.",
  );
}

describe("nblr fast inference", () => {
  test("gives bit-identical logits and probabilities to the straightforward path on real IMDB reviews", async () => {
    requireImdb();
    const { dir, samples } = await trainedModel("a");
    const model = await loadNblrPredictor(dir);
    assert.ok(samples.length >= 300, `expected a few hundred reviews, got ${samples.length}`);
    const fast = await model.predictProba(samples);
    // each review twice and in batches, so per-review state (stamps, scratch buffers) cannot leak
    const again = await model.predictProba([...samples].reverse());
    for (let i = 0; i < samples.length; i++) {
      const reference = model.referenceScore(samples[i]!);
      assert.equal(model.score(samples[i]!), reference, `logit of review ${i}`);
      assert.equal(fast[i], 1 / (1 + Math.exp(-reference)), `probability of review ${i}`);
      assert.equal(again[samples.length - 1 - i], fast[i], `repeat of review ${i}`);
    }
  });

  test("matches the reference on edge cases: empty text, one token, repeats, unknown words, markup", async () => {
    requireImdb();
    const model = await loadNblrPredictor((await trainedModel("a")).dir);
    const texts = [
      "",
      "   ",
      "good",
      "good good good good",
      "not good not good. not good!",
      "zzqxunknownword another-unknown-word <unk> <pad>",
      'A "great" film<br /><br />Truly<BR />GREAT.',
      "x<b\"r />y didn't (really) work?!",
      "Café naïve \u00a0 tabs\tand\nnewlines \ud83d\ude00 emoji",
    ];
    for (const t of texts) assert.equal(model.score(t), model.referenceScore(t), JSON.stringify(t));
  });
});

describe("NblrScorer on hand-built models", () => {
  /** A model over tokens a..e whose n-gram table is `ngrams` (token index triples; -1 = bigram). */
  function model(ngrams: readonly (readonly [number, number, number])[]): NblrModel {
    const vocab = Vocabulary.build([["a", "b", "c", "d", "e"]], { minFreq: 1 });
    const table = new NgramTable();
    for (const [a, b, c] of ngrams) table.insert(packHi(a, b), packLo(b, c));
    const featurizer = new NblrFeaturizer(vocab, table, 3, 0);
    const weights = Float32Array.from({ length: featurizer.featureCount }, (_, i) => Math.sin(i + 1) / 3);
    return new NblrModel(featurizer, weights, 0.1);
  }
  const [a, b, c, d, e] = [2, 3, 4, 5, 6];
  const texts = ["a b c d", "a b c a b c d", "d c b a b c", "a x b c", "a b c d e a b", "c"];

  test("finds trigrams whose bigrams are not features (artifacts not written by this trainer)", () => {
    const m = model([
      [-1, a, b],
      [a, b, c],
      [b, c, d],
      [-1, c, d],
    ]);
    for (const t of texts) assert.equal(m.score(t), m.referenceScore(t), t);
    assert.notEqual(m.score("a b c d"), m.score("a b"), "the trigram (b, c, d) contributes");
  });

  test("matches the reference when every trigram's bigrams are features", () => {
    const m = model([
      [-1, a, b],
      [-1, b, c],
      [-1, c, d],
      [a, b, c],
      [b, c, d],
    ]);
    for (const t of texts) assert.equal(m.score(t), m.referenceScore(t), t);
  });

  test("probes a trigram only where its first bigram begins and its second ends a trigram, counted or not", () => {
    // (a, b) begins only (a, b, c); (b, d) ends only (c, b, d); (d, e) begins and ends nothing
    const m = model([
      [-1, a, b],
      [-1, b, c],
      [-1, b, d],
      [-1, c, b],
      [-1, d, e],
      [a, b, c],
      [c, b, d],
    ]);
    for (const t of [
      "a b c",
      "a b d",
      "c b c",
      "c b d e",
      "a b d a b c", // (a, b) already counted when the trigram (a, b, c) first occurs
      "a b c a b c c b d c b d",
      "d e d e a b c",
    ])
      assert.equal(m.score(t), m.referenceScore(t), t);
    assert.notEqual(
      m.score("a b d a b c"),
      m.score("a b d a b"),
      "the trigram (a, b, c) after a counted (a, b)",
    );
    assert.notEqual(m.score("c b d"), m.score("c b"), "the trigram (c, b, d) contributes");
  });
});
