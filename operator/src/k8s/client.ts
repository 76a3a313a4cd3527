import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { FailureError } from "../../../common/result.ts";
import { describeRequest, RequestStats, type RequestRecord } from "./request-stats.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ApiRequest {
  readonly method: HttpMethod;
  /** REST path without the server, e.g. from `resourcePath()`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Sent as JSON (JSON is also valid YAML, so server-side apply accepts it). */
  readonly body?: unknown;
  /** @default "application/json" */
  readonly contentType?: string;
  /** Overrides the client's timeout for this request. */
  readonly timeoutMs?: number;
}

/**
 * A failed API call. `reason` is the apiserver's Status reason (NotFound, AlreadyExists,
 * Conflict, Forbidden, Invalid, ...), or Unreachable when no response arrived.
 */
export class ApiError extends FailureError {
  readonly statusCode: number;
  constructor(statusCode: number, reason: string, message: string, options?: ErrorOptions) {
    super(reason, message, options);
    this.name = "ApiError";
    this.statusCode = statusCode;
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.statusCode === 404;
export const isConflict = (e: unknown): boolean => e instanceof ApiError && e.statusCode === 409;

/**
 * Test seam around every request: `before` may throw to refuse it (nothing is sent), `after` sees
 * the outcome and may throw too. A fault test uses it to "kill" an operator between two requests.
 */
export interface RequestHooks {
  before?(request: Omit<RequestRecord, "code">): void;
  after?(record: RequestRecord): void;
}

export interface KubeClientOptions {
  readonly stats?: RequestStats;
  readonly hooks?: RequestHooks;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/**
 * A small JSON REST client over one keep-alive connection pool. client-node's generated clients
 * open a new TLS connection per request; this one reuses them and counts every request in
 * `stats`. Credentials (certificates, tokens, exec plugins) still come from the `KubeConfig`,
 * asked again per request so rotated tokens are picked up.
 */
export class KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly stats: RequestStats;
  readonly #server: URL;
  readonly #agent: http.Agent;
  readonly #opts: KubeClientOptions;

  private constructor(kc: KubeConfig, server: URL, agent: http.Agent, opts: KubeClientOptions) {
    this.kubeConfig = kc;
    this.#server = server;
    this.#agent = agent;
    this.#opts = opts;
    this.stats = opts.stats ?? new RequestStats();
  }

  static async create(kc: KubeConfig, opts: KubeClientOptions = {}): Promise<KubeClient> {
    const cluster = kc.getCurrentCluster();
    if (!cluster)
      throw new FailureError(
        "NoCluster",
        "The kubeconfig has no current cluster; pass --kubeconfig or set a context.",
      );
    const server = new URL(cluster.server);
    const tls: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(tls);
    const agent =
      server.protocol === "http:"
        ? new http.Agent({ keepAlive: true })
        : new https.Agent({
            keepAlive: true,
            ...(tls.ca ? { ca: tls.ca } : {}),
            ...(tls.cert ? { cert: tls.cert } : {}),
            ...(tls.key ? { key: tls.key } : {}),
            ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
            ...(tls.servername ? { servername: tls.servername } : {}),
          });
    return new KubeClient(kc, server, agent, opts);
  }

  /** Sends one request and returns the parsed JSON body; throws `ApiError` on any failure. */
  async request<T>(req: ApiRequest): Promise<T> {
    const described = describeRequest(req.method, req.path);
    this.#opts.hooks?.before?.(described);
    let code = 0;
    try {
      const { status, body } = await this.#send(req);
      code = status;
      if (status >= 400) throw statusError(status, body, req);
      return (body.length > 0 ? JSON.parse(body) : {}) as T;
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError(0, "Unreachable", `${req.method} ${req.path} failed: ${(e as Error).message}`, {
        cause: e,
      });
    } finally {
      const record = { ...described, code };
      this.stats.record(record);
      this.#opts.hooks?.after?.(record);
    }
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.#agent.destroy();
  }

  async #send(req: ApiRequest): Promise<{ status: number; body: string }> {
    const auth: https.RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(auth);
    const url = new URL(req.path, this.#server);
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = { Accept: "application/json" };
    for (const [k, v] of Object.entries(auth.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (auth.auth) headers["Authorization"] = `Basic ${Buffer.from(auth.auth).toString("base64")}`;
    if (payload !== undefined) {
      headers["Content-Type"] = req.contentType ?? "application/json";
      headers["Content-Length"] = String(Buffer.byteLength(payload));
    }
    const transport = url.protocol === "http:" ? http : https;
    const timeout = req.timeoutMs ?? this.#opts.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const r = transport.request(
        url,
        { method: req.method, headers, agent: this.#agent, timeout },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", reject);
        },
      );
      r.on("timeout", () => r.destroy(new Error(`timed out after ${timeout} ms`)));
      r.on("error", reject);
      r.end(payload);
    });
  }
}

const REASONS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
};

/** An error from a failed response: the Status object's reason and message, or the plain text. */
function statusError(code: number, body: string, req: ApiRequest): ApiError {
  let status: { reason?: unknown; message?: unknown } = {};
  try {
    status = (JSON.parse(body) ?? {}) as typeof status;
  } catch {
    status = { message: body.trim().slice(0, 200) || undefined };
  }
  const reason =
    typeof status.reason === "string" && status.reason ? status.reason : (REASONS[code] ?? `Http${code}`);
  const message =
    typeof status.message === "string" ? status.message : `${req.method} ${req.path} returned ${code}`;
  return new ApiError(code, reason, message);
}
