import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { NblrFeaturizer } from "../../../../common/models/nblr.ts";
import { packHi, packLo } from "../../../../common/models/ngram-table.ts";
import { basicEnglish } from "../../../../common/text/tokenizer.ts";
import { Vocabulary } from "../../../../common/text/vocab.ts";
import { buildAndEncode } from "../../../../common/text/token-counter.ts";
import { seededRandom } from "../../random.ts";
import { AdagradLogistic } from "./adagrad.ts";
import { buildNgramFeatures } from "./features.ts";
import { prepareFeatures, problem, sliceRows } from "./fit.ts";
import { nblrTrainer } from "./index.ts";
import { nbRatios } from "./nb.ts";
import type { LabeledText } from "../types.ts";

const ids = (...xs: number[]): Int32Array => Int32Array.from(xs);
const row = (rows: { rowPtr: Int32Array; cols: Int32Array }, i: number): number[] =>
  [...rows.cols.subarray(rows.rowPtr[i], rows.rowPtr[i + 1])].sort((a, b) => a - b);

describe("buildNgramFeatures", () => {
  test("keeps n-grams seen in at least minCount documents, most frequent first", () => {
    // tokens 0..4; bigram (2,3) in 3 docs, (3,4) in 2 docs, (4,2) in 1 doc.
    const docs = [ids(2, 3, 4), ids(2, 3), ids(3, 4, 2, 3)];
    const { table, rows } = buildNgramFeatures(docs, 5, 2, 2);
    assert.equal(table.size, 2);
    assert.equal(table.get(packHi(-1, 2), packLo(2, 3)), 0, "(2,3) is in three documents: first");
    assert.equal(table.get(packHi(-1, 3), packLo(3, 4)), 1);
    assert.equal(table.get(packHi(-1, 4), packLo(4, 2)), -1, "(4,2) is in one document: dropped");
    assert.deepEqual(row(rows, 0), [2, 3, 4, 5, 6]);
    assert.deepEqual(row(rows, 1), [2, 3, 5]);
    assert.deepEqual(row(rows, 2), [2, 3, 4, 5, 6], "features are binary: (2,3) twice counts once");
  });

  test("counts only the first countDocs documents but featurizes all", () => {
    const docs = [ids(1, 2), ids(1, 2), ids(3, 4), ids(3, 4), ids(1, 2)];
    const { table, rows } = buildNgramFeatures(docs, 5, 2, 2, undefined, 3);
    assert.equal(table.size, 1, "(3,4) is in only one counted document");
    assert.deepEqual(row(rows, 4), [1, 2, 5]);
    assert.deepEqual(row(rows, 3), [3, 4]);
  });

  test("the serving featurizer finds exactly the training features of every document", () => {
    const random = seededRandom(7);
    const texts = Array.from({ length: 300 }, () =>
      Array.from(
        { length: 5 + Math.floor(random() * 30) },
        () => ["good", "bad", "not", "very", "film", "plot", "!", "."][Math.floor(random() * 8)],
      ).join(" "),
    );
    const tokens = texts.map(basicEnglish);
    const prepared = prepareFeatures(buildAndEncode(tokens, { minFreq: 1 }), {
      ngramOrder: 3,
      minNgramCount: 2,
      minFreq: 1,
      nbAlpha: 1,
      epochs: 1,
      learningRate: 0.1,
      batchSize: 1,
      patience: 1,
    });
    tokens.forEach((t, i) => {
      const served: number[] = [];
      prepared.featurizer.forEachFeature(prepared.featurizer.vocabulary.encode(t), (f) => served.push(f));
      assert.deepEqual(
        served.sort((a, b) => a - b),
        row(prepared.rows, i),
      );
    });
  });
});

describe("nbRatios", () => {
  test("is positive for features of positive documents, negative for negative ones, 0 when balanced", () => {
    const rows = { rowPtr: ids(0, 2, 4), cols: ids(0, 2, 1, 2) };
    const r = nbRatios(rows, Uint8Array.from([1, 0]), 3, 1);
    assert.ok(r[0]! > 0 && r[1]! < 0);
    assert.ok(Math.abs(r[2]!) < 1e-12);
  });
});

describe("AdagradLogistic", () => {
  const texts = ["great film", "great fun", "awful film", "awful plot", "great plot", "awful fun"];
  const labels = Uint8Array.from([1, 1, 0, 0, 1, 0]);
  const vocab = Vocabulary.build(texts.map(basicEnglish), { minFreq: 1 });
  const featurizer = new NblrFeaturizer(vocab, buildNgramFeatures([], vocab.size, 1, 1).table, 1, 0);
  const { rows } = buildNgramFeatures(
    texts.map((t) => vocab.encode(basicEnglish(t))),
    vocab.size,
    1,
    1,
  );
  const p = problem({ featurizer, rows }, sliceRows(rows, 0, 6), labels, 1);

  test("the same seed gives the same weights; another seed another order", () => {
    const run = (seed: number, batchSize: number): Float64Array => {
      const o = new AdagradLogistic(vocab.size, { learningRate: 0.1, batchSize, seed });
      for (let e = 0; e < 3; e++) o.epoch(p);
      return o.params();
    };
    assert.deepEqual(run(1, 1), run(1, 1));
    assert.notDeepEqual(run(1, 1), run(2, 1));
    assert.deepEqual(run(1, 4), run(1, 4));
  });

  test("separates a separable problem, with minibatches too", () => {
    for (const batchSize of [1, 3]) {
      const o = new AdagradLogistic(vocab.size, { learningRate: 0.5, batchSize, seed: 3 });
      let loss = Infinity;
      for (let e = 0; e < 30; e++) loss = o.epoch(p);
      const w = o.params();
      assert.ok(loss < 0.2, `loss ${loss}`);
      assert.ok(
        w[vocab.indexOf("great")]! > 0 && w[vocab.indexOf("awful")]! > 0,
        "weights scale NB ratios of the right sign",
      );
    }
  });
});

describe("nblrTrainer", () => {
  test("trains, stops early on validation and refits; the model ranks unseen reviews", async () => {
    const pos = [
      "a great and moving film",
      "great acting, loved it",
      "wonderful story, great fun",
      "loved the plot, great cast",
    ];
    const neg = [
      "an awful and boring film",
      "awful acting, hated it",
      "terrible story, no fun",
      "hated the plot, awful cast",
    ];
    const make = (k: number): LabeledText[] =>
      [...pos, ...neg].map((text, i) => ({ text: `${text} ${k}`, label: i < 4 ? 1 : 0 }));
    const logged: string[] = [];
    const trained = await nblrTrainer.train(
      {
        train: [...make(1), ...make(2), ...make(3)],
        validation: make(4),
        epochs: 6,
        batchSize: undefined,
        learningRate: 0.1,
        seed: 1,
        minFreq: 1,
        maxLength: 256,
      },
      { progress: () => {}, log: (m) => logged.push(m) },
    );
    assert.ok(trained.history.length >= 1 && trained.history.length <= 6);
    assert.ok(
      trained.history.every((h) => h.validationLoss !== undefined && h.validationAccuracy !== undefined),
    );
    assert.ok(logged.includes("Refitted on train and validation"));
    assert.equal(trained.validationProbabilities?.length, 8);
    const [good, bad] = await trained.predictor.predictProba([
      "great film, loved it",
      "awful film, hated it",
    ]);
    assert.ok(good! > 0.5 && bad! < 0.5, `${good} ${bad}`);
    assert.equal(trained.backend, "plain-js");
  });
});
