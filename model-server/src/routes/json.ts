import type { Context } from "koa";

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
