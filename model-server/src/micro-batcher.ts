/**
 * Gathers single items submitted close together into one call of `run`.
 *
 * - `waitMs` 0 flushes what arrived in the same event-loop turn (on `setImmediate`); n > 0 waits
 *   up to n ms after the first item of a batch.
 * - A batch is flushed at once when it reaches `maxBatch` items.
 * - At most `maxInFlight` calls of `run` are outstanding. While that many are running, items
 *   queue, and the queue is flushed the moment one of them settles. Under load this makes the
 *   batches as large as the scorer is slow (adaptive batching), and the next batch is handed over
 *   before the finished batch's results are delivered, so the scorer (a worker thread) does not
 *   sit idle while the HTTP thread writes responses.
 * - If `run` fails, or returns the wrong number of results, every item of that batch fails.
 */
export interface MicroBatcher<In, Out> {
  submit(item: In): Promise<Out>;
}

export interface MicroBatcherOptions<In, Out> {
  readonly waitMs: number;
  readonly maxBatch: number;
  /** @default Infinity */
  readonly maxInFlight?: number;
  readonly run: (batch: readonly In[]) => Promise<readonly Out[]>;
}

interface Pending<In, Out> {
  readonly item: In;
  readonly resolve: (value: Out) => void;
  readonly reject: (error: unknown) => void;
}

export function createMicroBatcher<In, Out>(opts: MicroBatcherOptions<In, Out>): MicroBatcher<In, Out> {
  const maxInFlight = opts.maxInFlight ?? Infinity;
  if (!(opts.maxBatch >= 1)) throw new RangeError(`maxBatch must be >= 1, got ${opts.maxBatch}`);
  if (!(opts.waitMs >= 0)) throw new RangeError(`waitMs must be >= 0, got ${opts.waitMs}`);
  if (!(maxInFlight >= 1)) throw new RangeError(`maxInFlight must be >= 1, got ${maxInFlight}`);
  let queue: Pending<In, Out>[] = [];
  let timer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  let inFlight = 0;

  const cancelTimer = (): void => {
    if (timer === undefined) return;
    if (opts.waitMs === 0) clearImmediate(timer as NodeJS.Immediate);
    else clearTimeout(timer as NodeJS.Timeout);
    timer = undefined;
  };

  const flush = (): void => {
    cancelTimer();
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.length > opts.maxBatch ? queue.splice(0, opts.maxBatch) : queue;
      if (batch === queue) queue = [];
      start(batch);
    }
  };

  const start = (batch: readonly Pending<In, Out>[]): void => {
    inFlight++;
    let call: Promise<readonly Out[]>;
    try {
      call = opts.run(batch.map((p) => p.item));
    } catch (error) {
      call = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    call.then(
      (results) => {
        settled();
        if (results.length !== batch.length) {
          const error = new Error(`Batch of ${batch.length} returned ${results.length} results`);
          for (const p of batch) p.reject(error);
          return;
        }
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
      },
      (error: unknown) => {
        settled();
        for (const p of batch) p.reject(error);
      },
    );
  };

  /** A call finished: hand over what queued meanwhile before delivering its results. */
  const settled = (): void => {
    inFlight--;
    if (queue.length > 0) flush();
  };

  return {
    submit(item) {
      return new Promise<Out>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (queue.length >= opts.maxBatch) flush();
        else if (timer === undefined && inFlight < maxInFlight)
          timer = opts.waitMs === 0 ? setImmediate(flush) : setTimeout(flush, opts.waitMs);
      });
    },
  };
}
