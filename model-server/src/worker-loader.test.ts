import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel } from "../../common/artifact/loader.ts";
import { get, post, startServer, type TestServer } from "./testing/http.ts";
import {
  NEGATIVE_REVIEW,
  POSITIVE_REVIEW,
  trainedModel,
  type TrainedFixture,
} from "./testing/trained-model.ts";
import { createWorkerLoader, type WorkerPredictor } from "./worker-loader.ts";

describe("model in a worker thread (--predict-in-worker)", () => {
  let a: TrainedFixture;
  let b: TrainedFixture;
  let s: TestServer;
  before(async () => {
    a = await trainedModel("a");
    b = await trainedModel("b");
    s = await startServer({ modelDir: a.dir, loadModel: createWorkerLoader() });
  });
  after(() => s.close());

  test("scores exactly like the in-process model, over HTTP", async () => {
    const texts = [POSITIVE_REVIEW, NEGATIVE_REVIEW, ...a.samples.slice(0, 20)];
    const reference = await loadModel(a.dir);
    assert.ok(reference.ok);
    const expected = await reference.value.predictor.predictProba(texts);
    reference.value.predictor.dispose();
    const r = await post(`${s.url}/predict`, { texts });
    assert.equal(r.status, 200);
    assert.deepEqual(
      (r.json.predictions as { probability: number }[]).map((p) => p.probability),
      Array.from(expected),
    );
    const single = await post(`${s.url}/predict`, { text: POSITIVE_REVIEW });
    assert.equal(single.json.probability, expected[0]);
  });

  test("a crashed worker is reported once and its calls fail; a disposed one is not a crash", async () => {
    const crashes: string[] = [];
    const load = createWorkerLoader({ onCrash: (dir) => crashes.push(dir) });
    const first = await load(a.dir);
    const second = await load(a.dir);
    assert.ok(first.ok && second.ok);
    const crashed = first.value.predictor as WorkerPredictor;
    await crashed.worker.terminate(); // what an out-of-memory worker looks like from outside
    await assert.rejects(crashed.predictProba(["x"]), /exited/);
    second.value.predictor.dispose();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(crashes, [a.dir]);
  });

  test("a reload swaps workers under load without failures, and a bad directory keeps the old one", async () => {
    const results: number[] = [];
    const burst = Promise.all(
      Array.from({ length: 60 }, async () =>
        results.push((await post(`${s.url}/predict`, { text: POSITIVE_REVIEW })).status),
      ),
    );
    const swapped = await s.holder.load(b.dir);
    await burst;
    assert.ok(swapped.ok);
    assert.ok(results.every((x) => x === 200));
    assert.equal((await get(`${s.url}/ready`)).json.model.version, "fixture-b");

    const empty = await mkdtemp(join(tmpdir(), "serve-worker-"));
    try {
      const failed = await s.holder.load(empty);
      assert.ok(!failed.ok);
      assert.equal(failed.error.reason, "ArtifactNotFound", "the worker reports the shared loader's reason");
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
    assert.equal((await post(`${s.url}/predict`, { text: NEGATIVE_REVIEW })).json.model.version, "fixture-b");
  });
});
