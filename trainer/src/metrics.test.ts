import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { evaluateProbabilities, rocAuc } from "./metrics.ts";

describe("evaluateProbabilities", () => {
  test("counts the confusion matrix at threshold 0.5 and derives the rates", () => {
    const m = evaluateProbabilities([1, 1, 1, 0, 0, 0], [0.9, 0.6, 0.4, 0.5, 0.2, 0.1]);
    assert.deepEqual(m.confusionMatrix, [
      [2, 1],
      [1, 2],
    ]);
    assert.equal(m.accuracy, 4 / 6);
    assert.equal(m.precision, 2 / 3);
    assert.equal(m.recall, 2 / 3);
    assert.ok(Math.abs(m.f1 - 2 / 3) < 1e-12);
    assert.equal(m.examples, 6);
    const expectedLoss =
      -(Math.log(0.9) + Math.log(0.6) + Math.log(0.4) + Math.log(0.5) + Math.log(0.8) + Math.log(0.9)) / 6;
    assert.ok(Math.abs(m.loss - expectedLoss) < 1e-12);
  });

  test("keeps the loss finite for confident mistakes", () => {
    const m = evaluateProbabilities([1, 0], [0, 1]);
    assert.ok(Number.isFinite(m.loss) && m.loss > 30);
    assert.equal(m.f1, 0);
  });
});

describe("rocAuc", () => {
  test("is 1 for a perfect ranking, 0 for a reversed one, 0.5 for ties", () => {
    assert.equal(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]), 1);
    assert.equal(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]), 0);
    assert.equal(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]), 0.5);
  });

  test("matches the pairwise definition", () => {
    const labels = [1, 0, 1, 1, 0, 0, 1, 0];
    const scores = [0.8, 0.3, 0.3, 0.6, 0.7, 0.1, 0.9, 0.3];
    let wins = 0;
    let pairs = 0;
    labels.forEach((a, i) =>
      labels.forEach((b, j) => {
        if (a === 1 && b === 0) {
          pairs++;
          wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        }
      }),
    );
    assert.equal(rocAuc(labels, scores), wins / pairs);
  });
});
