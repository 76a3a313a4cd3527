/**
 * Per-key retry delays, as client-go's `ItemExponentialFailureRateLimiter`: the n-th consecutive
 * failure of a key waits `baseDelayMs * 2^n`, capped at `maxDelayMs`, until `forget` resets it.
 */
export interface RateLimiter {
  /** The delay before the next retry of `key`; counts one more failure. */
  when(key: string): number;
  /** Clears the failure count of `key` (after a success). */
  forget(key: string): void;
  /** Consecutive failures counted for `key`. */
  numRequeues(key: string): number;
}

export interface ExponentialBackoffOptions {
  /** Delay after the first failure. @default 5 (ms, as client-go) */
  readonly baseDelayMs?: number;
  /** Upper bound of any delay. @default 300000 (5 minutes) */
  readonly maxDelayMs?: number;
}

export function exponentialBackoff(opts: ExponentialBackoffOptions = {}): RateLimiter {
  const base = opts.baseDelayMs ?? 5;
  const max = opts.maxDelayMs ?? 300_000;
  if (!(base > 0) || !(max >= base)) {
    throw new RangeError(`Backoff needs 0 < baseDelayMs <= maxDelayMs; got ${base} and ${max}.`);
  }
  const failures = new Map<string, number>();
  return {
    when(key) {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      // 2^n overflows to Infinity long before it matters; min() caps it.
      return Math.min(max, base * 2 ** n);
    },
    forget(key) {
      failures.delete(key);
    },
    numRequeues(key) {
      return failures.get(key) ?? 0;
    },
  };
}
