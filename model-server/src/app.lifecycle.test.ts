import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel } from "../../common/artifact/loader.ts";
import { drainAndClose } from "./lifecycle.ts";
import type { LoadModel } from "./model-holder.ts";
import { get, heldRequest, metricValue, post, startServer, type TestServer } from "./testing/http.ts";
import {
  POSITIVE_REVIEW,
  NEGATIVE_REVIEW,
  trainedModel,
  type TrainedFixture,
} from "./testing/trained-model.ts";

/** Replaces `target` with a copy of `source` the way the trainer does: a complete sibling, then renames. */
async function swapModelDir(source: string, target: string): Promise<void> {
  const staging = `${target}.staging`;
  await cp(source, staging, { recursive: true });
  await rename(target, `${target}.old`);
  await rename(staging, target);
  await rm(`${target}.old`, { recursive: true, force: true });
}

describe("readiness while the model loads", () => {
  let s: TestServer;
  let openGate!: () => void;
  let loading!: ReturnType<TestServer["holder"]["load"]>;
  before(async () => {
    const dir = (await trainedModel()).dir;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const gatedLoad: LoadModel = async (d) => {
      await gate;
      return loadModel(d);
    };
    s = await startServer({ modelDir: dir, loadModel: gatedLoad, loadFirst: false });
    loading = s.holder.load(dir);
  });
  after(() => s.close());

  test("/health is 200 but /ready, V2 readiness and predict are 503 until the load ends, then 200", async () => {
    assert.equal((await get(`${s.url}/health`)).status, 200);
    const ready = await get(`${s.url}/ready`);
    assert.equal(ready.status, 503);
    assert.equal(ready.json.error.code, "ModelNotReady");
    assert.match(String(ready.json.error.message), /still loading/);
    assert.equal((await get(`${s.url}/v2/health/ready`)).status, 503);
    assert.equal((await get(`${s.url}/v2/health/live`)).status, 200);
    const predict = await post(`${s.url}/predict`, { text: POSITIVE_REVIEW });
    assert.equal(predict.status, 503);
    assert.equal(predict.json.error.code, "ModelNotReady");
    assert.equal(predict.headers.get("retry-after"), "1");
    // An expected 503 is an answer, not a server error: one info line per request, no stack.
    const served = s.log.lines.filter((l) => l["message"] === "Served request" && l["status"] === 503);
    assert.equal(served.length, 3);
    assert.ok(served.every((l) => l["level"] === "info"));
    assert.deepEqual(
      s.log.lines.filter((l) => l["level"] === "error" || "stack" in l),
      [],
      "no error-level line and no stack for a 503 while loading",
    );

    openGate();
    assert.ok((await loading).ok);
    const after = await get(`${s.url}/ready`);
    assert.equal(after.status, 200);
    assert.equal(after.json.status, "ready");
    assert.equal((await post(`${s.url}/predict`, { text: POSITIVE_REVIEW })).status, 200);
  });
});

describe("draining", () => {
  test("once draining, /ready is 503 while /health and predictions still answer, with Connection: close", async () => {
    const s = await startServer({ modelDir: (await trainedModel()).dir });
    try {
      s.lifecycle.startDraining();
      const ready = await get(`${s.url}/ready`);
      assert.equal(ready.status, 503);
      assert.equal(ready.json.error.code, "NotReady");
      assert.equal((await get(`${s.url}/v2/health/ready`)).status, 503);
      assert.equal((await get(`${s.url}/health`)).status, 200);
      const p = await post(`${s.url}/predict`, { text: POSITIVE_REVIEW });
      assert.equal(p.status, 200);
      assert.equal(p.headers.get("connection"), "close");
    } finally {
      await s.close();
    }
  });

  test("an in-flight request finishes during the drain, new connections are refused, and the drain reports success", async () => {
    const s = await startServer({ modelDir: (await trainedModel()).dir });
    try {
      const held = heldRequest(`${s.url}/predict`, { text: POSITIVE_REVIEW });
      await held.sent;
      while (s.lifecycle.inFlight() === 0) await new Promise((r) => setTimeout(r, 5));
      const drain = drainAndClose({
        server: s.server,
        lifecycle: s.lifecycle,
        delayMs: 0,
        timeoutMs: 10_000,
      });
      await assert.rejects(fetch(`${s.url}/health`), "the listener must be closed while draining");
      held.finish();
      const res = await held.response;
      assert.equal(res.status, 200);
      assert.equal(res.json.sentiment, "positive");
      assert.deepEqual(await drain, { drained: true, abandoned: 0 });
    } finally {
      await s.close().catch(() => undefined);
    }
  });

  test("a request that never finishes is cut after the bound", async () => {
    const s = await startServer({ modelDir: (await trainedModel()).dir });
    try {
      const held = heldRequest(`${s.url}/predict`, { text: POSITIVE_REVIEW });
      held.response.catch(() => undefined);
      await held.sent;
      while (s.lifecycle.inFlight() === 0) await new Promise((r) => setTimeout(r, 5));
      const started = performance.now();
      const outcome = await drainAndClose({
        server: s.server,
        lifecycle: s.lifecycle,
        delayMs: 0,
        timeoutMs: 300,
      });
      const took = performance.now() - started;
      assert.deepEqual(outcome, { drained: false, abandoned: 1 });
      assert.ok(took >= 290 && took < 3000, `drain took ${took} ms`);
      await assert.rejects(held.response);
    } finally {
      await s.close().catch(() => undefined);
    }
  });
});

