import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadModel } from "../../common/artifact/loader.ts";
import type { Dataset } from "./data/dataset.ts";
import { loadDataset } from "./data/load.ts";
import { evaluate } from "./evaluate.ts";
import { imdbArchivePath, withTempDir } from "./testing/fixtures.ts";
import { train } from "./train.ts";

describe("training on real IMDB reviews", () => {
  let data: string;
  let dataset: Dataset;
  before(async () => {
    data = imdbArchivePath();
    const loaded = await loadDataset(data);
    assert.ok(loaded.ok, loaded.ok ? "" : loaded.error.message);
    dataset = loaded.value;
  });

  test("a 2,000-review subset gives a model well above chance that evaluate reproduces", () =>
    withTempDir(async (dir) => {
      const out = join(dir, "model");
      const trained = await train({ data, out, limit: 2000 }, { dataset });
      assert.ok(trained.ok, trained.ok ? "" : trained.error.message);
      const { test: metrics, metadata, summary } = trained.value;
      assert.equal(metrics.examples, 2000);
      assert.ok(metrics.accuracy > 0.8, `test accuracy ${metrics.accuracy}`);
      assert.ok(metrics.auc > 0.9, `test AUC ${metrics.auc}`);
      assert.equal(metadata.dataset.trainSize + metadata.dataset.validationSize, 2000);
      assert.equal(summary.artifact.sha256, trained.value.sha256);

      const again = await evaluate({ model: out, data }, { dataset });
      assert.ok(again.ok, again.ok ? "" : again.error.message);
      assert.equal(again.value.reproducesSaved, true);
      assert.deepEqual(again.value.metrics, metrics);

      const loaded = await loadModel(out);
      assert.ok(loaded.ok);
      const [pos, neg] = await loaded.value.predictor.predictProba([
        "One of the best films I have seen. Brilliant acting and a wonderful story.",
        "Terrible. The worst movie ever, a boring waste of time.",
      ]);
      assert.ok(pos! > 0.8 && neg! < 0.2, `${pos} ${neg}`);
    }));

  test("the same data and seed give the same vocabulary and metrics", () =>
    withTempDir(async (dir) => {
      const a = await train({ data, out: join(dir, "a"), limit: 600, seed: 5 }, { dataset });
      const b = await train({ data, out: join(dir, "b"), limit: 600, seed: 5 }, { dataset });
      assert.ok(a.ok && b.ok);
      assert.deepEqual(a.value.test, b.value.test);
      assert.deepEqual(a.value.metadata.files, b.value.metadata.files, "byte-identical model files");
    }));
});
