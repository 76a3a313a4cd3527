import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ModelMetadata } from "../../common/artifact/metadata.ts";
import { err, failure, ok } from "../../common/result.ts";
import { createModelHolder, type HolderEvent, type LoadedModel, type LoadModel } from "./model-holder.ts";

// Pure unit tests of the swap and disposal rules: a stub predictor is enough here. The contract
// with a real model is tested over HTTP in app.*.test.ts.
function stubModel(version: string, disposed: string[]): LoadedModel {
  return {
    dir: `/models/${version}`,
    sha256: "0".repeat(64),
    metadata: { name: "m", version } as ModelMetadata,
    predictor: {
      architecture: "stub",
      predictProba: (texts) => Promise.resolve(new Float64Array(texts.length).fill(0.5)),
      dispose: () => disposed.push(version),
    },
  };
}

function loaderFrom(script: Record<string, "ok" | "fail" | "throw">, disposed: string[]): LoadModel {
  return (dir) => {
    const v = dir.split("/").at(-1)!;
    if (script[v] === "fail") return Promise.resolve(err(failure("ArtifactCorrupt", `bad ${v}`)));
    if (script[v] === "throw") return Promise.reject(new Error(`exploded ${v}`));
    return Promise.resolve(ok(stubModel(v, disposed)));
  };
}

describe("model holder", () => {
  test("has no model until the first load succeeds", async () => {
    const h = createModelHolder(loaderFrom({ v1: "ok" }, []));
    assert.equal(h.current(), undefined);
    assert.equal(h.acquire(), undefined);
    const p = h.load("/models/v1");
    assert.equal(h.loading(), true);
    assert.ok((await p).ok);
    assert.equal(h.loading(), false);
    assert.equal(h.current()?.metadata.version, "v1");
  });

  test("a replaced model is disposed only when its last lease is released", async () => {
    const disposed: string[] = [];
    const h = createModelHolder(loaderFrom({ v1: "ok", v2: "ok" }, disposed));
    await h.load("/models/v1");
    const l1 = h.acquire()!;
    const l2 = h.acquire()!;
    await h.load("/models/v2");
    assert.equal(h.current()?.metadata.version, "v2");
    assert.equal(l1.model.metadata.version, "v1");
    l1.release();
    l1.release(); // idempotent
    assert.deepEqual(disposed, []);
    l2.release();
    assert.deepEqual(disposed, ["v1"]);
    const l3 = h.acquire()!;
    assert.equal(l3.model.metadata.version, "v2");
    l3.release();
    assert.deepEqual(disposed, ["v1"], "the serving model is never disposed by a release");
  });

  test("a failed or throwing load keeps the old model and reports LoadFailed", async () => {
    const disposed: string[] = [];
    const h = createModelHolder(loaderFrom({ v1: "ok", v2: "fail", v3: "throw" }, disposed));
    const events: HolderEvent[] = [];
    h.subscribe((e) => events.push(e));
    await h.load("/models/v1");
    const r2 = await h.load("/models/v2");
    const r3 = await h.load("/models/v3");
    assert.ok(!r2.ok && r2.error.reason === "ArtifactCorrupt");
    assert.ok(!r3.ok && r3.error.reason === "LoadFailed" && /exploded v3/.test(r3.error.message));
    assert.equal(h.current()?.metadata.version, "v1");
    assert.deepEqual(disposed, []);
    assert.deepEqual(
      events.map((e) => [e.type, e.type === "LoadFailed" ? e.kept?.metadata.version : undefined]),
      [
        ["Loaded", undefined],
        ["LoadFailed", "v1"],
        ["LoadFailed", "v1"],
      ],
    );
  });

  test("loads run one at a time in call order, and a throwing listener breaks nothing", async () => {
    const order: string[] = [];
    const h = createModelHolder(async (dir) => {
      const v = dir.split("/").at(-1)!;
      order.push(`start ${v}`);
      await new Promise((r) => setTimeout(r, v === "v1" ? 20 : 1));
      order.push(`end ${v}`);
      return ok(stubModel(v, []));
    });
    h.subscribe(() => {
      throw new Error("listener bug");
    });
    await Promise.all([h.load("/models/v1"), h.load("/models/v2")]);
    assert.deepEqual(order, ["start v1", "end v1", "start v2", "end v2"]);
    assert.equal(h.current()?.metadata.version, "v2");
  });

  test("close retires the serving model", async () => {
    const disposed: string[] = [];
    const h = createModelHolder(loaderFrom({ v1: "ok" }, disposed));
    await h.load("/models/v1");
    const lease = h.acquire()!;
    h.close();
    assert.equal(h.current(), undefined);
    assert.deepEqual(disposed, []);
    lease.release();
    assert.deepEqual(disposed, ["v1"]);
  });
});
