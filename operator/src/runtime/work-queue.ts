import { realClock, type Cancel, type Clock } from "./clock.ts";
import { exponentialBackoff, type RateLimiter } from "./rate-limiter.ts";

/** Optional observers, so the queue stays free of any metrics library. */
export interface QueueMetrics {
  /** Keys waiting to be handed out (not counting delayed or in-flight keys). */
  depth?(depth: number): void;
  /** A key entered the queue (merged duplicates do not count). */
  added?(): void;
  /** A key was scheduled for a retry after a failure. */
  retried?(): void;
  /** Seconds a key waited between entering the queue and being handed out. */
  waited?(seconds: number): void;
}

export interface WorkQueueOptions {
  readonly clock?: Clock;
  /** @default exponentialBackoff() (5 ms doubling up to 5 minutes) */
  readonly rateLimiter?: RateLimiter;
  readonly metrics?: QueueMetrics;
}

/**
 * A work queue with client-go semantics (`workqueue.TypedRateLimitingInterface`):
 * - **merging**: adding a key that is already waiting does nothing, so a burst of events for one
 *   object becomes one reconcile;
 * - **exclusive**: a key handed out by `get` is not handed out again until `done`; if it was added
 *   meanwhile it is queued again at `done` (the dirty set), so no event is lost;
 * - **delays**: `addAfter` keeps only the earliest pending time per key; `addRateLimited` uses
 *   per-key exponential backoff that `forget` resets;
 * - **shutdown**: `get` then resolves `undefined`, new adds are dropped, and
 *   `shutDownWithDrain` waits for in-flight keys. Keys still queued are dropped: the controller
 *   is level-triggered, so the next leader's initial sync redoes them.
 */
export class WorkQueue {
  readonly #clock: Clock;
  readonly #limiter: RateLimiter;
  readonly #metrics: QueueMetrics;
  #queue: string[] = [];
  readonly #dirty = new Map<string, number>(); // key -> time it entered the queue
  readonly #processing = new Set<string>();
  readonly #waiting = new Map<string, { at: number; cancel: Cancel }>();
  #getters: ((key: string | undefined) => void)[] = [];
  #drained: (() => void)[] = [];
  #shuttingDown = false;

  constructor(opts: WorkQueueOptions = {}) {
    this.#clock = opts.clock ?? realClock;
    this.#limiter = opts.rateLimiter ?? exponentialBackoff();
    this.#metrics = opts.metrics ?? {};
  }

  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.set(key, this.#clock.now());
    this.#metrics.added?.();
    if (this.#processing.has(key)) return; // re-queued by done()
    this.#push(key);
  }

  /** Adds `key` after `delayMs`; of several pending delays for one key, the earliest wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = this.#clock.now() + delayMs;
    const pending = this.#waiting.get(key);
    if (pending && pending.at <= at) return;
    pending?.cancel();
    const cancel = this.#clock.after(delayMs, () => {
      this.#waiting.delete(key);
      this.add(key);
    });
    this.#waiting.set(key, { at, cancel });
  }

  /** Adds `key` after its backoff delay: call it when processing `key` failed. */
  addRateLimited(key: string): void {
    if (this.#shuttingDown) return;
    this.#metrics.retried?.();
    this.addAfter(key, this.#limiter.when(key));
  }

  /** Resets the backoff of `key`: call it when processing `key` succeeded. */
  forget(key: string): void {
    this.#limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.#limiter.numRequeues(key);
  }

  /** The next key to process, waiting for one; `undefined` once the queue shuts down. */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#queue.shift();
    if (key !== undefined) return Promise.resolve(this.#handOut(key));
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Marks `key` as processed; if it was added while in flight, it is queued again now. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key) && !this.#shuttingDown) this.#push(key);
    if (this.#processing.size === 0) this.#drained.splice(0).forEach((fn) => fn());
  }

  /** Keys waiting to be handed out. */
  len(): number {
    return this.#queue.length;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  shutDown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    for (const { cancel } of this.#waiting.values()) cancel();
    this.#waiting.clear();
    this.#queue = [];
    this.#metrics.depth?.(0);
    this.#getters.splice(0).forEach((resolve) => resolve(undefined));
  }

  /** Shuts down, then resolves once every key handed out has been marked `done`. */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.#processing.size === 0) return;
    await new Promise<void>((resolve) => this.#drained.push(resolve));
  }

  #push(key: string): void {
    const getter = this.#getters.shift();
    if (getter) return getter(this.#handOut(key));
    this.#queue.push(key);
    this.#metrics.depth?.(this.#queue.length);
  }

  #handOut(key: string): string {
    const since = this.#dirty.get(key) ?? this.#clock.now();
    this.#dirty.delete(key);
    this.#processing.add(key);
    this.#metrics.depth?.(this.#queue.length);
    this.#metrics.waited?.((this.#clock.now() - since) / 1000);
    return key;
  }
}
