import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { LabeledText } from "../models/types.ts";
import type { Dataset } from "./dataset.ts";
import { stratifiedSplit } from "./split.ts";
import { deriveSplits } from "./splits.ts";

const examples = (n: number): LabeledText[] =>
  Array.from({ length: n }, (_, i) => ({ text: `review ${i}`, label: i % 4 === 0 ? 1 : 0 }));
const positives = (xs: readonly LabeledText[]): number => xs.filter((e) => e.label === 1).length;

describe("stratifiedSplit", () => {
  test("holds out the fraction of each class, the same for the same seed", () => {
    const xs = examples(400); // 100 positive, 300 negative
    const a = stratifiedSplit(xs, 0.1, 42);
    assert.equal(a.validation.length, 40);
    assert.equal(positives(a.validation), 10);
    assert.equal(a.train.length + a.validation.length, 400);
    assert.deepEqual(stratifiedSplit(xs, 0.1, 42), a);
    assert.notDeepEqual(stratifiedSplit(xs, 0.1, 43).validation, a.validation);
    const ids = a.train.map((e) => Number(e.text.split(" ")[1]));
    assert.deepEqual(
      ids,
      [...ids].sort((x, y) => x - y),
      "each side keeps the input order",
    );
  });
});

describe("deriveSplits", () => {
  const settings = { seed: 42, validationSplit: 0.1, testSplit: 0.2 };

  test("uses the data's own test split when it has one", () => {
    const ds: Dataset = { source: "x", sha256: "s", train: examples(200), test: examples(50) };
    const s = deriveSplits(ds, settings);
    assert.equal(s.heldOutTest, false);
    assert.deepEqual(s.test, ds.test);
    assert.equal(s.train.length + s.validation.length, 200);
  });

  test("holds out a seeded test split for single-file data, disjoint from train and validation", () => {
    const ds: Dataset = { source: "x", sha256: "s", train: examples(500), test: undefined };
    const s = deriveSplits(ds, settings);
    assert.equal(s.heldOutTest, true);
    assert.equal(s.test.length, 100);
    const seen = new Set([...s.train, ...s.validation].map((e) => e.text));
    assert.ok(s.test.every((e) => !seen.has(e.text)));
    assert.deepEqual(deriveSplits(ds, settings), s, "evaluate finds the same test split");
  });

  test("limit and testLimit sample each part, stratified and seeded", () => {
    const ds: Dataset = { source: "x", sha256: "s", train: examples(1000), test: examples(1000) };
    const s = deriveSplits(ds, { ...settings, limit: 200 });
    assert.equal(s.train.length + s.validation.length, 200);
    assert.equal(s.test.length, 200, "testLimit defaults to limit");
    assert.equal(positives(s.test), 50);
    assert.equal(deriveSplits(ds, { ...settings, limit: 200, testLimit: 80 }).test.length, 80);
  });
});
