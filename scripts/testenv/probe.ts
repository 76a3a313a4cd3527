import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface ProbeTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Skip server verification: only for loopback health endpoints with self-signed serving certs. */
  readonly insecure?: boolean;
}

export interface ProbeResponse {
  readonly status: number;
  readonly body: string;
}

/** One GET with a short timeout; rejects on connection errors (the caller retries). */
export function probe(url: string, tls: ProbeTls = {}, timeoutMs = 3000): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const options = {
      timeout: timeoutMs,
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.cert ? { cert: tls.cert } : {}),
      ...(tls.key ? { key: tls.key } : {}),
      rejectUnauthorized: !tls.insecure,
    };
    const req = (url.startsWith("https:") ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`Timed out after ${timeoutMs} ms: ${url}`)));
    req.on("error", reject);
    req.end();
  });
}
