import type { Context } from "koa";
import type { Registry } from "prom-client";
import type { Lifecycle } from "../lifecycle.ts";
import type { LoadedModel, ModelHolder } from "../model-holder.ts";
import { ErrorCode, httpError } from "../errors.ts";
import type { Limits, PredictionService } from "../prediction.ts";

/** What route handlers need; built once by createApp. */
export interface RouteDeps {
  readonly holder: ModelHolder;
  readonly lifecycle: Lifecycle;
  readonly predictions: PredictionService;
  readonly registry: Registry;
  readonly limits: Limits;
  readonly maxBodyBytes: number;
}

export type Readiness =
  | { readonly ready: true; readonly model: LoadedModel }
  | { readonly ready: false; readonly code: "NotReady" | "ModelNotReady"; readonly message: string };

/** Ready only while a model is loaded and the server is not draining. */
export function readiness(d: Pick<RouteDeps, "holder" | "lifecycle">): Readiness {
  if (d.lifecycle.draining()) {
    return {
      ready: false,
      code: ErrorCode.NotReady,
      message: "The server is shutting down; send requests to another replica.",
    };
  }
  const model = d.holder.current();
  if (!model) {
    return {
      ready: false,
      code: ErrorCode.ModelNotReady,
      message: d.holder.loading()
        ? "The model is still loading; retry shortly."
        : "No model is loaded; see the server log.",
    };
  }
  return { ready: true, model };
}

/** The serving model if it is called `name` (and has `version`, when given); else 404, or 503 when none is loaded. */
export function requireModel(d: Pick<RouteDeps, "holder">, name: string, version?: string): LoadedModel {
  const model = d.holder.current();
  if (!model) {
    throw httpError(
      503,
      ErrorCode.ModelNotReady,
      "No model is loaded yet; retry when GET /ready answers 200.",
      {
        "Retry-After": "1",
      },
    );
  }
  if (model.metadata.name !== name) {
    throw httpError(
      404,
      ErrorCode.ModelNotFound,
      `Model ${quote(name)} is not served here; this server serves ${quote(model.metadata.name)}.`,
    );
  }
  if (version !== undefined && model.metadata.version !== version) {
    throw httpError(
      404,
      ErrorCode.ModelNotFound,
      `Version ${quote(version)} of ${quote(name)} is not served here; the serving version is ${quote(model.metadata.version)}.`,
    );
  }
  return model;
}

const quote = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const JSON_UTF8 = "application/json; charset=utf-8";
/**
 * Answers with `value` as JSON, the same bytes and headers as `ctx.body = value`, for the predict
 * endpoints' hot path: Koa would look the type up and test the object against every body kind.
 */
export function sendJson(ctx: Context, value: unknown): void {
  ctx.set("Content-Type", JSON_UTF8);
  ctx.body = JSON.stringify(value);
}
