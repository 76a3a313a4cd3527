import { ErrorCode, httpError } from "../errors.ts";
import type { LoadedModel } from "../model-holder.ts";
import type { RouteDeps } from "./deps.ts";

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

/** The model, or a 503 with the reason when the server is not ready. */
export function requireReady(d: Pick<RouteDeps, "holder" | "lifecycle">): LoadedModel {
  const r = readiness(d);
  if (!r.ready) throw httpError(503, r.code, r.message);
  return r.model;
}

/** The serving model if it is called `name` (and has `version`, when given); else 404, or 503 when none is loaded. */
export function requireModel(d: Pick<RouteDeps, "holder">, name: string, version?: string): LoadedModel {
  const model = d.holder.current();
  if (!model) throw modelNotReady();
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

export const modelNotReady = () =>
  httpError(503, ErrorCode.ModelNotReady, "No model is loaded yet; retry when GET /ready answers 200.", {
    "Retry-After": "1",
  });

const quote = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);
