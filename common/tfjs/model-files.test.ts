import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { LayersModel, SymbolicTensor, Tensor } from "@tensorflow/tfjs";
import { createLogger } from "../log.ts";
import { BidirectionalLstm, SeededDropout } from "../models/bilstm-layers.ts";
import { FailureError } from "../result.ts";
import { initTfjs, type TfjsRuntime } from "./init.ts";
import { MODEL_JSON_FILE, modelFiles, WEIGHTS_FILE } from "./model-files.ts";

describe("modelFiles", () => {
  let rt: TfjsRuntime;
  let dir: string;
  const build = (): LayersModel => {
    const tf = rt.tf;
    const input = tf.input({ shape: [null], dtype: "int32" });
    const embedded = tf.layers
      .embedding({ inputDim: 20, outputDim: 4, maskZero: true, name: "embedding" })
      .apply(input);
    const dropped = new SeededDropout({ rate: 0.5, seed: 1 }).apply(embedded);
    const encoded = new BidirectionalLstm({ units: 3, returnSequences: false, seed: 2 }).apply(dropped);
    const output = tf.layers.dense({ units: 1, activation: "sigmoid" }).apply(encoded) as SymbolicTensor;
    return tf.model({ inputs: input, outputs: output });
  };

  before(async () => {
    rt = await initTfjs({ logger: createLogger({ component: "test", silent: true }) });
    dir = await mkdtemp(join(tmpdir(), "model-files-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("saves model.json and weights.bin that tf.loadLayersModel reads back, custom layers included", async () => {
    const tf = rt.tf;
    const model = build();
    await model.save(modelFiles(dir));
    const json = JSON.parse(await readFile(join(dir, MODEL_JSON_FILE), "utf8")) as {
      weightsManifest: { paths: string[] }[];
    };
    assert.deepEqual(json.weightsManifest[0]!.paths, [`./${WEIGHTS_FILE}`]);
    const loaded = await tf.loadLayersModel(modelFiles(dir));
    const ids = tf.tensor2d(
      [
        [1, 2, 3, 0],
        [5, 0, 0, 0],
        [19, 18, 17, 16],
      ],
      [3, 4],
      "int32",
    );
    const want = await (model.predict(ids) as Tensor).data();
    const got = await (loaded.predict(ids) as Tensor).data();
    assert.deepEqual(Array.from(got), Array.from(want));
    tf.dispose([ids]);
    model.dispose();
    loaded.dispose();
  });

  const refusals: [string, (d: string) => Promise<void>, RegExp][] = [
    ["a missing model.json", (d) => rm(join(d, MODEL_JSON_FILE)), /model\.json is missing/],
    ["model.json that is not JSON", (d) => writeFile(join(d, MODEL_JSON_FILE), "{nope"), /not JSON/],
    ["a missing weights.bin", (d) => rm(join(d, WEIGHTS_FILE)), /weights\.bin is missing/],
    [
      "a truncated weights.bin",
      async (d) => writeFile(join(d, WEIGHTS_FILE), (await readFile(join(d, WEIGHTS_FILE))).subarray(0, 10)),
      /hold 10 bytes where the manifest needs/,
    ],
    [
      "a weights path outside the directory",
      async (d) => {
        const json = JSON.parse(await readFile(join(d, MODEL_JSON_FILE), "utf8")) as {
          weightsManifest: { paths: string[] }[];
        };
        json.weightsManifest[0]!.paths = ["../secret.bin"];
        await writeFile(join(d, MODEL_JSON_FILE), JSON.stringify(json));
      },
      /leaves the model directory/,
    ],
  ];
  for (const [name, damage, message] of refusals) {
    test(`refuses ${name} with ArtifactCorrupt`, async () => {
      const d = await mkdtemp(join(dir, "case-"));
      const model = build();
      await model.save(modelFiles(d));
      model.dispose();
      await damage(d);
      await assert.rejects(rt.tf.loadLayersModel(modelFiles(d)), (e: unknown) => {
        assert.ok(e instanceof FailureError, `expected a FailureError, got ${String(e)}`);
        assert.equal(e.reason, "ArtifactCorrupt");
        assert.match(e.message, message);
        return true;
      });
    });
  }
});
