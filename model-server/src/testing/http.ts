/** Test helpers: serve an app on 127.0.0.1:0 over real HTTP, and capture its log lines. */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { Registry } from "prom-client";
import { loadModel } from "../../../common/artifact/loader.ts";
import { createLogger, type Logger } from "../../../common/log.ts";
import { createApp } from "../app.ts";
import { defaultConfig, type ServerConfig } from "../config.ts";
import { createLifecycle, type Lifecycle } from "../lifecycle.ts";
import { createModelHolder, type LoadModel, type ModelHolder } from "../model-holder.ts";

export interface CapturedLogger {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  readonly lines: Record<string, unknown>[];
  /** The raw text written so far. */
  text(): string;
}

export function captureLogger(): CapturedLogger {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString("utf8"));
      done();
    },
  });
  const logger = createLogger({ component: "model-server", level: "debug", stream });
  return {
    logger,
    get lines() {
      return raw
        .flatMap((c) => c.split("\n"))
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    text: () => raw.join(""),
  };
}

export interface TestServer {
  readonly url: string;
  readonly server: Server;
  readonly holder: ModelHolder;
  readonly registry: Registry;
  readonly lifecycle: Lifecycle;
  readonly log: CapturedLogger;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Loaded before the server starts unless `loadFirst` is false. */
  readonly modelDir: string;
  readonly config?: Partial<ServerConfig>;
  readonly authToken?: string;
  /** @default the shared artifact loader */
  readonly loadModel?: LoadModel;
  /** @default true */
  readonly loadFirst?: boolean;
}

/** createApp with a real model behind a real HTTP server on a free port. */
export async function startServer(opts: StartOptions): Promise<TestServer> {
  const holder = createModelHolder(opts.loadModel ?? loadModel);
  const registry = new Registry();
  const lifecycle = createLifecycle();
  const log = captureLogger();
  const config = defaultConfig(opts.modelDir, opts.config);
  const app = createApp({
    holder,
    registry,
    logger: log.logger,
    config,
    lifecycle,
    ...(opts.authToken === undefined ? {} : { authToken: () => opts.authToken }),
  });
  if (opts.loadFirst !== false) {
    const loaded = await holder.load(opts.modelDir);
    if (!loaded.ok) throw new Error(`Test model ${opts.modelDir} did not load: ${loaded.error.message}`);
  }
  const handle = app.callback();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    holder,
    registry,
    lifecycle,
    log,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      holder.close();
    },
  };
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** POST a JSON value (or a raw string body) with Content-Type application/json unless told otherwise. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  return reply(
    await fetch(url, {
      method: "POST",
      body: raw,
      headers: { "content-type": "application/json", ...headers },
    }),
  );
}

export async function get(url: string, init: RequestInit = {}): Promise<Reply> {
  return reply(await fetch(url, init));
}

/** The value of one sample of a metric in Prometheus text, or undefined if absent. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = new Map([...(m[3] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got.get(k) === v)) return Number(m[4]);
  }
  return undefined;
}

export interface HeldRequest {
  /** Resolves once the connection is open and the headers and the first bytes are sent. */
  readonly sent: Promise<void>;
  readonly response: Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Sends the rest of the body. */
  finish(): void;
}

/** A JSON POST whose body is held back until `finish()`: a request in flight for as long as a test wants. */
export function heldRequest(url: string, body: unknown, headers: Record<string, string> = {}): HeldRequest {
  const data = Buffer.from(JSON.stringify(body));
  const u = new URL(url);
  let finish!: () => void;
  let sent!: () => void;
  const sentP = new Promise<void>((resolve) => (sent = resolve));
  const response = new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": data.length, ...headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.write(data.subarray(0, 5), () => sent());
    finish = () => req.end(data.subarray(5));
  });
  return { sent: sentP, response, finish: () => finish() };
}
