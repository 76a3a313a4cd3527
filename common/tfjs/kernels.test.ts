/**
 * The kernel fixes against tfjs's own cpu kernels. Reference values are computed on the cpu
 * backend BEFORE any fix is installed; then the fixed wasm and cpu kernels must reproduce them,
 * outputs and gradients alike.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { installKernelFixes } from "./kernel-fixes.ts";
import { segmentSumInto } from "./segment-sum.ts";
import { sliceInto } from "./slice.ts";

type Case = () => tf.Tensor | tf.Tensor[];

const seeded = (shape: number[], seed: number): tf.Tensor => tf.randomUniform(shape, -1, 1, "float32", seed);

/** Each case builds its inputs from seeds, so every backend sees the same numbers. */
const cases: Record<string, Case> = {
  "gather gradient (UnsortedSegmentSum), repeated rows": () =>
    tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(tf.gather(x, tf.tensor1d([0, 3, 3, 49, 7, 3], "int32")), seeded([6, 4], 2))),
    )(seeded([50, 4], 1)),
  "gather gradient of a 2-D index batch (an Embedding)": () =>
    tf.grad((x: tf.Tensor) =>
      tf.sum(
        tf.mul(
          tf.gather(
            x,
            tf.tensor2d(
              [
                [1, 2, 0],
                [2, 2, 9],
              ],
              [2, 3],
              "int32",
            ),
          ),
          seeded([2, 3, 5], 4),
        ),
      ),
    )(seeded([10, 5], 3)),
  "unsortedSegmentSum with a dropped segment id": () =>
    tf.unsortedSegmentSum(seeded([5, 3], 5), tf.tensor1d([2, 0, 2, 1, 0], "int32"), 4),
  "matMul transposeA": () => tf.matMul(seeded([4, 3], 6), seeded([4, 5], 7), true, false),
  "matMul transposeB": () => tf.matMul(seeded([3, 4], 8), seeded([5, 4], 9), false, true),
  "matMul transposeA and transposeB": () => tf.matMul(seeded([4, 3], 10), seeded([5, 4], 11), true, true),
  "batched matMul": () => tf.matMul(seeded([2, 3, 4], 12), seeded([2, 4, 5], 13)),
  "batched matMul, transposed, broadcast over a batch of 1": () =>
    tf.matMul(seeded([1, 4, 3], 14), seeded([3, 5, 4], 15), true, true),
  "batched matMul with two outer dims": () => tf.matMul(seeded([2, 2, 3, 4], 16), seeded([2, 2, 4, 3], 17)),
  "matMul gradients, all transpose flags": () =>
    [false, true].flatMap((ta) =>
      [false, true].flatMap((tb) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.matMul(a, b, ta, tb), seeded([2, 3, 5], 20))),
        )([seeded(ta ? [2, 4, 3] : [2, 3, 4], 18), seeded(tb ? [2, 5, 4] : [2, 4, 5], 19)]),
      ),
    ),
  "slice of inner dims": () => tf.slice(seeded([3, 4, 5], 21), [1, 1, 2], [2, 2, 3]),
  "slice of whole trailing dims": () => tf.slice(seeded([3, 4, 5], 22), [1, 0, 0], [2, -1, -1]),
  "slice of a middle dim": () => tf.slice(seeded([3, 4, 5], 23), [0, 2, 0], [-1, 1, -1]),
  "unstack along each axis": () => [0, 1, 2].flatMap((axis) => tf.unstack(seeded([2, 3, 4], 24), axis)),
  "split in equal and unequal parts": () => [
    ...tf.split(seeded([2, 6, 3], 25), 3, 1),
    ...tf.split(seeded([2, 6, 3], 25), [1, 2], 2),
  ],
  "int32 slice": () => tf.slice(tf.range(0, 24, 1, "int32").reshape([2, 3, 4]), [0, 1, 1], [2, 2, 2]),
};

