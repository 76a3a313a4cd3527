/**
 * Gathers single items submitted close together into one call of `run`.
 *
 * - `waitMs` 0 flushes what arrived in the same event-loop turn (on `setImmediate`); n > 0 waits
 *   up to n ms after the first item of a batch.
 * - A batch is flushed at once when it reaches `maxBatch` items.
 * - If `run` fails, or returns the wrong number of results, every item of that batch fails.
 */
export interface MicroBatcher<In, Out> {
  submit(item: In): Promise<Out>;
}

export interface MicroBatcherOptions<In, Out> {
  readonly waitMs: number;
  readonly maxBatch: number;
  readonly run: (batch: readonly In[]) => Promise<readonly Out[]>;
}

interface Pending<In, Out> {
  readonly item: In;
  readonly resolve: (value: Out) => void;
  readonly reject: (error: unknown) => void;
}

export function createMicroBatcher<In, Out>(opts: MicroBatcherOptions<In, Out>): MicroBatcher<In, Out> {
  if (!(opts.maxBatch >= 1)) throw new RangeError(`maxBatch must be >= 1, got ${opts.maxBatch}`);
  if (!(opts.waitMs >= 0)) throw new RangeError(`waitMs must be >= 0, got ${opts.waitMs}`);
  let queue: Pending<In, Out>[] = [];
  let timer: NodeJS.Immediate | NodeJS.Timeout | undefined;

  const flush = (): void => {
    if (timer !== undefined) {
      if (opts.waitMs === 0) clearImmediate(timer as NodeJS.Immediate);
      else clearTimeout(timer as NodeJS.Timeout);
      timer = undefined;
    }
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    let call: Promise<readonly Out[]>;
    try {
      call = opts.run(batch.map((p) => p.item));
    } catch (error) {
      call = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    call.then(
      (results) => {
        if (results.length !== batch.length) {
          const error = new Error(`Batch of ${batch.length} returned ${results.length} results`);
          for (const p of batch) p.reject(error);
          return;
        }
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
      },
      (error: unknown) => {
        for (const p of batch) p.reject(error);
      },
    );
  };

  return {
    submit(item) {
      return new Promise<Out>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (queue.length >= opts.maxBatch) flush();
        else if (timer === undefined)
          timer = opts.waitMs === 0 ? setImmediate(flush) : setTimeout(flush, opts.waitMs);
      });
    },
  };
}
