import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { createMicroBatcher } from "./micro-batcher.ts";

/** Records the batches `run` receives; answers each item with its length. */
function recorder(fail?: (batch: readonly string[]) => Error | undefined) {
  const batches: string[][] = [];
  const run = async (batch: readonly string[]) => {
    batches.push([...batch]);
    await sleep(1);
    const e = fail?.(batch);
    if (e) throw e;
    return batch.map((s) => s.length);
  };
  return { batches, run };
}

describe("micro-batcher", () => {
  test("items submitted in the same turn share one call and each gets its own result", async () => {
    const r = recorder();
    const b = createMicroBatcher({ waitMs: 0, maxBatch: 10, run: r.run });
    const results = await Promise.all(["a", "bb", "ccc"].map((s) => b.submit(s)));
    assert.deepEqual(results, [1, 2, 3]);
    assert.deepEqual(r.batches, [["a", "bb", "ccc"]]);
  });

  test("a full batch flushes at once and the rest goes in the next", async () => {
    const r = recorder();
    const b = createMicroBatcher({ waitMs: 1000, maxBatch: 2, run: r.run });
    const started = performance.now();
    const results = await Promise.all(["a", "bb", "ccc", "dddd"].map((s) => b.submit(s)));
    assert.deepEqual(results, [1, 2, 3, 4]);
    assert.deepEqual(r.batches, [
      ["a", "bb"],
      ["ccc", "dddd"],
    ]);
    assert.ok(performance.now() - started < 900, "full batches must not wait for the window");
  });

  test("a timed window gathers items submitted a little apart", async () => {
    const r = recorder();
    const b = createMicroBatcher({ waitMs: 30, maxBatch: 10, run: r.run });
    const first = b.submit("a");
    await sleep(5);
    const second = b.submit("bb");
    assert.deepEqual(await Promise.all([first, second]), [1, 2]);
    assert.deepEqual(r.batches, [["a", "bb"]]);
  });

  test("with one call in flight, what arrives meanwhile waits and goes as the next batch", async () => {
    const r = recorder();
    const b = createMicroBatcher({ waitMs: 0, maxBatch: 3, maxInFlight: 1, run: r.run });
    const first = b.submit("a");
    await sleep(0); // the first batch has started and is running
    const rest = ["b", "cc", "d", "eee", "ff"].map((s) => b.submit(s));
    assert.deepEqual(await Promise.all([first, ...rest]), [1, 1, 2, 1, 3, 2]);
    assert.deepEqual(r.batches, [["a"], ["b", "cc", "d"], ["eee", "ff"]]);
  });

  test("the next batch starts before the results of the finished one are delivered", async () => {
    const order: string[] = [];
    const b = createMicroBatcher({
      waitMs: 0,
      maxBatch: 10,
      maxInFlight: 1,
      run: async (batch: readonly string[]) => {
        order.push(`run ${batch.join(",")}`);
        await sleep(1);
        return batch;
      },
    });
    const first = b.submit("a").then((v) => order.push(`got ${v}`));
    await sleep(0);
    const second = b.submit("b").then((v) => order.push(`got ${v}`));
    await Promise.all([first, second]);
    assert.deepEqual(order, ["run a", "run b", "got a", "got b"]);
  });

  test("a failing call fails every item of its batch and not the next batch", async () => {
    const r = recorder((batch) => (batch.includes("bad") ? new Error("boom") : undefined));
    const b = createMicroBatcher({ waitMs: 0, maxBatch: 10, run: r.run });
    const settled = await Promise.allSettled([b.submit("ok"), b.submit("bad")]);
    assert.deepEqual(
      settled.map((s) => s.status),
      ["rejected", "rejected"],
    );
    assert.equal(await b.submit("fine"), 4);
  });

  test("a call returning the wrong number of results fails its items", async () => {
    const b = createMicroBatcher({ waitMs: 0, maxBatch: 10, run: () => Promise.resolve([1]) });
    const settled = await Promise.allSettled([b.submit("a"), b.submit("b")]);
    assert.ok(settled.every((s) => s.status === "rejected" && /returned 1 results/.test(String(s.reason))));
  });

  test("invalid options are refused", () => {
    assert.throws(
      () => createMicroBatcher({ waitMs: 0, maxBatch: 0, run: () => Promise.resolve([]) }),
      /maxBatch/,
    );
    assert.throws(
      () => createMicroBatcher({ waitMs: -1, maxBatch: 1, run: () => Promise.resolve([]) }),
      /waitMs/,
    );
    assert.throws(
      () => createMicroBatcher({ waitMs: 0, maxBatch: 1, maxInFlight: 0, run: () => Promise.resolve([]) }),
      /maxInFlight/,
    );
  });
});