async function runAll(): Promise<Map<string, { shape: number[]; values: number[] }[]>> {
  const out = new Map<string, { shape: number[]; values: number[] }[]>();
  for (const [name, run] of Object.entries(cases)) {
    const result = tf.tidy(run);
    const list = Array.isArray(result) ? result : [result];
    out.set(
      name,
      await Promise.all(list.map(async (t) => ({ shape: t.shape, values: Array.from(await t.data()) }))),
    );
    tf.dispose(list);
  }
  return out;
}

function assertClose(
  actual: Map<string, { shape: number[]; values: number[] }[]>,
  expected: typeof actual,
  backend: string,
): void {
  for (const [name, want] of expected) {
    const got = actual.get(name)!;
    assert.equal(got.length, want.length, `${backend} ${name}: number of outputs`);
    got.forEach((g, k) => {
      assert.deepEqual(g.shape, want[k]!.shape, `${backend} ${name} #${k}: shape`);
      g.values.forEach((v, i) =>
        assert.ok(
          Math.abs(v - want[k]!.values[i]!) <= 1e-5,
          `${backend} ${name} #${k}[${i}]: ${v} vs ${want[k]!.values[i]}`,
        ),
      );
    });
  }
}

describe("kernel fixes reproduce the cpu backend's own kernels", () => {
  let reference: Awaited<ReturnType<typeof runAll>>;
  before(async () => {
    tf.env().set("PROD", true);
    await tf.setBackend("cpu");
    reference = await runAll();
    installKernelFixes("cpu");
    installKernelFixes("wasm");
  });

  test("on wasm", async () => {
    assert.equal(await tf.setBackend("wasm"), true, "the wasm backend must initialise");
    assertClose(await runAll(), reference, "wasm");
  });

  test("on cpu", async () => {
    await tf.setBackend("cpu");
    assertClose(await runAll(), reference, "cpu");
  });

  test("free their temporaries", async () => {
    await tf.setBackend("wasm");
    await runAll();
    const before = tf.memory().numBytes;
    await runAll();
    assert.equal(tf.memory().numBytes, before);
  });

  test("installing twice changes nothing", () => {
    assert.deepEqual(installKernelFixes("wasm"), []);
  });
});

describe("segmentSumInto", () => {
  test("adds each row into its segment and drops out-of-range ids", () => {
    const out = new Float32Array(6);
    segmentSumInto([1, 2, 3, 4, 5, 6, 7, 8], [2, 0, 2, 5], 2, 3, out);
    assert.deepEqual(Array.from(out), [3, 4, 0, 0, 6, 8]);
  });
});

describe("sliceInto", () => {
  const naive = (shape: number[], begin: number[], size: number[]): number[] => {
    const out: number[] = [];
    const [, d1, d2] = shape as [number, number, number];
    for (let a = 0; a < size[0]!; a++)
      for (let b = 0; b < size[1]!; b++)
        for (let c = 0; c < size[2]!; c++)
          out.push((begin[0]! + a) * d1 * d2 + (begin[1]! + b) * d2 + begin[2]! + c);
    return out;
  };
  const table: [string, number[], number[]][] = [
    ["inner box", [1, 1, 2], [2, 2, 3]],
    ["whole trailing dims", [1, 0, 0], [1, 4, 5]],
    ["one element", [2, 3, 4], [1, 1, 1]],
    ["everything", [0, 0, 0], [3, 4, 5]],
    ["empty", [0, 0, 0], [0, 4, 5]],
  ];
  for (const [name, begin, size] of table) {
    test(name, () => {
      const x = Float32Array.from({ length: 60 }, (_, i) => i);
      const out = new Float32Array(size.reduce((a, b) => a * b, 1));
      sliceInto(x, [3, 4, 5], begin, size, out);
      assert.deepEqual(Array.from(out), naive([3, 4, 5], begin, size));
    });
  }
});
