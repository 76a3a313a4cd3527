/**
 * Time as a port, so the work queue, the controller loop and leader election can be tested
 * without sleeping (the kubebuilder CronJob tutorial injects its clock the same way).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds; returns a function that cancels it. */
  after(ms: number, fn: () => void): Cancel;
}

export type Cancel = () => void;

/** The wall clock. Timers are unref'd: a pending delay never keeps the process alive. */
export const realClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return () => clearTimeout(t);
  },
};

/**
 * Resolves after `ms` on `clock`, or at once (without rejecting) when `signal` aborts.
 * Loops use it as "wait, unless we are shutting down".
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      cancel();
      resolve();
    };
    const cancel = clock.after(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
