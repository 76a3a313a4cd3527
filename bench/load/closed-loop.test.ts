import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { closedLoop, encodeRequests, frameResponse } from "./closed-loop.ts";

describe("frameResponse", () => {
  const ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
  const cases: { name: string; bytes: string; want: { end: number; status: number } | undefined }[] = [
    { name: "a whole response", bytes: ok, want: { end: ok.length, status: 200 } },
    { name: "headers not complete", bytes: ok.slice(0, 30), want: undefined },
    { name: "body not complete", bytes: ok.slice(0, -1), want: undefined },
    { name: "a second response behind it", bytes: ok + ok, want: { end: ok.length, status: 200 } },
    {
      name: "lower-case header, another status",
      bytes: "HTTP/1.1 413 Payload Too Large\r\ncontent-length: 3\r\n\r\nabc",
      want: { end: 56, status: 413 },
    },
    {
      name: "mixed-case header",
      bytes: "HTTP/1.1 404 Not Found\r\nCONTENT-LENGTH: 0\r\n\r\n",
      want: { end: 45, status: 404 },
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(frameResponse(Buffer.from(c.bytes)), c.want));
  }
  test("a response it cannot frame is an error, not a hang", () => {
    assert.throws(
      () => frameResponse(Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")),
      /without Content-Length/,
    );
  });
  test("requests carry the path, host, JSON type and exact length", () => {
    const [r] = encodeRequests(new URL("http://127.0.0.1:9/predict?x=1"), [Buffer.from('{"text":"é"}')]);
    assert.equal(
      r!.toString(),
      'POST /predict?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"text":"é"}',
    );
  });
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/predict` };
}

describe("closedLoop against a real HTTP server", () => {
  test("every body is sent in turn; 200s are timed, other statuses are errors; closed connections reconnect", async () => {
    const seen = new Map<string, number>();
    let served = 0;
    const { server, url } = await serve((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.set(body, (seen.get(body) ?? 0) + 1);
        served++;
        const bad = body.includes('"b"');
        // every 10th response closes the connection, as a draining server would
        if (served % 10 === 0) res.setHeader("Connection", "close");
        const out = bad ? '{"error":{}}' : '{"ok":true}';
        res.writeHead(bad ? 400 : 200, { "content-type": "application/json", "content-length": out.length });
        res.end(out);
      });
    });
    try {
      const bodies = ['{"text":"a"}', '{"text":"b"}', '{"text":"c"}', '{"text":"d"}'].map((b) =>
        Buffer.from(b),
      );
      const r = await closedLoop({ url, bodies, connections: 4, seconds: 0.5 });
      assert.ok(r.ok > 50, `only ${r.ok} responses in 0.5 s`);
      assert.equal(r.ok + r.errors, served, "every request sent was answered and counted once");
      assert.equal(r.latenciesMs.length, r.ok);
      assert.ok(r.latenciesMs.every((ms) => ms > 0 && ms < 5000));
      const b = seen.get('{"text":"b"}') ?? 0;
      assert.equal(r.errors, b, "the 400s are the errors");
      for (const [body, n] of seen)
        assert.ok(Math.abs(n - served / 4) <= 4, `${body} sent ${n} of ${served}`);
      assert.ok(r.generatorCpuUs > 0);
    } finally {
      server.close();
    }
  });

  test("a response without Content-Length ends the run with that error", async () => {
    const { server, url } = await serve((_req, res) => {
      res.write("chunked, ");
      res.end("no length");
    });
    try {
      await assert.rejects(
        closedLoop({ url, bodies: [Buffer.from("{}")], connections: 2, seconds: 5 }),
        /without Content-Length/,
      );
    } finally {
      server.close();
    }
  });

  test("a server that refuses connections gives errors, and the run still ends", async () => {
    const { server, url } = await serve(() => undefined);
    server.close();
    await new Promise((r) => server.once("close", r));
    const r = await closedLoop({ url, bodies: [Buffer.from("{}")], connections: 2, seconds: 0.2 });
    assert.equal(r.ok, 0);
    assert.ok(r.errors > 0);
  });
});