describe("hot reload", () => {
  let a: TrainedFixture;
  let b: TrainedFixture;
  let work: string;
  before(async () => {
    a = await trainedModel("a");
    b = await trainedModel("b");
    work = await mkdtemp(join(tmpdir(), "serve-reload-"));
  });
  after(() => rm(work, { recursive: true, force: true }));

  test("swapping the model under load: every request succeeds, and answers move from the old version to the new", async () => {
    const dir = join(work, "model");
    await cp(a.dir, dir, { recursive: true });
    const s = await startServer({ modelDir: dir });
    try {
      const va = s.holder.current()!.metadata.version;
      let stop = false;
      const seen: { status: number; version: string | undefined }[] = [];
      const worker = async (i: number) => {
        while (!stop) {
          const r =
            i % 2 === 0
              ? await post(`${s.url}/predict`, { text: POSITIVE_REVIEW })
              : await post(`${s.url}/predict`, {
                  texts: [POSITIVE_REVIEW, NEGATIVE_REVIEW, ...a.samples.slice(0, 30)],
                });
          seen.push({
            status: r.status,
            version: (r.json?.model ?? r.json?.predictions?.[0]?.model)?.version,
          });
        }
      };
      const workers = [0, 1, 2, 3].map(worker);
      while (seen.length < 20) await new Promise((r) => setTimeout(r, 5));
      await swapModelDir(b.dir, dir);
      const reloaded = await s.holder.load(dir); // what SIGHUP and the version watcher call
      assert.ok(reloaded.ok, reloaded.ok ? "" : reloaded.error.message);
      const vb = reloaded.value.metadata.version;
      assert.notEqual(vb, va);
      const afterSwap = seen.length;
      while (seen.length < afterSwap + 20) await new Promise((r) => setTimeout(r, 5));
      stop = true;
      await Promise.all(workers);

      const failed = seen.filter((x) => x.status !== 200);
      assert.deepEqual(failed, [], "no request may fail during the swap");
      assert.ok(seen.some((x) => x.version === va) && seen.some((x) => x.version === vb));
      assert.equal(seen.at(-1)!.version, vb);
      const ready = await get(`${s.url}/ready`);
      assert.equal(ready.json.model.version, vb);
      const metrics = (await get(`${s.url}/metrics`)).text;
      assert.equal(metricValue(metrics, "model_reloads_total", { result: "success" }), 2);
      assert.equal(metricValue(metrics, "model_info", { version: vb }), 1);
      assert.equal(
        metricValue(metrics, "model_info", { version: va }),
        undefined,
        "the old model_info series must go",
      );
      assert.ok(
        s.log.lines.some(
          (l) => l["message"] === "Loaded model" && l["version"] === vb && l["replacedVersion"] === va,
        ),
      );
    } finally {
      await s.close();
    }
  });

  test("a failed reload keeps the old model serving, and is counted and logged", async () => {
    const dir = join(work, "model-bad");
    await cp(a.dir, dir, { recursive: true });
    const s = await startServer({ modelDir: dir });
    try {
      const va = s.holder.current()!.metadata.version;
      // A new version whose files do not match their digests (a half-copied artifact).
      const metaPath = join(dir, "metadata.json");
      const meta = JSON.parse(await readFile(metaPath, "utf8")) as {
        version: string;
        files: Record<string, string>;
      };
      meta.version = `${va}-broken`;
      for (const k of Object.keys(meta.files)) meta.files[k] = "0".repeat(64);
      await writeFile(metaPath, JSON.stringify(meta));

      const inFlight = post(`${s.url}/predict`, { text: POSITIVE_REVIEW });
      const result = await s.holder.load(dir);
      assert.ok(!result.ok);
      assert.equal((await inFlight).status, 200);
      const after = await post(`${s.url}/predict`, { text: POSITIVE_REVIEW });
      assert.equal(after.status, 200);
      assert.equal(after.json.model.version, va);
      assert.equal((await get(`${s.url}/ready`)).status, 200);
      const metrics = (await get(`${s.url}/metrics`)).text;
      assert.equal(metricValue(metrics, "model_reloads_total", { result: "failure" }), 1);
      assert.equal(metricValue(metrics, "model_info", { version: va }), 1);
      const line = s.log.lines.find((l) => l["message"] === "Failed to load model");
      assert.ok(line, "a log line must report the failed load");
      assert.equal(line["level"], "error");
      assert.equal(line["keptVersion"], va);
      assert.equal(line["reason"], "ArtifactCorrupt");
    } finally {
      await s.close();
    }
  });
});
