import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { z } from "zod";
import type { MlflowError } from "./transport.ts";
import { createTransport, splitCredentials } from "./transport.ts";

/** A real HTTP server on a loopback port, answering with `handler`; closed after `body`. */
async function withServer(
  handler: (req: IncomingMessage, res: ServerResponse, n: number) => void,
  body: (url: string) => Promise<void>,
): Promise<void> {
  let n = 0;
  const server = createServer((req, res) => handler(req, res, ++n));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}
const noSleep = () => Promise.resolve();
const Ok = z.object({ ok: z.boolean() });

test("retries 5xx with backoff, then returns the validated answer", async () => {
  const retries: string[] = [];
  await withServer(
    (_req, res, n) => {
      res.writeHead(n < 3 ? 503 : 200, { "content-type": "application/json" });
      res.end(n < 3 ? '{"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"}' : '{"ok":true}');
    },
    async (url) => {
      const request = createTransport({
        trackingUri: url,
        sleep: noSleep,
        onRetry: (i) => retries.push(`${i.attempt} ${i.cause}`),
      });
      assert.deepEqual(await request({ method: "GET", path: "/x", schema: Ok }), { ok: true });
    },
  );
  assert.deepEqual(retries, ["2 HTTP 503: busy", "3 HTTP 503: busy"]);
});

test("gives up after the last attempt with MlflowUnavailable, naming the cause", async () => {
  await withServer(
    (_req, res) => res.writeHead(502).end(),
    async (url) => {
      const request = createTransport({ trackingUri: url, sleep: noSleep, attempts: 3 });
      await assert.rejects(request({ method: "GET", path: "/x", schema: Ok }), (e: MlflowError) => {
        assert.equal(e.reason, "MlflowUnavailable");
        assert.match(e.message, /after 3 attempts \(HTTP 502\)/);
        return true;
      });
    },
  );
});

test("a refused connection and a timeout are retried and reported", async () => {
  const closed = await new Promise<string>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
  const refused = createTransport({ trackingUri: closed, sleep: noSleep, attempts: 2 });
  await assert.rejects(refused({ method: "GET", path: "/x", schema: Ok }), /ECONNREFUSED/);
  await withServer(
    () => undefined, // never answers
    async (url) => {
      const slow = createTransport({ trackingUri: url, sleep: noSleep, attempts: 2, timeoutMs: 100 });
      await assert.rejects(slow({ method: "GET", path: "/x", schema: Ok }), /timed out after 100 ms/);
    },
  );
});

test("4xx is not retried; MLflow's error code is kept; the body and credentials never appear", async () => {
  let calls = 0;
  let authorization: string | undefined;
  await withServer(
    (req, res) => {
      calls++;
      authorization = req.headers.authorization;
      res.writeHead(400, { "content-type": "application/json" });
      res.end('{"error_code":"INVALID_PARAMETER_VALUE","message":"bad key"}');
    },
    async (url) => {
      const request = createTransport({
        trackingUri: `${url}/`,
        auth: { username: "ci", password: "s3cret-pw" },
        sleep: noSleep,
      });
      await assert.rejects(
        request({ method: "POST", path: "/api/x", body: { secret: "body-value" }, schema: Ok }),
        (e: MlflowError) => {
          assert.equal(e.reason, "MlflowRequestFailed");
          assert.equal(e.errorCode, "INVALID_PARAMETER_VALUE");
          assert.equal(e.status, 400);
          assert.equal(e.message, "MLflow refused POST /api/x (HTTP 400 INVALID_PARAMETER_VALUE): bad key");
          assert.doesNotMatch(e.message + String(e.stack), /s3cret|body-value|Basic/);
          return true;
        },
      );
    },
  );
  assert.equal(calls, 1);
  assert.equal(authorization, `Basic ${Buffer.from("ci:s3cret-pw").toString("base64")}`);
});

test("an answer of the wrong shape is MlflowResponseInvalid, not a crash later", async () => {
  await withServer(
    (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":"yes"}'),
    async (url) => {
      const request = createTransport({ trackingUri: url, auth: { token: "t" } });
      await assert.rejects(request({ method: "GET", path: "/x", schema: Ok }), (e: MlflowError) => {
        assert.equal(e.reason, "MlflowResponseInvalid");
        assert.match(e.message, /unexpected shape \(ok: /);
        return true;
      });
    },
  );
});

test("credentials in the tracking URI move into basic auth and out of every message and link", () => {
  const cases = [
    {
      uri: "http://ci:pw%40x@mlflow:5000/",
      base: "http://mlflow:5000",
      auth: { username: "ci", password: "pw@x" },
    },
    { uri: "https://mlflow.example/prefix/", base: "https://mlflow.example/prefix", auth: undefined },
  ];
  for (const c of cases)
    assert.deepEqual(splitCredentials({ trackingUri: c.uri }), { base: c.base, auth: c.auth });
  // Explicit auth wins over the URI's userinfo.
  assert.deepEqual(splitCredentials({ trackingUri: "http://a:b@h", auth: { token: "t" } }), {
    base: "http://h",
    auth: { token: "t" },
  });
});
