import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Controller, type ControllerOptions, type ReconcileOutcome } from "./controller.ts";
import { FakeClock, flush } from "../testing/fake-clock.ts";
import { exponentialBackoff } from "./rate-limiter.ts";

function harness(overrides: Partial<ControllerOptions> & Pick<ControllerOptions, "reconcile">) {
  const clock = new FakeClock();
  const outcomes: ReconcileOutcome[] = [];
  const keys = new Set<string>(["ns/a", "ns/b"]);
  const c = new Controller({
    name: "test",
    clock,
    listKeys: () => keys,
    resyncPeriodMs: 0,
    rateLimiter: exponentialBackoff({ baseDelayMs: 100, maxDelayMs: 10_000 }),
    metrics: { reconciled: (o) => outcomes.push(o) },
    ...overrides,
  });
  return { c, clock, outcomes, keys };
}

describe("Controller", () => {
  test("reconciles every listed key once at start", async () => {
    const seen: string[] = [];
    const { c, outcomes } = harness({
      reconcile: (k) => {
        seen.push(k);
        return Promise.resolve(undefined);
      },
    });
    c.start();
    await flush();
    assert.deepEqual(seen.sort(), ["ns/a", "ns/b"]);
    assert.deepEqual(outcomes, ["success", "success"]);
    await c.stop();
  });

  test("retries a failing key with growing backoff, then forgets it on success", async () => {
    const times: number[] = [];
    let failuresLeft = 3;
    const { c, clock, keys, outcomes } = harness({
      reconcile: () => {
        times.push(clock.now());
        if (failuresLeft-- > 0)
          return Promise.reject(Object.assign(new Error("apiserver said no"), { reason: "Boom" }));
        return Promise.resolve(undefined);
      },
    });
    keys.clear();
    keys.add("ns/x");
    const t0 = clock.now();
    c.start();
    await clock.advance(10_000);
    assert.deepEqual(
      times.map((t) => t - t0),
      [0, 100, 300, 700],
    );
    assert.deepEqual(outcomes, ["error", "error", "error", "success"]);
    assert.equal(c.queue.numRequeues("ns/x"), 0, "success resets the backoff");
    await c.stop();
  });

  test("honours requeueAfterMs", async () => {
    const times: number[] = [];
    const { c, clock, keys } = harness({
      reconcile: () => {
        times.push(clock.now());
        return Promise.resolve({ requeueAfterMs: 30_000 });
      },
    });
    keys.delete("ns/b");
    const t0 = clock.now();
    c.start();
    await clock.advance(65_000);
    assert.deepEqual(
      times.map((t) => t - t0),
      [0, 30_000, 60_000],
    );
    await c.stop();
  });

  test("never runs one key on two workers at once, and merges events that arrive meanwhile", async () => {
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const gate = Promise.withResolvers<void>();
    const { c, keys } = harness({
      workers: 4,
      reconcile: async () => {
        calls++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        await gate.promise;
        running--;
        return undefined;
      },
    });
    keys.delete("ns/b");
    c.start();
    await flush();
    for (let i = 0; i < 10; i++) c.enqueue("ns/a");
    await flush();
    gate.resolve();
    await flush();
    assert.equal(maxRunning, 1);
    assert.equal(calls, 2, "ten events during one reconcile give exactly one more reconcile");
    await c.stop();
  });

  test("runs distinct keys in parallel up to the worker count", async () => {
    let running = 0;
    let maxRunning = 0;
    const gate = Promise.withResolvers<void>();
    const { c, keys } = harness({
      workers: 3,
      reconcile: async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await gate.promise;
        running--;
        return undefined;
      },
    });
    for (const k of ["ns/c", "ns/d", "ns/e"]) keys.add(k);
    c.start();
    await flush();
    assert.equal(maxRunning, 3);
    gate.resolve();
    await c.stop();
  });

  test("resync queues every key again each period", async () => {
    const seen: string[] = [];
    const { c, clock } = harness({
      resyncPeriodMs: 60_000,
      reconcile: (k) => {
        seen.push(k);
        return Promise.resolve(undefined);
      },
    });
    c.start();
    await clock.advance(120_000);
    assert.equal(seen.length, 6);
    await c.stop();
    assert.equal(clock.pending, 0, "stop cancels the resync timer");
  });

  test("stop waits for the reconcile in flight and takes no new keys", async () => {
    const gate = Promise.withResolvers<void>();
    let finished = false;
    let calls = 0;
    const { c, keys } = harness({
      workers: 1,
      reconcile: async () => {
        calls++;
        await gate.promise;
        finished = true;
        return undefined;
      },
    });
    keys.delete("ns/b");
    c.start();
    await flush();
    let stopped = false;
    const stopping = c.stop().then(() => (stopped = true));
    c.enqueue("ns/z");
    await flush();
    assert.equal(stopped, false);
    gate.resolve();
    await stopping;
    assert.equal(finished, true);
    assert.equal(calls, 1);
  });

  test("rejects a worker count below one", () => {
    assert.throws(
      () =>
        new Controller({
          name: "x",
          workers: 0,
          reconcile: () => Promise.resolve(undefined),
          listKeys: () => [],
        }),
      /needs at least 1 worker; got 0/,
    );
  });
});
