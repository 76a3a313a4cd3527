import { readJsonBody } from "../body.ts";
import { ErrorCode, httpError } from "../errors.ts";
import type { Limits, Scored } from "../prediction.ts";
import type { Route } from "../router.ts";
import type { RouteDeps } from "./deps.ts";
import { isObject, sendJson } from "./json.ts";
import { requireModel } from "./readiness.ts";

/**
 * A prediction protocol is only its edges: how a request body becomes texts, and how their scores
 * become the response. Everything between (model check, body, limits, scoring, metrics) is
 * `predictHandler`, the same for every protocol.
 */
export interface Protocol<Call extends { readonly texts: readonly string[] }> {
  /** What to send, appended to every 400. */
  readonly usage: string;
  /** Validates the body: 400 for a bad shape, 413 over a limit. */
  parse(body: Record<string, unknown>, limits: Limits): Call;
  respond(scored: Scored, call: Call): unknown;
}

/** The handler of a predict route; a `name` (and `version`) parameter must name the serving model. */
export function predictHandler<Call extends { readonly texts: readonly string[] }>(
  d: RouteDeps,
  protocol: Protocol<Call>,
): Route["handle"] {
  return async (ctx, params) => {
    if (params["name"] !== undefined) requireModel(d, params["name"], params["version"]);
    const body = await readJsonBody(ctx, d.maxBodyBytes);
    if (!isObject(body)) {
      throw httpError(400, ErrorCode.InvalidRequest, `The body must be a JSON object; ${protocol.usage}.`);
    }
    const call = protocol.parse(body, d.limits);
    sendJson(ctx, protocol.respond(await d.predictions.predict(call.texts), call));
  };
}
