import assert from "node:assert/strict";
import { test } from "node:test";
import type { Tensor } from "@tensorflow/tfjs";
import { createLogger } from "../log.ts";
import { initTfjs } from "./init.ts";

test("SENTIMENT_TFJS_BACKEND forces a backend, and an Embedding trains on it", async () => {
  process.env["SENTIMENT_TFJS_BACKEND"] = "tfjs-cpu";
  const { tf, backend } = await initTfjs({ logger: createLogger({ component: "test", silent: true }) });
  assert.equal(backend, "tfjs-cpu");
  assert.equal(tf.getBackend(), "cpu");
  const table = tf.variable(tf.zeros([1000, 8]));
  const grad = tf.grad((t: Tensor) => tf.sum(tf.gather(t, tf.tensor1d([3, 3, 999], "int32"))))(table);
  assert.deepEqual(
    Array.from(await tf.sum(grad, 1).data()).filter((v) => v !== 0),
    [16, 8],
  );
});
