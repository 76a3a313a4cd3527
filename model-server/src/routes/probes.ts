import { modelRef } from "../prediction.ts";
import type { Route } from "../router.ts";
import { ErrorResponse, HealthResponse, ReadyResponse } from "../schemas.ts";
import type { RouteDeps } from "./deps.ts";
import { requireReady } from "./readiness.ts";

/** GET /health (liveness: the process answers) and GET /ready (a model is loaded and not draining). */
export function probeRoutes(d: RouteDeps): Route[] {
  return [
    {
      method: "GET",
      template: "/health",
      summary: "Liveness.",
      responses: { 200: { description: "The process answers.", schema: HealthResponse } },
      handle(ctx) {
        ctx.body = { status: "ok" };
      },
    },
    {
      method: "GET",
      template: "/ready",
      summary: "Readiness: a model is loaded and the server is not draining.",
      responses: {
        200: { description: "Ready.", schema: ReadyResponse },
        503: { description: "Loading or draining.", schema: ErrorResponse },
      },
      handle(ctx) {
        ctx.body = { status: "ready", model: modelRef(requireReady(d)) };
      },
    },
    {
      method: "GET",
      template: "/metrics",
      summary: "Prometheus metrics.",
      responses: { 200: { description: "Prometheus text format." } },
      async handle(ctx) {
        const text = await d.registry.metrics();
        ctx.type = d.registry.contentType;
        ctx.body = text;
      },
    },
  ];
}
