/**
 * The bilstm trainer on real IMDB reviews (SENTIMENT_IMDB_PATH), with a small network so the
 * suite stays within seconds; the reference sizes are measured by bench/bilstm.bench.ts.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadModel } from "../../../../common/artifact/loader.ts";
import { createLogger } from "../../../../common/log.ts";
import { initTfjs, type TfjsRuntime } from "../../../../common/tfjs/init.ts";
import { loadDataset } from "../../data/load.ts";
import { evaluate } from "../../evaluate.ts";
import { seededRandom } from "../../random.ts";
import { train } from "../../train.ts";
import { registerTrainer } from "../registry.ts";
import type { LabeledText } from "../types.ts";
import { bucketedBatches } from "./batches.ts";
import { BILSTM_DEFAULTS, createBilstmTrainer, prepareData, trainBatch } from "./index.ts";
import { buildBilstmNetwork } from "./network.ts";

const SMALL = { embeddingDim: 16, hiddenSize: 16, layers: 2, dropout: 0 } as const;

function imdbPath(): string {
  const path = process.env["SENTIMENT_IMDB_PATH"];
  assert.ok(path, "SENTIMENT_IMDB_PATH must point at aclImdb_v1 (.tar.gz or directory) for the bilstm tests");
  return path;
}

describe("bucketedBatches", () => {
  const lengths = Array.from({ length: 103 }, (_, i) => (i * 37) % 50);

  test("puts every example in exactly one batch of at most batchSize", () => {
    const batches = bucketedBatches(lengths, 10, seededRandom(1), 3);
    assert.deepEqual(
      batches.flat().sort((a, b) => a - b),
      lengths.map((_, i) => i),
    );
    assert.ok(batches.every((b) => b.length >= 1 && b.length <= 10));
  });

  test("batches hold reviews of similar length: sorted within each batch", () => {
    for (const b of bucketedBatches(lengths, 10, seededRandom(2), 3)) {
      assert.deepEqual(
        b.map((i) => lengths[i]),
        b.map((i) => lengths[i]!).sort((x, y) => x - y),
      );
    }
  });

  test("is deterministic per seed and differs between seeds", () => {
    assert.deepEqual(
      bucketedBatches(lengths, 10, seededRandom(3)),
      bucketedBatches(lengths, 10, seededRandom(3)),
    );
    assert.notDeepEqual(
      bucketedBatches(lengths, 10, seededRandom(3)),
      bucketedBatches(lengths, 10, seededRandom(4)),
    );
  });
});

describe("bilstm on real IMDB reviews", () => {
  let rt: TfjsRuntime;
  let reviews: readonly LabeledText[];
  let dir: string;

  before(async () => {
    rt = await initTfjs({ logger: createLogger({ component: "test", silent: true }) });
    const loaded = await loadDataset(imdbPath());
    assert.ok(loaded.ok, loaded.ok ? "" : loaded.error.message);
    reviews = loaded.value.train;
    dir = await mkdtemp(join(tmpdir(), "bilstm-test-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("the reference sizes are the defaults", () => {
    assert.deepEqual(
      {
        e: BILSTM_DEFAULTS.embeddingDim,
        h: BILSTM_DEFAULTS.hiddenSize,
        l: BILSTM_DEFAULTS.layers,
        d: BILSTM_DEFAULTS.dropout,
      },
      { e: 100, h: 256, l: 2, d: 0.5 },
    );
  });

  test("learns: the loss on a batch of 32 reviews falls by more than half in 12 steps", async () => {
    const batch = [
      ...reviews.filter((e) => e.label === 1).slice(0, 16),
      ...reviews.filter((e) => e.label === 0).slice(0, 16),
    ];
    const data = prepareData({ train: batch, validation: [], minFreq: 1, maxLength: 64 });
    const network = buildBilstmNetwork({ vocabularySize: data.vocabulary.size, ...SMALL, seed: 1 });
    network.compile({ optimizer: rt.tf.train.adam(0.01), loss: "binaryCrossentropy" });
    const rows = batch.map((_, i) => i);
    const losses: number[] = [];
    for (let step = 0; step < 12; step++) losses.push(await trainBatch(rt.tf, network, data.train, rows));
    network.dispose();
    assert.ok(losses[11]! < losses[0]! / 2, `losses ${losses.map((l) => l.toFixed(3)).join(" ")}`);
  });

  test("trains through `train` and `--arch bilstm`, and the saved artifact reproduces its metrics", async () => {
    registerTrainer("bilstm", () => Promise.resolve(createBilstmTrainer({ ...SMALL, patience: 1 })));
    const out = join(dir, "model");
    const trained = await train({
      data: imdbPath(),
      out,
      architecture: "bilstm",
      limit: 200,
      epochs: 1,
      batchSize: 50,
      maxLength: 48,
      learningRate: 0.01,
    });
    assert.ok(trained.ok, trained.ok ? "" : trained.error.message);
    const { metadata } = trained.value;
    assert.equal(metadata.architecture, "bilstm");
    assert.match(metadata.backend, /^tfjs-(wasm|cpu|node)$/);
    assert.equal(metadata.metrics.history.length, 1);
    assert.equal(metadata.hyperparameters["hiddenSize"], SMALL.hiddenSize);

    const loaded = await loadModel(out);
    assert.ok(loaded.ok, loaded.ok ? "" : loaded.error.message);
    assert.equal(loaded.value.predictor.architecture, "bilstm");
    const p = await loaded.value.predictor.predictProba(["", "A wonderful, moving film.", "x ".repeat(500)]);
    assert.ok(Array.from(p).every((v) => v > 0 && v < 1));
    loaded.value.predictor.dispose();

    const evaluated = await evaluate({ model: out, data: imdbPath() });
    assert.ok(evaluated.ok, evaluated.ok ? "" : evaluated.error.message);
    assert.equal(evaluated.value.reproducesSaved, true);
    assert.deepEqual(evaluated.value.metrics, metadata.metrics.test);
  });
});
