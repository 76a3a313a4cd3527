/**
 * The HTTP layer of the MLflow client: one `request()` that adds auth, times out, retries with
 * exponential backoff and validates the JSON answer with zod. No npm client is usable (the one on
 * npm calls removed endpoints and logs request bodies), and MLflow's REST API is small.
 *
 * Retried: connection errors, timeouts, HTTP 429 and 5xx. Not retried: other 4xx (MLflow's
 * `{error_code, message}` becomes an `MlflowError` with that code). Nothing here logs; request
 * bodies and the Authorization header never appear in an error message (only the method, the path
 * and MLflow's own message, truncated).
 */
import type { z } from "zod";
import { FailureError } from "../result.ts";
import { describeIssues } from "../zod-issues.ts";

/** How to reach the tracking server. */
export interface MlflowConnection {
  /** `http(s)://host:port[/prefix]`, as in `MLFLOW_TRACKING_URI`. */
  readonly trackingUri: string;
  /** Basic auth (MLFLOW_TRACKING_USERNAME / _PASSWORD) or a bearer token (MLFLOW_TRACKING_TOKEN). */
  readonly auth?: { readonly username: string; readonly password: string } | { readonly token: string };
}

export interface TransportOptions extends MlflowConnection {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Per attempt. @default 10_000 */
  readonly timeoutMs?: number;
  /** Attempts in all, the first included. @default 4 */
  readonly attempts?: number;
  /** First backoff; doubles each retry, with ±25 % jitter. @default 250 */
  readonly backoffMs?: number;
  /** @default setTimeout-based */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each retry (for a log line); never given bodies or headers. */
  readonly onRetry?: (info: { method: string; path: string; attempt: number; cause: string }) => void;
}

/** Reasons an `MlflowError` carries: unreachable after retries, or refused by the server. */
export type MlflowFailureReason = "MlflowUnavailable" | "MlflowRequestFailed" | "MlflowResponseInvalid";

export class MlflowError extends FailureError<MlflowFailureReason> {
  /** MLflow's `error_code` (RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE, ...), if any. */
  readonly errorCode: string | undefined;
  readonly status: number | undefined;
  constructor(
    reason: MlflowFailureReason,
    message: string,
    details: { errorCode?: string; status?: number; cause?: unknown } = {},
  ) {
    super(reason, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "MlflowError";
    this.errorCode = details.errorCode;
    this.status = details.status;
  }
}

export const isMlflowErrorCode = (e: unknown, code: string): e is MlflowError =>
  e instanceof MlflowError && e.errorCode === code;

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RequestSpec<T> {
  readonly method: Method;
  /** Below the tracking URI, e.g. `/api/2.0/mlflow/runs/get`. */
  readonly path: string;
  readonly query?: Record<string, string | number | undefined>;
  /** JSON-encoded unless it is a Uint8Array (sent as application/octet-stream). */
  readonly body?: unknown;
  /** `bytes` hands the raw body (a Uint8Array) to `schema` instead of parsed JSON. @default "json" */
  readonly response?: "json" | "bytes";
  readonly schema: z.ZodType<T>;
}

export type Request = <T>(spec: RequestSpec<T>) => Promise<T>;

const MESSAGE_MAX = 300;
const RETRYABLE_STATUS = (status: number) => status === 429 || status >= 500;

/** Builds the `request` function every API module uses. */
export function createTransport(options: TransportOptions): Request {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const attempts = Math.max(1, options.attempts ?? 4);
  const backoffMs = options.backoffMs ?? 250;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const { base, auth } = splitCredentials(options);
  const headers: Record<string, string> = { accept: "application/json" };
  if (auth !== undefined) {
    headers["authorization"] =
      "token" in auth
        ? `Bearer ${auth.token}`
        : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
  }

  return async function request<T>(spec: RequestSpec<T>): Promise<T> {
    const url = new URL(base + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const binary = spec.body instanceof Uint8Array;
    const init: RequestInit = {
      method: spec.method,
      headers:
        spec.body === undefined
          ? headers
          : { ...headers, "content-type": binary ? "application/octet-stream" : "application/json" },
      ...(spec.body === undefined
        ? {}
        : { body: binary ? (spec.body as Uint8Array<ArrayBuffer>) : JSON.stringify(spec.body) }),
    };
    const what = `${spec.method} ${spec.path}`;
    let lastCause = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        options.onRetry?.({ method: spec.method, path: spec.path, attempt, cause: lastCause });
        const delay = backoffMs * 2 ** (attempt - 2);
        await sleep(delay * (0.75 + Math.random() * 0.5));
      }
      let response: Response;
      try {
        response = await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        lastCause = describeFetchError(e, timeoutMs);
        continue;
      }
      const bytes = new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
      const text = spec.response === "bytes" && response.ok ? "" : new TextDecoder().decode(bytes);
      if (RETRYABLE_STATUS(response.status)) {
        lastCause = `HTTP ${response.status}${mlflowMessage(text)}`;
        continue;
      }
      if (!response.ok) {
        const parsed = parseErrorBody(text);
        throw new MlflowError(
          "MlflowRequestFailed",
          `MLflow refused ${what} (HTTP ${response.status}${parsed.errorCode ? ` ${parsed.errorCode}` : ""})${parsed.message ? `: ${parsed.message}` : ""}`,
          { status: response.status, ...(parsed.errorCode ? { errorCode: parsed.errorCode } : {}) },
        );
      }
      let json: unknown = bytes;
      try {
        if (spec.response !== "bytes") json = text === "" ? {} : JSON.parse(text);
      } catch {
        throw new MlflowError("MlflowResponseInvalid", `MLflow answered ${what} with non-JSON content.`, {
          status: response.status,
        });
      }
      const result = spec.schema.safeParse(json);
      if (!result.success) {
        throw new MlflowError(
          "MlflowResponseInvalid",
          `MLflow's answer to ${what} has an unexpected shape (${describeIssues(result.error, { max: 1 })}); is ${base} an MLflow 3.x server?`,
          { status: response.status },
        );
      }
      return result.data;
    }
    throw new MlflowError(
      "MlflowUnavailable",
      `MLflow at ${base} did not answer ${what} after ${attempts} attempts (${lastCause}).`,
    );
  };
}

function describeFetchError(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError"))
    return `timed out after ${timeoutMs} ms`;
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : e instanceof Error ? e.message : String(e);
}

function parseErrorBody(text: string): { errorCode?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    return {
      ...(typeof body.error_code === "string" ? { errorCode: body.error_code } : {}),
      ...(typeof body.message === "string" ? { message: truncate(body.message) } : {}),
    };
  } catch {
    return {};
  }
}

const mlflowMessage = (text: string): string => {
  const m = parseErrorBody(text).message;
  return m ? `: ${m}` : "";
};

const truncate = (s: string): string => (s.length > MESSAGE_MAX ? `${s.slice(0, MESSAGE_MAX)}…` : s);

/**
 * The tracking URI without trailing slashes and without `user:password@` (moved into basic auth
 * unless `auth` is given), so credentials never reach an error message or a UI link.
 */
export function splitCredentials(c: MlflowConnection): { base: string; auth: MlflowConnection["auth"] } {
  let url: URL;
  try {
    url = new URL(c.trackingUri);
  } catch {
    return { base: c.trackingUri.replace(/\/+$/, ""), auth: c.auth };
  }
  const userinfo =
    url.username === ""
      ? undefined
      : { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = "";
  url.password = "";
  return { base: url.toString().replace(/\/+$/, ""), auth: c.auth ?? userinfo };
}
