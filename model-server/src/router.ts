import Router, { type RouterContext } from "@koa/router";
import type { Context, Middleware } from "koa";
import type { z } from "zod";
import { ErrorCode, httpError } from "./errors.ts";

export type Method = "GET" | "POST";

/** One documented response of a route; a JSON body when it has a schema, else text. */
export interface RouteResponse {
  readonly description: string;
  readonly schema?: z.ZodType;
}

/** One endpoint, as data: mounted on @koa/router and described in /openapi.json. */
export interface Route {
  readonly method: Method;
  /**
   * OpenAPI-style path: `{param}` segments and an optional `[part]`. It names the route in
   * metrics, logs and /openapi.json.
   */
  readonly template: string;
  /** Predict endpoints: bearer auth applies, and failures count in model_prediction_errors_total. */
  readonly predict?: boolean;
  readonly summary: string;
  /** The JSON request body. */
  readonly request?: z.ZodType;
  /** Responses by status, beside the errors every predict endpoint may answer. */
  readonly responses: Readonly<Record<number, RouteResponse>>;
  /** `params` are the template's parameters, percent-decoded; an absent optional one is undefined. */
  handle(ctx: Context, params: Readonly<Record<string, string | undefined>>): Promise<void> | void;
}

export const UNMATCHED_ROUTE = "unmatched";

/** path-to-regexp's syntax for a template: `{p}` → `:p`, `[x]` → `{x}`, a literal `:` escaped. */
export const routerPath = (template: string): string =>
  template
    .replaceAll(":", "\\:")
    .replace(/\{(\w+)\}/g, ":$1")
    .replaceAll("[", "{")
    .replaceAll("]", "}");

/**
 * Mounts the routes on @koa/router (case-sensitive, exact paths), each named by its template.
 * `predict` runs before the handler of predict endpoints (auth, error counting).
 */
export function createRouter(routes: readonly Route[], predict: Middleware): Middleware {
  const router = new Router({ sensitive: true, strict: true });
  for (const r of routes) {
    const handle: Middleware = (ctx) => r.handle(ctx, (ctx as RouterContext).params);
    const stack = r.predict ? [predict, handle] : [handle];
    if (r.method === "GET") router.get(r.template, routerPath(r.template), ...stack);
    else router.post(r.template, routerPath(r.template), ...stack);
  }
  const dispatch = router.routes() as unknown as Middleware;
  // 405 with Allow when only the method differs.
  const allowedMethods = router.allowedMethods() as unknown as Middleware;
  return async (ctx, next) => {
    await dispatch(ctx, async () => {
      await allowedMethods(ctx, next);
    });
    if (ctx.body !== undefined && ctx.body !== null) return;
    if (ctx.status === 405 || ctx.status === 501) {
      const allow = ctx.response.get("Allow").split(/,\s*/).sort();
      throw httpError(
        405,
        ErrorCode.MethodNotAllowed,
        `${ctx.method} is not allowed on ${routeTemplate(ctx)}; use ${allow.join(" or ")}.`,
        { Allow: allow.join(", ") },
      );
    }
    if (ctx.status === 404) {
      throw httpError(
        404,
        ErrorCode.NotFound,
        `No route ${truncate(ctx.path)}; see GET /openapi.json for the API.`,
      );
    }
  };
}

/** The template of the route that matched the path (for a 405, one that matched the path only). */
export function routeTemplate(ctx: Context): string {
  const c = ctx as RouterContext;
  return c._matchedRouteName ?? c.matched?.find((l) => l.name !== undefined)?.name ?? UNMATCHED_ROUTE;
}

const truncate = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);
