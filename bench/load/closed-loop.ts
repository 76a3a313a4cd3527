/**
 * A lean closed-loop HTTP/1.1 load generator: `connections` keep-alive sockets, each with exactly
 * one request outstanding, requests pre-encoded once (request line, headers and body in one
 * buffer), responses parsed only as far as status and Content-Length.
 *
 * Why not only autocannon: on a 2-core machine the load generator shares the CPU with the server
 * under test. autocannon spends about as much CPU per request as a bare node:http server does
 * (≈ 20–30 µs), so a multi-threaded server is measured partly by how much CPU the generator leaves
 * it. This generator spends a fraction of that, so "maximum throughput" says more about the server.
 * bench/serve.bench.ts reports both, and the generator's own CPU per request.
 *
 * Kept beside autocannon on a same-run measurement (BENCHMARKS.md, `npm run bench:serve`,
 * 2026-11-26 19:47 and 19:51 UTC): this generator spent 12–15 µs of CPU per request against
 * autocannon's 20–40, and the bare node:http floor reached 58,411 and 54,373 req/s with it against
 * 41,324 and 38,125 with autocannon (1.41× and 1.43×), so autocannon alone would measure the
 * generator as much as the server on these 2 cores.
 */
import { connect, type Socket } from "node:net";

export interface ClosedLoopOptions {
  /** Origin and path, e.g. http://127.0.0.1:8080/predict. */
  readonly url: string;
  /** JSON bodies sent in turn, one per request (POST, Content-Type: application/json). */
  readonly bodies: readonly Buffer[];
  readonly connections: number;
  readonly seconds: number;
}

export interface ClosedLoopResult {
  /** Responses with status 200, and their latencies in ms (send to last byte). */
  readonly ok: number;
  readonly latenciesMs: Float64Array;
  /** Responses with another status, plus connection failures. */
  readonly errors: number;
  readonly seconds: number;
  /** User + system CPU of this process while the load ran, per completed request, in µs. */
  readonly generatorCpuUs: number;
}

const HEADER_END = Buffer.from("\r\n\r\n");
const LENGTH_HEADERS = [Buffer.from("\r\nContent-Length:"), Buffer.from("\r\ncontent-length:")];

/** One pre-encoded request per body. */
export function encodeRequests(url: URL, bodies: readonly Buffer[]): Buffer[] {
  return bodies.map((body) =>
    Buffer.concat([
      Buffer.from(
        `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
        "latin1",
      ),
      body,
    ]),
  );
}

/**
 * Where the first complete response in `buf` ends and its status, or undefined when more bytes are
 * needed. Throws on a response it cannot frame (no Content-Length), which the servers measured here
 * never send.
 */
export function frameResponse(buf: Buffer): { readonly end: number; readonly status: number } | undefined {
  const headerEnd = buf.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  let at = -1;
  let name = 0;
  for (const h of LENGTH_HEADERS) {
    at = buf.indexOf(h);
    if (at >= 0 && at < headerEnd) {
      name = h.length;
      break;
    }
  }
  if (at < 0 || at >= headerEnd) {
    const head = buf.toString("latin1", 0, headerEnd);
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!m) throw new Error(`response without Content-Length: ${JSON.stringify(head.slice(0, 200))}`);
    return { end: headerEnd + 4 + Number(m[1]), status: Number(head.slice(9, 12)) };
  }
  let length = 0;
  for (let i = at + name; i < headerEnd; i++) {
    const c = buf[i]!;
    if (c >= 48 && c <= 57) length = length * 10 + (c - 48);
    else if (c !== 32 && c !== 9) break;
  }
  const end = headerEnd + 4 + length;
  const status = (buf[9]! - 48) * 100 + (buf[10]! - 48) * 10 + (buf[11]! - 48);
  return buf.length >= end ? { end, status } : undefined;
}

/** Runs the load for `seconds`, then waits for the requests still outstanding. */
export function closedLoop(opts: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const url = new URL(opts.url);
  const requests = encodeRequests(url, opts.bodies);
  if (requests.length === 0) return Promise.reject(new Error("closedLoop needs at least one body"));
  const port = Number(url.port || 80);
  let latencies = new Float64Array(1 << 16);
  let ok = 0;
  let errors = 0;
  let next = 0;
  let open = 0;
  let stopping = false;
  const cpuStart = process.cpuUsage();
  const started = performance.now();

  let fatal: Error | undefined;
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      if (open > 0) return;
      if (fatal) return reject(fatal);
      const cpu = process.cpuUsage(cpuStart);
      const done = ok + errors;
      resolve({
        ok,
        errors,
        latenciesMs: latencies.subarray(0, ok),
        seconds: (performance.now() - started) / 1000,
        generatorCpuUs: done === 0 ? NaN : (cpu.user + cpu.system) / done,
      });
    };
    const record = (ms: number): void => {
      if (ok === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[ok++] = ms;
    };

    const startConnection = (): void => {
      open++;
      const socket: Socket = connect({ host: url.hostname, port, noDelay: true });
      let pending: Buffer | undefined;
      let sentAt = 0;
      const send = (): void => {
        if (stopping) {
          socket.end();
          return;
        }
        sentAt = performance.now();
        socket.write(requests[next++ % requests.length]!);
      };
      socket.on("connect", send);
      socket.on("data", (chunk: Buffer) => {
        pending = pending ? Buffer.concat([pending, chunk]) : chunk;
        let framed: ReturnType<typeof frameResponse>;
        try {
          framed = frameResponse(pending);
        } catch (error) {
          fatal ??= error as Error; // a response it cannot frame ends the run with that error
          stopping = true;
          socket.destroy();
          return;
        }
        if (!framed) return;
        if (framed.status === 200) record(performance.now() - sentAt);
        else errors++;
        pending = framed.end < pending.length ? pending.subarray(framed.end) : undefined;
        send();
      });
      socket.on("error", () => {
        errors++;
      });
      socket.on("close", () => {
        open--;
        if (!stopping)
          startConnection(); // the server closed it (e.g. Connection: close): reconnect
        else finish();
      });
    };

    for (let i = 0; i < opts.connections; i++) startConnection();
    setTimeout(() => {
      stopping = true;
    }, opts.seconds * 1000);
  });
}
