import { Agent, request } from "node:http";

/** What one load run measured: completed requests per second, latency quantiles in ms, failures. */
export interface PacedResult {
  readonly rps: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
}

export function summarize(
  latencies: ArrayLike<number>,
  completed: number,
  errors: number,
  seconds: number,
): PacedResult {
  const sorted = Float64Array.from(latencies).sort();
  const q = (p: number): number =>
    sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return { rps: completed / seconds, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: q(1), errors };
}

/** Open loop: sends `rate` requests per second, evenly spaced, whatever the responses do. */
export function paced(
  url: string,
  bodies: readonly Buffer[],
  rate: number,
  seconds: number,
): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const u = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  let inFlight = 0;
  let stopped = false;
  return new Promise((resolve) => {
    const start = performance.now();
    const finish = (): void => {
      if (!stopped || inFlight > 0) return;
      agent.destroy();
      resolve(summarize(latencies, latencies.length, errors, seconds));
    };
    const fire = (): void => {
      const body = bodies[sent++ % bodies.length]!;
      inFlight++;
      const t0 = performance.now();
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": body.length },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 200) latencies.push(performance.now() - t0);
            else errors++;
            inFlight--;
            finish();
          });
        },
      );
      req.on("error", () => {
        errors++;
        inFlight--;
        finish();
      });
      req.end(body);
    };
    const tick = (): void => {
      const elapsed = performance.now() - start;
      if (elapsed >= seconds * 1000) {
        stopped = true;
        return finish();
      }
      const due = Math.floor((elapsed / 1000) * rate);
      while (sent < due) fire();
      setTimeout(tick, 1);
    };
    tick();
  });
}
