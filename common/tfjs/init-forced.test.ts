import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../log.ts";
import { initTfjs } from "./init.ts";

test("SENTIMENT_TFJS_BACKEND forces a backend, and the cpu backend gets the linear segment sum", async () => {
  process.env["SENTIMENT_TFJS_BACKEND"] = "tfjs-cpu";
  const { tf, backend } = await initTfjs({ logger: createLogger({ component: "test", silent: true }) });
  assert.equal(backend, "tfjs-cpu");
  assert.equal(tf.getBackend(), "cpu");
  // An Embedding-sized gather gradient: the cpu backend's own kernel is O(rows × indices).
  const table = tf.variable(tf.zeros([200_000, 8]));
  const started = performance.now();
  const grad = tf.grad((t: import("@tensorflow/tfjs").Tensor) => tf.sum(tf.gather(t, tf.range(0, 20_000, 1, "int32"))))(table);
  assert.equal((await tf.sum(grad).data())[0], 20_000 * 8);
  assert.ok(performance.now() - started < 5_000, "the gather gradient took over 5 s");
});
