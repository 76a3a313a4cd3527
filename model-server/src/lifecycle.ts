import type { Server } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Readiness and in-flight accounting for graceful shutdown. Once draining starts, GET /ready
 * answers 503 and responses carry `Connection: close`; requests are still served.
 */
export interface Lifecycle {
  draining(): boolean;
  startDraining(): void;
  inFlight(): number;
  /** Counts a request in flight; call the returned function once when it ends. */
  begin(): () => void;
  /** Resolves true when nothing is in flight, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean>;
}

export function createLifecycle(): Lifecycle {
  let draining = false;
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  return {
    draining: () => draining,
    startDraining() {
      draining = true;
    },
    inFlight: () => inFlight,
    begin() {
      inFlight++;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        inFlight--;
        if (inFlight === 0) {
          const ws = waiters;
          waiters = [];
          for (const w of ws) w();
        }
      };
    },
    idle(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          resolve(false);
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          resolve(true);
        };
        waiters.push(done);
      });
    },
  };
}

export interface ShutdownOptions {
  readonly server: Server;
  readonly lifecycle: Lifecycle;
  /** Readiness is 503 this long before the listener closes (lets endpoints update). */
  readonly delayMs: number;
  /** In-flight requests get this long after the listener closes; then connections are cut. */
  readonly timeoutMs: number;
}

export interface ShutdownOutcome {
  /** True when every in-flight request finished within the bound. */
  readonly drained: boolean;
  /** Requests still in flight when connections were cut. */
  readonly abandoned: number;
}

/**
 * Graceful shutdown: readiness 503 first, then (after `delayMs`) stop accepting connections, close
 * idle keep-alive ones, let in-flight requests finish within `timeoutMs`, then cut the rest.
 */
export async function drainAndClose(opts: ShutdownOptions): Promise<ShutdownOutcome> {
  const { server, lifecycle } = opts;
  lifecycle.startDraining();
  if (opts.delayMs > 0) await sleep(opts.delayMs);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const drained = await lifecycle.idle(opts.timeoutMs);
  const abandoned = lifecycle.inFlight();
  if (!drained) server.closeAllConnections();
  else server.closeIdleConnections();
  const settled = await Promise.race([closed.then(() => true), sleep(1000).then(() => false)]);
  if (!settled) server.closeAllConnections();
  return { drained, abandoned };
}
