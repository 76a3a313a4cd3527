import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { RequestStats } from "../k8s/request-stats.ts";
import { createProbeApp, type Readiness } from "./app.ts";
import { OperatorMetrics } from "./metrics.ts";

async function serve(readiness: () => Readiness, healthy?: () => boolean) {
  const metrics = new OperatorMetrics();
  const app = createProbeApp({ registry: metrics.registry, readiness, ...(healthy ? { healthy } : {}) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { metrics, base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("probe app", () => {
  test("/readyz answers 503 with the reason until ready, then 200 with the role", async () => {
    let r: Readiness = { ready: false, role: "starting", detail: "Caches not synced: trainingruns" };
    const s = await serve(() => r);
    try {
      let res = await fetch(`${s.base}/readyz`);
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), r);
      r = { ready: true, role: "standby", detail: "Waiting for the leader lease" };
      res = await fetch(`${s.base}/readyz`);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as Readiness).role, "standby");
    } finally {
      await s.close();
    }
  });

  test("/healthz follows the liveness check", async () => {
    let alive = true;
    const s = await serve(
      () => ({ ready: true, role: "leader", detail: "" }),
      () => alive,
    );
    try {
      assert.equal((await fetch(`${s.base}/healthz`)).status, 200);
      alive = false;
      assert.equal((await fetch(`${s.base}/healthz`)).status, 503);
    } finally {
      await s.close();
    }
  });

  test("/metrics exposes reconciles, errors, duration, queue depth, requests and RSS", async () => {
    const s = await serve(() => ({ ready: true, role: "leader", detail: "" }));
    try {
      const m = s.metrics.forController("sentimentmodel");
      m.reconciled!("success", 0.02);
      m.reconciled!("error", 0.5);
      m.depth!(7);
      const stats = new RequestStats();
      s.metrics.countRequests(stats);
      stats.record({ verb: "patch", resource: "sentimentmodels/status", code: 200 });
      s.metrics.setLeader(true);
      const res = await fetch(`${s.base}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
      const text = await res.text();
      assert.match(
        text,
        /sentiment_operator_reconcile_total\{controller="sentimentmodel",result="success"\} 1/,
      );
      assert.match(text, /sentiment_operator_reconcile_errors_total\{controller="sentimentmodel"\} 1/);
      assert.match(
        text,
        /sentiment_operator_reconcile_duration_seconds_count\{controller="sentimentmodel"\} 2/,
      );
      assert.match(text, /sentiment_operator_workqueue_depth\{controller="sentimentmodel"\} 7/);
      assert.match(
        text,
        /sentiment_operator_kube_requests_total\{verb="patch",resource="sentimentmodels\/status",code="200"\} 1/,
      );
      assert.match(text, /sentiment_operator_leader 1/);
      assert.match(text, /sentiment_operator_process_resident_memory_bytes \d+/);
    } finally {
      await s.close();
    }
  });

  test("unknown paths give 404 naming the routes; writes give 405", async () => {
    const s = await serve(() => ({ ready: true, role: "leader", detail: "" }));
    try {
      const res = await fetch(`${s.base}/nope`);
      assert.equal(res.status, 404);
      assert.match(((await res.json()) as { error: string }).error, /\/metrics, \/healthz or \/readyz/);
      assert.equal((await fetch(`${s.base}/metrics`, { method: "POST" })).status, 405);
    } finally {
      await s.close();
    }
  });
});
