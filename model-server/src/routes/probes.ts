import { httpError } from "../errors.ts";
import { modelRef } from "../prediction.ts";
import type { Route } from "../router.ts";
import { readiness, type RouteDeps } from "./deps.ts";

/** GET /health (liveness: the process answers) and GET /ready (a model is loaded and not draining). */
export function probeRoutes(d: RouteDeps): Route[] {
  return [
    {
      method: "GET",
      template: "/health",
      path: "/health",
      handle(ctx) {
        ctx.body = { status: "ok" };
      },
    },
    {
      method: "GET",
      template: "/ready",
      path: "/ready",
      handle(ctx) {
        const r = readiness(d);
        if (!r.ready) throw httpError(503, r.code, r.message);
        ctx.body = { status: "ready", model: modelRef(r.model) };
      },
    },
    {
      method: "GET",
      template: "/metrics",
      path: "/metrics",
      async handle(ctx) {
        const text = await d.registry.metrics();
        ctx.type = d.registry.contentType;
        ctx.body = text;
      },
    },
  ];
}
