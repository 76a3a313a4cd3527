import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock, flush } from "../testing/fake-clock.ts";
import { exponentialBackoff } from "./rate-limiter.ts";
import { WorkQueue } from "./work-queue.ts";

const newQueue = (clock = new FakeClock()) => ({ clock, q: new WorkQueue({ clock }) });

/** Drains every key currently queued, marking each done. */
async function drain(q: WorkQueue): Promise<string[]> {
  const out: string[] = [];
  while (q.len() > 0) {
    const k = (await q.get())!;
    out.push(k);
    q.done(k);
  }
  return out;
}

describe("WorkQueue", () => {
  test("merges repeated adds of a waiting key into one", async () => {
    const { q } = newQueue();
    for (const k of ["a", "b", "a", "a", "c", "b"]) q.add(k);
    assert.deepEqual(await drain(q), ["a", "b", "c"]);
  });

  test("never hands out a key that is still being processed; requeues it at done", async () => {
    const { q } = newQueue();
    q.add("a");
    const first = await q.get();
    assert.equal(first, "a");
    q.add("a"); // event arrives while "a" is in flight
    assert.equal(q.len(), 0, "an in-flight key must not be queued again");
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await flush();
    assert.equal(second, undefined, "get must wait while the only key is in flight");
    q.done("a");
    await flush();
    assert.equal(second, "a", "the merged add is delivered after done");
  });

  test("several adds while in flight still give exactly one more round", async () => {
    const { q } = newQueue();
    q.add("a");
    await q.get();
    q.add("a");
    q.add("a");
    q.done("a");
    assert.deepEqual(await drain(q), ["a"]);
  });

  test("a waiting get receives the next add at once", async () => {
    const { q } = newQueue();
    const pending = q.get();
    q.add("x");
    assert.equal(await pending, "x");
  });

  test("addAfter delivers only after the delay, keeping the earliest time per key", async () => {
    const { clock, q } = newQueue();
    q.addAfter("a", 1000);
    q.addAfter("a", 5000); // later: ignored
    q.addAfter("b", 3000);
    q.addAfter("b", 2000); // earlier: replaces
    await clock.advance(999);
    assert.equal(q.len(), 0);
    await clock.advance(1);
    assert.deepEqual(await drain(q), ["a"]);
    await clock.advance(1000);
    assert.deepEqual(await drain(q), ["b"]);
    await clock.advance(10_000);
    assert.equal(q.len(), 0, "replaced and ignored delays must not fire");
    assert.equal(clock.pending, 0);
  });

  test("addAfter with no delay adds immediately", () => {
    const { q } = newQueue();
    q.addAfter("a", 0);
    assert.equal(q.len(), 1);
  });

  test("addRateLimited backs off exponentially per key until forget", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({
      clock,
      rateLimiter: exponentialBackoff({ baseDelayMs: 100, maxDelayMs: 1000 }),
    });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const start = clock.now();
      q.addRateLimited("a");
      while (q.len() === 0) await clock.advance(10);
      delays.push(clock.now() - start);
      await drain(q);
    }
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
    assert.equal(q.numRequeues("a"), 6);
    assert.equal(q.numRequeues("b"), 0, "backoff is per key");
    q.forget("a");
    assert.equal(q.numRequeues("a"), 0);
  });

  test("shutDown releases waiting getters and drops new and delayed adds", async () => {
    const { clock, q } = newQueue();
    const waiting = q.get();
    q.addAfter("late", 100);
    q.shutDown();
    assert.equal(await waiting, undefined);
    q.add("a");
    await clock.advance(1000);
    assert.equal(q.len(), 0);
    assert.equal(await q.get(), undefined);
    assert.equal(clock.pending, 0, "delayed adds are cancelled");
  });

  test("shutDownWithDrain waits for keys in flight", async () => {
    const { q } = newQueue();
    q.add("a");
    const k = (await q.get())!;
    let drained = false;
    const p = q.shutDownWithDrain().then(() => (drained = true));
    await flush();
    assert.equal(drained, false);
    q.done(k);
    await p;
    assert.equal(drained, true);
  });

  test("reports depth, adds, retries and wait time to its metrics", async () => {
    const clock = new FakeClock();
    const seen = { depth: [] as number[], added: 0, retried: 0, waited: [] as number[] };
    const q = new WorkQueue({
      clock,
      metrics: {
        depth: (d) => seen.depth.push(d),
        added: () => seen.added++,
        retried: () => seen.retried++,
        waited: (s) => seen.waited.push(s),
      },
    });
    q.add("a");
    q.add("a");
    q.add("b");
    await clock.advance(2000);
    await drain(q);
    q.addRateLimited("c");
    assert.equal(seen.added, 2);
    assert.equal(seen.retried, 1);
    assert.deepEqual(seen.depth, [1, 2, 1, 0]);
    assert.deepEqual(seen.waited, [2, 2]);
  });
});

describe("exponentialBackoff", () => {
  test("rejects a base above the cap with a readable message", () => {
    assert.throws(
      () => exponentialBackoff({ baseDelayMs: 10, maxDelayMs: 1 }),
      /baseDelayMs <= maxDelayMs; got 10 and 1/,
    );
  });

  test("caps at the maximum even after many failures", () => {
    const rl = exponentialBackoff({ baseDelayMs: 5, maxDelayMs: 60_000 });
    let last = 0;
    for (let i = 0; i < 2000; i++) last = rl.when("k");
    assert.equal(last, 60_000);
  });
});
