import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type * as tfType from "@tensorflow/tfjs";
import { createLogger } from "../log.ts";
import { initTfjs } from "../tfjs/init.ts";
import { bilstmFused, bilstmPlain, type BilstmWeights } from "./bilstm-ops.ts";

let tf: typeof tfType;
const B = 3;
const T = 5;
const IN = 4;
const H = 3;
/** Row 0 full, row 1 right-padded, row 2 left-padded: every masking path. */
const MASK = [
  [1, 1, 1, 1, 1],
  [1, 1, 1, 0, 0],
  [0, 0, 1, 1, 0],
];

function maxAbsDiff(a: tfType.Tensor, b: tfType.Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

function weights(seed: number): BilstmWeights {
  return {
    kernel: tf.randomUniform([IN, 8 * H], -0.5, 0.5, "float32", seed),
    recurrent: tf.randomUniform([2, H, 4 * H], -0.5, 0.5, "float32", seed + 1),
    bias: tf.randomUniform([8 * H], -0.5, 0.5, "float32", seed + 2),
  };
}

describe("bilstm ops", () => {
  before(async () => {
    ({ tf } = await initTfjs({ logger: createLogger({ component: "test", silent: true }) }));
  });

  for (const returnSequences of [true, false]) {
    test(`the fused BPTT gradients equal autodiff through plain ops (returnSequences=${returnSequences})`, () => {
      const x = tf.randomNormal([B, T, IN], 0, 1, "float32", 1);
      const mask = tf.tensor2d(MASK);
      const w = weights(2);
      const outShape = returnSequences ? [B, T, 2 * H] : [B, 2 * H];
      const probe = tf.randomNormal(outShape, 0, 1, "float32", 5);
      const loss =
        (impl: typeof bilstmPlain) =>
        (...[xx, kernel, recurrent, bias]: tfType.Tensor[]): tfType.Tensor =>
          tf.sum(
            tf.mul(
              impl(xx!, mask, { kernel: kernel!, recurrent: recurrent!, bias: bias! }, returnSequences),
              probe,
            ),
          );
      const inputs = [x, w.kernel, w.recurrent, w.bias];
      const want = tf.grads(loss(bilstmPlain))(inputs);
      const got = tf.grads(loss(bilstmFused))(inputs);
      assert.ok(
        maxAbsDiff(bilstmFused(x, mask, w, returnSequences), bilstmPlain(x, mask, w, returnSequences)) < 1e-6,
      );
      ["x", "kernel", "recurrent", "bias"].forEach((name, i) => {
        assert.ok(
          tf.tidy(() => tf.max(tf.abs(want[i]!)).dataSync()[0]!) > 1e-3,
          `the ${name} gradient is not trivially zero`,
        );
        assert.ok(maxAbsDiff(got[i]!, want[i]!) < 1e-5, `${name} gradient`);
      });
    });
  }

  for (const returnSequences of [true, false]) {
    test(`matches tfjs-layers' Bidirectional(LSTM) with sigmoid gates and masking (returnSequences=${returnSequences})`, () => {
      const mask = tf.tensor2d(MASK.slice(0, 2)); // tfjs masking needs zero rows; right padding only
      const x = tf.mul(tf.randomNormal([2, T, IN], 0, 1, "float32", 7), tf.expandDims(mask, 2));
      const input = tf.input({ shape: [T, IN] });
      const lstm = tf.layers.lstm({ units: H, recurrentActivation: "sigmoid", returnSequences });
      const bidirectional = tf.layers.bidirectional({ layer: lstm, mergeMode: "concat" });
      const output = bidirectional.apply(
        tf.layers.masking({ maskValue: 0 }).apply(input),
      ) as tfType.SymbolicTensor;
      const reference = tf.model({ inputs: input, outputs: output });
      const [kf, rf, bf, kb, rb, bb] = bidirectional.getWeights();
      // Keras orders gates i, f, c, o; ours i, f, o, c.
      const reorder = (t: tfType.Tensor): tfType.Tensor => {
        const [i, f, c, o] = tf.split(t, 4, -1);
        return tf.concat([i!, f!, o!, c!], -1);
      };
      const w = {
        kernel: tf.concat([reorder(kf!), reorder(kb!)], 1),
        recurrent: tf.stack([reorder(rf!), reorder(rb!)]),
        bias: tf.concat([reorder(bf!), reorder(bb!)]),
      };
      const want = reference.predict(x) as tfType.Tensor;
      assert.ok(maxAbsDiff(bilstmPlain(x, mask, w, returnSequences), want) < 1e-5);
    });
  }

  test("padding changes nothing: a padded review gives the unpadded review's outputs (packed semantics)", () => {
    const w = weights(9);
    const alone = tf.randomNormal([1, 3, IN], 0, 1, "float32", 10);
    const padded = tf.concat([alone, tf.randomNormal([1, 2, IN], 0, 1, "float32", 11)], 1); // junk after the end
    const mask = tf.tensor2d([[1, 1, 1, 0, 0]]);
    const finalAlone = bilstmPlain(alone, tf.ones([1, 3]), w, false);
    assert.ok(maxAbsDiff(bilstmFused(padded, mask, w, false), finalAlone) < 1e-6);
    const sequenceAlone = bilstmPlain(alone, tf.ones([1, 3]), w, true);
    const sequencePadded = tf.slice(bilstmPlain(padded, mask, w, true), [0, 0, 0], [1, 3, -1]);
    assert.ok(maxAbsDiff(sequencePadded, sequenceAlone) < 1e-6);
  });

  test("a forward and backward pass leaves no tensor behind", () => {
    const x = tf.randomNormal([B, T, IN]);
    const mask = tf.tensor2d(MASK);
    const w = weights(12);
    const step = (): void => {
      const grads = tf.grads((xx: tfType.Tensor, k: tfType.Tensor) =>
        tf.sum(bilstmFused(xx, mask, { ...w, kernel: k }, true)),
      )([x, w.kernel]);
      tf.dispose(grads);
      tf.dispose(bilstmPlain(x, mask, w, false));
    };
    step();
    const before = tf.memory().numTensors;
    step();
    assert.equal(tf.memory().numTensors, before);
  });
});
