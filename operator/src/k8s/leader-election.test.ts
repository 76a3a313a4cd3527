import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock, flush } from "../testing/fake-clock.ts";
import { ApiError } from "./client.ts";
import { LeaderElector, type ElectionEnd } from "./leader-election.ts";
import type { LeaseRecord, LeaseStore, StoredLease } from "./lease-store.ts";

/** An in-memory Lease with the apiserver's optimistic concurrency. */
class MemoryLease implements LeaseStore {
  readonly description = "test/lease";
  lease: StoredLease | undefined;
  failing = false;
  #rv = 0;
  get() {
    return this.#answer(() => this.lease);
  }
  create(spec: LeaseRecord) {
    return this.#answer(() => {
      if (this.lease) throw new ApiError(409, "AlreadyExists", "exists");
      return (this.lease = { spec, resourceVersion: String(++this.#rv) });
    });
  }
  update(spec: LeaseRecord, resourceVersion: string) {
    return this.#answer(() => {
      if (this.lease?.resourceVersion !== resourceVersion) throw new ApiError(409, "Conflict", "stale");
      return (this.lease = { spec, resourceVersion: String(++this.#rv) });
    });
  }
  /** Answers asynchronously, as the apiserver would. */
  #answer<T>(fn: () => T): Promise<T> {
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          if (this.failing) throw new ApiError(0, "Unreachable", "apiserver down");
          resolve(fn());
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
  }
}

function candidate(store: LeaseStore, clock: FakeClock, identity: string) {
  const elector = new LeaderElector({ store, clock, identity });
  const stop = new AbortController();
  const state = { leading: false, started: 0, stopped: 0, end: undefined as ElectionEnd | undefined };
  const done = elector
    .run(stop.signal, {
      onStartedLeading: () => {
        state.leading = true;
        state.started++;
      },
      onStoppedLeading: () => {
        state.leading = false;
        state.stopped++;
      },
    })
    .then((e) => (state.end = e));
  return { elector, stop, state, done };
}

describe("LeaderElector", () => {
  test("a lone candidate creates the lease, leads and keeps renewing", async () => {
    const clock = new FakeClock();
    const store = new MemoryLease();
    const a = candidate(store, clock, "a");
    await flush();
    assert.equal(a.state.leading, true);
    assert.equal(store.lease?.spec.holderIdentity, "a");
    const firstRenew = store.lease?.spec.renewTime;
    await clock.advance(2_000);
    assert.notEqual(store.lease?.spec.renewTime, firstRenew, "the leader renews every retry period");
    assert.match(
      store.lease.spec.renewTime ?? "",
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/,
      "MicroTime format",
    );
    a.stop.abort();
    await a.done;
    assert.equal(a.state.end, "stopped");
  });

  test("of two candidates one leads; after it releases, the other takes over within a retry period", async () => {
    const clock = new FakeClock();
    const store = new MemoryLease();
    const a = candidate(store, clock, "a");
    await flush();
    const b = candidate(store, clock, "b");
    await clock.advance(30_000);
    assert.equal(a.state.leading, true);
    assert.equal(b.state.leading, false, "the lease is renewed, so b must wait");
    assert.equal(b.elector.observedLeader, "a");
    a.stop.abort();
    await a.done;
    await a.elector.release();
    assert.equal(store.lease?.spec.holderIdentity, "");
    await clock.advance(2_500);
    assert.equal(b.state.leading, true);
    assert.equal(store.lease?.spec.leaseTransitions, 1);
    b.stop.abort();
    await b.done;
  });

  test("a crashed leader's lease is taken only after the lease duration", async () => {
    const clock = new FakeClock();
    const store = new MemoryLease();
    const a = candidate(store, clock, "a");
    await flush();
    a.stop.abort(); // stops renewing, does NOT release: a crash
    await a.done;
    const b = candidate(store, clock, "b");
    await clock.advance(14_000);
    assert.equal(b.state.leading, false, "15 s lease not yet expired as b observed it");
    await clock.advance(4_000);
    assert.equal(b.state.leading, true);
    b.stop.abort();
    await b.done;
  });

  test("a leader that cannot renew steps down after the renew deadline", async () => {
    const clock = new FakeClock();
    const store = new MemoryLease();
    const a = candidate(store, clock, "a");
    await flush();
    store.failing = true;
    await clock.advance(8_000);
    assert.equal(a.state.leading, true, "still inside the renew deadline");
    await clock.advance(4_000);
    await a.done;
    assert.equal(a.state.end, "lost");
    assert.equal(a.state.stopped, 1);
    assert.equal(a.elector.isLeader, false);
  });

  test("rejects timings where the renew deadline is not below the lease duration", () => {
    assert.throws(
      () =>
        new LeaderElector({
          store: new MemoryLease(),
          identity: "x",
          leaseDurationMs: 10_000,
          renewDeadlineMs: 10_000,
        }),
      /leaseDuration > renewDeadline > retryPeriod > 0; got 10000, 10000, 2000 ms/,
    );
  });
});
