import { setTimeout as sleep } from "node:timers/promises";

export interface WaitOptions {
  /** @default 30_000 */
  readonly timeoutMs?: number;
  /** @default 100 */
  readonly intervalMs?: number;
}

/**
 * Polls `check` until it returns a value other than undefined/false, and returns that value.
 * On timeout, throws naming `what` and the last value or error seen, so failures explain themselves.
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  opts: WaitOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = `got ${String(value)}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() >= deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${last}).`);
    await sleep(opts.intervalMs ?? 100);
  }
}
