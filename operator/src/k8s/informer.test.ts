import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { waitUntil } from "#testenv/wait.ts";
import { KubeClient } from "./client.ts";
import { Informer, type InformerEvent } from "./informer.ts";
import { Resources } from "./resources.ts";

/**
 * A scripted stand-in for the apiserver's list and watch endpoints (only the informer's restart
 * logic is under test here; the real apiserver is exercised by the *.int.test.ts files).
 */
interface Script {
  lists: { rv: string; names: string[] }[];
  watches: ((res: http.ServerResponse) => void)[];
}

const pod = (name: string, rv: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "ns", resourceVersion: rv },
});
const event = (type: string, object: unknown) => `${JSON.stringify({ type, object })}\n`;

let server: http.Server;
let script: Script;
const seen: string[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.searchParams.get("watch") === "true") {
      seen.push(
        `watch rv=${url.searchParams.get("resourceVersion")} timeout=${url.searchParams.has("timeoutSeconds")}`,
      );
      const next = script.watches.shift();
      if (next) return next(res);
      res.writeHead(200, { "Content-Type": "application/json" }).flushHeaders(); // hold open until the test ends
      return;
    }
    seen.push(`list selector=${url.searchParams.get("labelSelector")}`);
    const list = script.lists.shift() ?? { rv: "99", names: [] };
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(
      JSON.stringify({
        kind: "PodList",
        metadata: { resourceVersion: list.rv },
        items: list.names.map((n) => pod(n, list.rv)),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
after(() => {
  server.closeAllConnections();
  server.close();
});

async function fakeClient(): Promise<KubeClient> {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      // nosemgrep: tls-verification-disabled -- a plain-HTTP fake apiserver: there is no TLS to verify
      {
        name: "fake",
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "c", cluster: "fake", user: "u" }],
    currentContext: "c",
  });
  return KubeClient.create(kc);
}

describe("Informer", () => {
  test("restarts after a failed watch, relists on 410 Gone, and replays deletes", async (t) => {
    seen.length = 0;
    script = {
      lists: [
        { rv: "10", names: ["a"] },
        { rv: "20", names: ["a", "c"] }, // after 410: b is gone, c is new
      ],
      watches: [
        (res) => {
          res.writeHead(500);
          res.end("etcd is sad");
        },
        (res) => {
          res.writeHead(200, { "Content-Type": "application/json" });
          res.write(event("ADDED", pod("b", "11")));
          res.end(
            event("ERROR", {
              kind: "Status",
              code: 410,
              reason: "Expired",
              message: "too old resource version",
            }),
          );
        },
      ],
    };
    const client = await fakeClient();
    const inf = new Informer(client, {
      resource: Resources.pod,
      namespace: "ns",
      labelSelector: "app=x",
      restartDelayMs: 10,
    });
    t.after(async () => {
      await inf.stop();
      client.close();
    });
    const events: string[] = [];
    inf.on((o, e: InformerEvent) => events.push(`${e} ${o.metadata?.name}`));
    inf.start();
    await inf.synced();
    await waitUntil("the relist after 410", () => events.includes("add c"), { timeoutMs: 5000 });

    assert.deepEqual(
      inf
        .list()
        .map((p) => p.metadata?.name)
        .sort(),
      ["a", "c"],
    );
    // The relist replays the world: b is gone, a has a new resourceVersion, c is new.
    assert.deepEqual(events, ["add a", "add b", "delete b", "update a", "add c"]);
    assert.equal(inf.get("ns", "c")?.kind, "Pod", "list items get their kind filled in");
    assert.deepEqual(seen.slice(0, 5), [
      "list selector=app=x",
      "watch rv=10 timeout=true", // failed with 500
      "watch rv=10 timeout=true", // restarted from the same resourceVersion
      "list selector=app=x", // 410 Gone: relist
      "watch rv=20 timeout=true",
    ]);
    const stats = client.stats.snapshot();
    assert.equal(stats["list pods"], 2);
    assert.equal(stats["watch pods"], 3);
  });

  test("keeps retrying a failing first list with backoff; synced resolves when it succeeds", async (t) => {
    let failures = 2;
    script = { lists: [], watches: [] };
    const original = server.listeners("request")[0] as http.RequestListener;
    server.removeAllListeners("request");
    server.on("request", (req, res) => {
      if (!req.url?.includes("watch=true") && failures > 0) {
        failures--;
        res.writeHead(503, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ kind: "Status", reason: "ServiceUnavailable", message: "starting" }));
        return;
      }
      original(req, res);
    });
    script.lists.push({ rv: "5", names: ["x"] });
    const client = await fakeClient();
    const inf = new Informer(client, { resource: Resources.pod, restartDelayMs: 10 });
    t.after(async () => {
      await inf.stop();
      client.close();
      server.removeAllListeners("request");
      server.on("request", original);
    });
    inf.start();
    await inf.synced();
    assert.equal(failures, 0);
    assert.equal(inf.hasSynced, true);
    assert.deepEqual(
      inf.list().map((p) => p.metadata?.name),
      ["x"],
    );
    assert.equal(client.stats.snapshot()["list pods"], 3, "two failed lists, then one that worked");
  });
});
