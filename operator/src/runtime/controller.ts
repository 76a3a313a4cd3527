import type { Logger } from "../../../common/log.ts";
import { realClock, type Cancel, type Clock } from "./clock.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import { WorkQueue, type QueueMetrics } from "./work-queue.ts";

/** What a reconcile asks of the loop besides "done": look again after a delay. */
export interface ReconcileResult {
  readonly requeueAfterMs?: number;
}

/**
 * Brings the object named by `key` ("namespace/name") to its desired state. Level-triggered: it
 * never learns which event caused the call. A thrown error retries the key with backoff.
 */
export type Reconcile = (key: string) => Promise<ReconcileResult | undefined>;

export type ReconcileOutcome = "success" | "requeue_after" | "error";

export interface ControllerMetrics extends QueueMetrics {
  reconciled?(outcome: ReconcileOutcome, seconds: number): void;
}

export interface ControllerOptions {
  /** Names the controller in logs and metrics, e.g. "sentimentmodel". */
  readonly name: string;
  readonly reconcile: Reconcile;
  /** Every key the controller owns, for the periodic resync (read from the informer cache). */
  readonly listKeys: () => Iterable<string>;
  /** Concurrent reconciles; one key is never reconciled twice at once. @default 2 */
  readonly workers?: number;
  /** Every period, every key is queued again; 0 disables. @default 600000 (10 minutes) */
  readonly resyncPeriodMs?: number;
  readonly clock?: Clock;
  readonly rateLimiter?: RateLimiter;
  readonly metrics?: ControllerMetrics;
  readonly logger?: Logger;
}

/**
 * The controller loop (controller-runtime's `Controller`): informer handlers `enqueue` keys, N
 * workers take keys from a client-go style work queue and call `reconcile`. Success forgets the
 * key's backoff (and honours `requeueAfterMs`); an error re-adds it rate-limited.
 */
export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #opts: ControllerOptions;
  readonly #clock: Clock;
  #workers: Promise<void>[] = [];
  #cancelResync: Cancel | undefined;
  #started = false;

  constructor(opts: ControllerOptions) {
    const workers = opts.workers ?? 2;
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(`Controller ${opts.name} needs at least 1 worker; got ${workers}.`);
    }
    this.name = opts.name;
    this.#opts = { ...opts, workers };
    this.#clock = opts.clock ?? realClock;
    this.queue = new WorkQueue({
      clock: this.#clock,
      ...(opts.rateLimiter ? { rateLimiter: opts.rateLimiter } : {}),
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
    });
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Queues every key, then starts the workers and the resync timer. */
  start(): void {
    if (this.#started) throw new Error(`Controller ${this.name} was already started.`);
    this.#started = true;
    this.#enqueueAll();
    this.#scheduleResync();
    for (let i = 0; i < (this.#opts.workers ?? 2); i++) this.#workers.push(this.#work());
    this.#opts.logger?.info("Started controller", { controller: this.name, workers: this.#opts.workers });
  }

  /** Stops taking keys, waits for reconciles in flight, then resolves. */
  async stop(): Promise<void> {
    this.#cancelResync?.();
    await this.queue.shutDownWithDrain();
    await Promise.all(this.#workers);
    if (this.#started) this.#opts.logger?.info("Stopped controller", { controller: this.name });
  }

  #enqueueAll(): void {
    for (const key of this.#opts.listKeys()) this.queue.add(key);
  }

  #scheduleResync(): void {
    const period = this.#opts.resyncPeriodMs ?? 600_000;
    if (period <= 0 || this.queue.shuttingDown) return;
    this.#cancelResync = this.#clock.after(period, () => {
      this.#enqueueAll();
      this.#scheduleResync();
    });
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.#process(key);
    }
  }

  async #process(key: string): Promise<void> {
    const start = performance.now();
    const log = this.#opts.logger;
    try {
      const result = await this.#opts.reconcile(key);
      this.queue.forget(key);
      const after = result?.requeueAfterMs;
      if (after !== undefined && after > 0) this.queue.addAfter(key, after);
      this.#observe(after !== undefined && after > 0 ? "requeue_after" : "success", start);
    } catch (error) {
      this.queue.addRateLimited(key);
      this.#observe("error", start);
      const reason = (error as { reason?: unknown }).reason;
      const fields = {
        controller: this.name,
        key,
        reason: typeof reason === "string" ? reason : "ReconcileError",
        error: error instanceof Error ? error.message : String(error),
        retries: this.queue.numRequeues(key),
      };
      // A conflict means our cache was behind a write: an ordinary retry, not an operator fault.
      if (reason === "Conflict") log?.debug("Requeued after a conflict", fields);
      else log?.error("Failed to reconcile", fields);
    } finally {
      this.queue.done(key);
    }
  }

  #observe(outcome: ReconcileOutcome, start: number): void {
    this.#opts.metrics?.reconciled?.(outcome, (performance.now() - start) / 1000);
  }
}

/** A decision's `requeueAfterSeconds` as the loop's result (none for undefined or <= 0). */
export const requeueAfter = (seconds: number | undefined): ReconcileResult | undefined =>
  seconds === undefined || seconds <= 0 ? undefined : { requeueAfterMs: seconds * 1000 };
