import Koa, { type Context, type Next } from "koa";
import { z } from "zod";
import type { Registry } from "prom-client";
import type { Logger } from "../../common/log.ts";
import pkg from "../../package.json" with { type: "json" };
import { createBearerCheck, type TokenSource } from "./auth.ts";
import type { ServerConfig } from "./config.ts";
import { errorBody, ErrorCode, HttpError } from "./errors.ts";
import { createLifecycle, type Lifecycle } from "./lifecycle.ts";
import { createMetrics, ReloadResult } from "./metrics.ts";
import type { ModelHolder } from "./model-holder.ts";
import { buildOpenApi } from "./openapi.ts";
import { createPredictionService } from "./prediction.ts";
import { createRouter, routeTemplate, type Route } from "./router.ts";
import type { RouteDeps } from "./routes/deps.ts";
import { kserveV1Routes } from "./routes/kserve-v1.ts";
import { kserveV2Routes } from "./routes/kserve-v2.ts";
import { predictRoutes } from "./routes/predict.ts";
import { probeRoutes } from "./routes/probes.ts";

export interface AppDeps {
  /** The serving model; createApp reports its loads in metrics and logs. */
  readonly holder: ModelHolder;
  /** Where every metric goes (never the global registry). */
  readonly registry: Registry;
  readonly logger: Logger;
  readonly config: Pick<
    ServerConfig,
    "maxBatchSize" | "maxTextLength" | "maxBodyBytes" | "microBatchMs" | "microBatchSize" | "logRequests"
  >;
  /** Draining state and in-flight count, shared with the shutdown code. @default a fresh one */
  readonly lifecycle?: Lifecycle;
  /** Bearer token for the predict endpoints. @default none (auth off) */
  readonly authToken?: TokenSource;
}

/**
 * Builds the Koa app. It never listens: main.ts does, and tests serve `app.callback()` on port 0.
 *
 * Middleware, outermost first: request accounting (in-flight count, HTTP metrics, one log line),
 * the error handler (every failure becomes `{"error": {"code", "message"}}`), then the router
 * (404/405, bearer auth on predict endpoints, the handler).
 */
export function createApp(deps: AppDeps): Koa {
  const { holder, registry, logger, config } = deps;
  const lifecycle = deps.lifecycle ?? createLifecycle();
  const metrics = createMetrics(registry);
  const limits = { maxBatchSize: config.maxBatchSize, maxTextLength: config.maxTextLength };
  const predictions = createPredictionService({
    holder,
    metrics,
    limits,
    microBatchMs: config.microBatchMs,
    microBatchSize: config.microBatchSize,
  });
  const checkAuth = createBearerCheck(deps.authToken ?? (() => undefined));

  const reportModel = (): void => {
    const m = holder.current();
    if (m) metrics.setModelInfo(m.metadata);
  };
  reportModel();
  holder.subscribe((event) => {
    switch (event.type) {
      case "Loaded":
        metrics.recordReload(ReloadResult.Success);
        metrics.setModelInfo(event.model.metadata);
        logger.info("Loaded model", {
          model: event.model.metadata.name,
          version: event.model.metadata.version,
          architecture: event.model.metadata.architecture,
          dir: event.model.dir,
          replacedVersion: event.previous?.metadata.version,
          seconds: round(event.seconds),
        });
        return;
      case "LoadFailed":
        metrics.recordReload(ReloadResult.Failure);
        logger.error("Failed to load model", {
          dir: event.dir,
          reason: event.failure.reason,
          error: event.failure.message,
          keptVersion: event.kept?.metadata.version,
          seconds: round(event.seconds),
        });
        return;
      case "DisposeFailed":
        logger.warn("Failed to dispose replaced model", {
          version: event.model.metadata.version,
          error: event.message,
        });
        return;
    }
  });

  const d: RouteDeps = {
    holder,
    lifecycle,
    predictions,
    registry,
    limits,
    maxBodyBytes: config.maxBodyBytes,
  };
  const routes: Route[] = [
    ...predictRoutes(d),
    ...kserveV1Routes(d),
    ...kserveV2Routes(d, pkg.version),
    ...probeRoutes(d),
  ];
  let openapi: string | undefined;
  routes.push({
    method: "GET",
    template: "/openapi.json",
    summary: "This document.",
    responses: { 200: { description: "OpenAPI 3.1.", schema: z.looseObject({}) } },
    handle(ctx) {
      openapi ??= JSON.stringify(buildOpenApi(routes, pkg.version));
      ctx.type = "application/json";
      ctx.body = openapi;
    },
  });

  const app = new Koa();
  app.use(async (ctx: Context, next: Next) => {
    const start = performance.now();
    const end = lifecycle.begin();
    ctx.res.once("close", end);
    if (lifecycle.draining()) ctx.set("Connection", "close");
    try {
      await next();
    } finally {
      const seconds = (performance.now() - start) / 1000;
      const route = routeTemplate(ctx);
      metrics.recordHttp(ctx.method, route, ctx.status, seconds);
      if (config.logRequests) {
        logger.info("Served request", {
          method: ctx.method,
          route,
          status: ctx.status,
          ms: round(seconds * 1000),
        });
      }
    }
  });
  app.use(async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      const e = toHttpError(error);
      ctx.status = e.status;
      ctx.set(e.headers);
      ctx.body = errorBody(e.reason, e.message);
      // A 4xx or a 503 (loading, draining) is an answer, not a server error: the request line has it.
      if (e.status >= 500 && e.status !== 503) ctx.app.emit("error", e, ctx);
    }
  });
  // Predict endpoints: bearer auth, and every refusal or failure counted by its error code.
  const predictEndpoint = async (ctx: Context, next: Next): Promise<void> => {
    try {
      checkAuth(ctx);
      await next();
    } catch (error) {
      const e = toHttpError(error);
      metrics.recordPredictionError(e.reason);
      throw e;
    }
  };
  app.use(createRouter(routes, predictEndpoint));
  app.on("error", (error: Error, ctx?: Context) => {
    const cause = error.cause instanceof Error ? error.cause : error;
    logger.error("Failed request", {
      route: ctx ? routeTemplate(ctx) : "unmatched",
      error: error.message,
      cause: cause.message,
      stack: cause.stack,
    });
  });
  return app;
}

/** Our own errors keep their code; Koa/http errors keep their status; anything else is a 500. */
function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const e = error as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof e.status === "number" && e.status >= 400 && e.status < 500 && e.expose === true) {
    const code =
      e.status === 413
        ? ErrorCode.BodyTooLarge
        : e.status === 415
          ? ErrorCode.UnsupportedMediaType
          : ErrorCode.InvalidRequest;
    return new HttpError(e.status, code, typeof e.message === "string" ? e.message : "Invalid request.");
  }
  return new HttpError(
    500,
    ErrorCode.InternalError,
    "The server failed to handle the request; see the server log.",
    {},
    error,
  );
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
