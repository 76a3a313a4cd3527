import type { V1Service } from "@kubernetes/client-node";
import {
  Agent,
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Logger } from "../../../common/log.ts";
import { localServicePort } from "../core/sentiment-model/status.ts";
import { Resources } from "../k8s/resources.ts";
import type { Replica } from "./deployment-runner.ts";
import type { StateStore } from "./store.ts";

type Endpoints = (namespace: string, selector: Readonly<Record<string, string>>) => Replica[];

const MAX_BODY = 8 * 1024 * 1024;

interface Front {
  readonly key: string;
  readonly port: number;
  readonly server: Server;
  failed: boolean;
  selector: Readonly<Record<string, string>>;
  next: number;
}

const errorBody = (code: string, message: string): string => JSON.stringify({ error: { code, message } });

/**
 * The local Service: one front port per Service (its `spec.ports[0].port`, or 8080 below 1024)
 * on 127.0.0.1 (or the `address` given: 0.0.0.0 in a container), balancing HTTP requests round-robin over the ready replicas its selector matches.
 * The request body is read first, so a request whose connection to a replica fails before any
 * answer (a replica that just stopped) is retried on the next one: rollouts lose no request.
 * No ready replica gives 503 with the usual JSON error.
 */
export class ServiceRunner {
  readonly #store: StateStore;
  readonly #endpoints: Endpoints;
  readonly #logger: Logger | undefined;
  readonly #fronts = new Map<string, Front>();
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });
  readonly #onError: (line: string) => void;
  readonly #address: string;

  constructor(
    store: StateStore,
    endpoints: Endpoints,
    opts: { logger?: Logger | undefined; onError?: (line: string) => void; address?: string } = {},
  ) {
    const { logger, onError } = opts;
    this.#address = opts.address ?? "127.0.0.1";
    this.#store = store;
    this.#endpoints = endpoints;
    this.#logger = logger;
    this.#onError = onError ?? (() => undefined);
  }

  /** Front ports listening now, by Service key ("namespace/name"). */
  ports(): Map<string, number> {
    return new Map([...this.#fronts.values()].filter((f) => f.server.listening).map((f) => [f.key, f.port]));
  }

  sync(): void {
    const keys = new Set<string>();
    for (const svc of this.#store.list(Resources.service.plural) as unknown as V1Service[]) {
      const key = `${svc.metadata?.namespace ?? "default"}/${svc.metadata?.name ?? ""}`;
      const wanted = svc.spec?.ports?.[0]?.port;
      if (wanted === undefined) continue;
      keys.add(key);
      const port = localServicePort(wanted);
      const existing = this.#fronts.get(key);
      if (existing !== undefined && existing.port === port) {
        existing.selector = svc.spec?.selector ?? {};
        continue;
      }
      if (existing !== undefined) void this.#close(existing);
      if (wanted < 1024)
        this.#logger?.warn("Serving the Service on port 8080: ports below 1024 need root", {
          service: key,
          port: wanted,
        });
      const front: Front = {
        key,
        port,
        server: createServer((req, res) => void this.#handle(front, key, req, res)),
        failed: false,
        selector: svc.spec?.selector ?? {},
        next: 0,
      };
      front.server.keepAliveTimeout = 65_000;
      this.#fronts.set(key, front);
      this.#watch(front);
      front.server.listen(port, this.#address);
    }
    for (const [key, f] of this.#fronts) if (!keys.has(key)) void this.#close(f);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#fronts.values()].map((f) => this.#close(f)));
    this.#agent.destroy();
  }

  /**
   * A new front's handlers, added once: a failed listen is retried every 5 s while the Service
   * exists. (Never `removeAllListeners`: http.Server tracks its connections from its own
   * "listening" listener, and without it closeAllConnections closes nothing and the header and
   * request timeouts are never checked; keep-alive clients then held `up` open for a minute.)
   */
  #watch(f: Front): void {
    f.server.on("error", (e: NodeJS.ErrnoException) => {
      const first = !f.failed;
      f.failed = true;
      const line =
        e.code === "EADDRINUSE"
          ? `port ${f.port} for Service ${f.key} is in use by another program: free it or change the SentimentModel's spec.service.port (retrying every 5 s)`
          : `cannot listen on port ${f.port} for Service ${f.key}: ${e.message}`;
      if (first) this.#onError(line);
      setTimeout(() => {
        if (this.#fronts.get(f.key) === f && !f.server.listening) f.server.listen(f.port, this.#address);
      }, 5000).unref();
    });
    f.server.on("listening", () => {
      if (f.failed) this.#logger?.info("Listening after all", { service: f.key, port: f.port });
      f.failed = false;
      this.#logger?.info("Serving Service on its front port", {
        service: f.key,
        url: `http://127.0.0.1:${f.port}`,
      });
    });
  }

  async #close(f: Front): Promise<void> {
    this.#fronts.delete(f.key);
    if (!f.server.listening) return;
    await new Promise<void>((resolve) => {
      f.server.close(() => resolve());
      f.server.closeAllConnections(); // keep-alive clients too: they would hold `stop`
    });
  }

  async #handle(f: Front, key: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > MAX_BODY) {
          res
            .writeHead(413, { "content-type": "application/json" })
            .end(errorBody("PayloadTooLarge", "The request body is too large."));
          return;
        }
        chunks.push(c as Buffer);
      }
    } catch {
      return; // the client went away
    }
    const body = Buffer.concat(chunks);
    const ns = key.slice(0, key.indexOf("/"));
    const tried = new Set<Replica>();
    for (;;) {
      const ready = this.#endpoints(ns, f.selector).filter((r) => !tried.has(r));
      if (ready.length === 0) {
        if (!res.headersSent)
          res
            .writeHead(503, { "content-type": "application/json", "retry-after": "1" })
            .end(errorBody("Unavailable", `No ready replica behind Service ${key} yet.`));
        return;
      }
      const r = ready[f.next++ % ready.length]!;
      tried.add(r);
      const outcome = await this.#forward(r.port, req, body, res);
      if (outcome !== "retry") return;
    }
  }

  /** Sends one request to a replica; "retry" when it failed before any answer. */
  #forward(port: number, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<"done" | "retry"> {
    return new Promise((resolve) => {
      const headers = { ...req.headers, "content-length": String(body.length) };
      delete headers["transfer-encoding"];
      const up = request(
        { host: "127.0.0.1", port, method: req.method, path: req.url, headers, agent: this.#agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.once("end", () => resolve("done"));
          answer.once("error", () => {
            res.destroy();
            resolve("done");
          });
        },
      );
      up.once("error", () => resolve(res.headersSent ? "done" : "retry"));
      up.end(body);
    });
  }
}
