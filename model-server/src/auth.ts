import { createHash, timingSafeEqual } from "node:crypto";
import type { Context } from "koa";
import { ErrorCode, httpError } from "./errors.ts";

/** The current token, or undefined when auth is off. A function, so SIGHUP can rotate it. */
export type TokenSource = () => string | undefined;

const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

/**
 * Checks `Authorization: Bearer <token>` when a token is configured; throws 401 otherwise.
 * Compares sha256 digests with `timingSafeEqual`, so the time taken reveals neither the token nor
 * its length. The token is never logged or echoed.
 */
export function createBearerCheck(token: TokenSource): (ctx: Context) => void {
  let cachedToken: string | undefined;
  let cachedDigest: Buffer | undefined;
  return (ctx) => {
    const expected = token();
    if (expected === undefined) return;
    if (expected !== cachedToken || !cachedDigest) {
      cachedToken = expected;
      cachedDigest = digest(expected);
    }
    const header = ctx.get("authorization");
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    const given = match?.[1];
    if (given === undefined || !timingSafeEqual(digest(given), cachedDigest)) {
      throw httpError(
        401,
        ErrorCode.Unauthorized,
        given === undefined
          ? "This endpoint needs a bearer token; send Authorization: Bearer <token>."
          : "The bearer token is not valid; send the token the server was configured with.",
        { "WWW-Authenticate": 'Bearer realm="sentiment-serve"' },
      );
    }
  };
}
