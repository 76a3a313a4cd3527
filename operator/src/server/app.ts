import Koa from "koa";
import type { Registry } from "prom-client";

/** What `/readyz` reports. */
export interface Readiness {
  /** Serving: caches synced when leading, or waiting as a healthy standby. */
  readonly ready: boolean;
  /** "leader", "standby" or "starting". */
  readonly role: string;
  /** Why not ready, or a short summary. */
  readonly detail: string;
}

export interface ProbeAppOptions {
  readonly registry: Registry;
  readonly readiness: () => Readiness;
  /** Liveness: false makes /healthz answer 503 (e.g. after a fatal error). @default always true */
  readonly healthy?: () => boolean;
}

/**
 * The operator's HTTP surface (built here, never listening: main.ts does that):
 * - `GET /metrics`: Prometheus text from the operator's own Registry;
 * - `GET /healthz`: the process is alive;
 * - `GET /readyz`: 200 when ready, else 503; the JSON body names the role. A standby replica is
 *   ready (it is healthy and waiting), so a rolling update of two replicas is not blocked by the
 *   one that does not lead; leadership is in the body and in the `sentiment_operator_leader` gauge.
 */
export function createProbeApp(opts: ProbeAppOptions): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method !== "GET" && ctx.method !== "HEAD") {
      ctx.status = 405;
      ctx.body = { error: "Only GET is served here." };
      return;
    }
    switch (ctx.path) {
      case "/metrics":
        ctx.type = opts.registry.contentType;
        ctx.body = await opts.registry.metrics();
        return;
      case "/healthz": {
        const ok = opts.healthy?.() ?? true;
        ctx.status = ok ? 200 : 503;
        ctx.body = { status: ok ? "ok" : "unhealthy" };
        return;
      }
      case "/readyz": {
        const r = opts.readiness();
        ctx.status = r.ready ? 200 : 503;
        ctx.body = r;
        return;
      }
      default:
        ctx.status = 404;
        ctx.body = { error: `No route ${ctx.path}; try /metrics, /healthz or /readyz.` };
    }
  });
  return app;
}
