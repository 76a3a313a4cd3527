import type { Context, Middleware } from "koa";
import { ErrorCode, httpError } from "./errors.ts";

export type Method = "GET" | "POST";

/** One endpoint. `template` names it in metrics, logs and /openapi.json. */
export interface Route {
  readonly method: Method;
  readonly template: string;
  /** Exact path, or a pattern whose groups become `params` (decoded). */
  readonly path: string | RegExp;
  /** Predict endpoints: bearer auth applies, and failures count in model_prediction_errors_total. */
  readonly predict?: boolean;
  /** `params` are the decoded groups of a RegExp path; an optional group that did not match is undefined. */
  handle(ctx: Context, params: readonly (string | undefined)[]): Promise<void> | void;
}

/** What the router records for the outer middlewares (metrics, logs, error counting). */
export interface RouteState {
  route?: Route;
}

export const UNMATCHED_ROUTE = "unmatched";

/**
 * Matches method and path. An unknown path answers 404; a known path with another method answers
 * 405 with an `Allow` header. HEAD is served by GET routes (Koa sends no body).
 */
export function createRouter(
  routes: readonly Route[],
  onMatch?: (ctx: Context, route: Route) => Promise<void> | void,
): Middleware {
  const exact = new Map<string, Route[]>();
  const patterns: Route[] = [];
  for (const r of routes) {
    if (typeof r.path === "string") exact.set(r.path, [...(exact.get(r.path) ?? []), r]);
    else patterns.push(r);
  }

  const NO_PARAMS: readonly (string | undefined)[] = [];
  return async (ctx) => {
    const method = ctx.method === "HEAD" ? "GET" : ctx.method;
    const candidates: { route: Route; params: readonly (string | undefined)[] }[] = [];
    for (const r of exact.get(ctx.path) ?? []) {
      if (r.method === method) return run(ctx, r, NO_PARAMS); // the common case: no allocation
      candidates.push({ route: r, params: NO_PARAMS });
    }
    if (candidates.length === 0) {
      for (const r of patterns) {
        const m = (r.path as RegExp).exec(ctx.path);
        if (m)
          candidates.push({
            route: r,
            params: m.slice(1).map((p) => (p === undefined ? undefined : decode(p))),
          });
      }
    }
    if (candidates.length === 0) {
      throw httpError(
        404,
        ErrorCode.NotFound,
        `No route ${truncate(ctx.path)}; see GET /openapi.json for the API.`,
      );
    }
    const hit = candidates.find((c) => c.route.method === method);
    if (!hit) {
      const allow = [
        ...new Set(
          candidates.flatMap((c) => (c.route.method === "GET" ? ["GET", "HEAD"] : [c.route.method])),
        ),
      ];
      (ctx.state as RouteState).route = candidates[0]!.route;
      throw httpError(
        405,
        ErrorCode.MethodNotAllowed,
        `${ctx.method} is not allowed on ${candidates[0]!.route.template}; use ${allow.join(" or ")}.`,
        { Allow: allow.join(", ") },
      );
    }
    return run(ctx, hit.route, hit.params);
  };

  async function run(ctx: Context, route: Route, params: readonly (string | undefined)[]): Promise<void> {
    (ctx.state as RouteState).route = route;
    const checked = onMatch?.(ctx, route);
    if (checked) await checked;
    await route.handle(ctx, params);
  }
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw httpError(
      400,
      ErrorCode.InvalidRequest,
      `The path segment ${truncate(s)} is not valid percent-encoding.`,
    );
  }
}

const truncate = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);
