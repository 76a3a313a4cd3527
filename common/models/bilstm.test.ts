import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { SymbolicTensor } from "@tensorflow/tfjs";
import { createLogger } from "../log.ts";
import { FailureError } from "../result.ts";
import { basicEnglish } from "../text/tokenizer.ts";
import { Vocabulary } from "../text/vocab.ts";
import { initTfjs, type TfjsRuntime } from "../tfjs/init.ts";
import { BILSTM_FILES, BilstmModel, loadBilstmPredictor, padSequences, type BilstmConfig } from "./bilstm.ts";
import { BidirectionalLstm } from "./bilstm-layers.ts";

const TEXTS = ["A great film, great acting.", "Dull. A waste of time!", "", "unknownword ".repeat(40)];

describe("padSequences", () => {
  test("pads with 0 to the longest sequence, and gives empty input one step", () => {
    assert.deepEqual(padSequences([Int32Array.of(5, 6), Int32Array.of(7)]), {
      data: Int32Array.of(5, 6, 7, 0),
      steps: 2,
    });
    assert.deepEqual(padSequences([new Int32Array(0)]), { data: Int32Array.of(0), steps: 1 });
  });
});

describe("bilstm predictor", () => {
  let rt: TfjsRuntime;
  let dir: string;
  let model: BilstmModel;

  before(async () => {
    rt = await initTfjs({ logger: createLogger({ component: "test", silent: true }) });
    const tf = rt.tf;
    const vocabulary = Vocabulary.build(TEXTS.map(basicEnglish), { minFreq: 1 });
    const config: BilstmConfig = {
      format: "bilstm/v1",
      tokenizer: "basic_english",
      maxLength: 8,
      vocabularySize: vocabulary.size,
      embeddingDim: 4,
      hiddenSize: 3,
      layers: 1,
      dropout: 0,
    };
    const input = tf.input({ shape: [null], dtype: "int32" });
    const embedded = tf.layers
      .embedding({ inputDim: vocabulary.size, outputDim: 4, maskZero: true, name: "embedding" })
      .apply(input);
    const encoded = new BidirectionalLstm({ units: 3, returnSequences: false, seed: 1 }).apply(embedded);
    const output = tf.layers.dense({ units: 1, activation: "sigmoid" }).apply(encoded) as SymbolicTensor;
    model = new BilstmModel(tf, tf.model({ inputs: input, outputs: output }), vocabulary, config);
    dir = await mkdtemp(join(tmpdir(), "bilstm-predictor-"));
    await model.save(dir);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("reloads with the same predictions, for any string", async () => {
    const want = await model.predictProba(TEXTS);
    const loaded = await loadBilstmPredictor(dir);
    const got = await loaded.predictProba(TEXTS);
    assert.deepEqual(Array.from(got), Array.from(want));
    assert.ok(got.every((p) => p > 0 && p < 1));
    loaded.dispose();
  });

  test("truncates reviews to maxLength tokens", () => {
    assert.equal(model.encode("one two three four five six seven eight nine ten").length, 8);
  });

  const refusals: [string, (d: string) => Promise<void>, RegExp][] = [
    [
      "an invalid bilstm.json",
      (d) => writeFile(join(d, BILSTM_FILES.config), JSON.stringify({ format: "bilstm/v0" })),
      /bilstm\.json is invalid/,
    ],
    [
      "a vocabulary of another size",
      async (d) => {
        const json = JSON.parse(await readFile(join(d, BILSTM_FILES.vocabulary), "utf8")) as {
          tokens: string[];
        };
        json.tokens.push("extra");
        await writeFile(join(d, BILSTM_FILES.vocabulary), JSON.stringify(json));
      },
      /vocab\.json has \d+ tokens/,
    ],
    [
      "a network whose embedding does not fit the vocabulary",
      async (d) => {
        const config = JSON.parse(await readFile(join(d, BILSTM_FILES.config), "utf8")) as BilstmConfig;
        const vocabulary = JSON.parse(await readFile(join(d, BILSTM_FILES.vocabulary), "utf8")) as {
          tokens: string[];
        };
        vocabulary.tokens.push("extra");
        await writeFile(join(d, BILSTM_FILES.vocabulary), JSON.stringify(vocabulary));
        await writeFile(
          join(d, BILSTM_FILES.config),
          JSON.stringify({ ...config, vocabularySize: config.vocabularySize + 1 }),
        );
      },
      /model\.json embeds \d+ tokens/,
    ],
  ];
  for (const [name, damage, message] of refusals) {
    test(`refuses ${name} with ArtifactCorrupt`, async () => {
      const d = await mkdtemp(join(dir, "case-"));
      await model.save(d);
      await damage(d);
      await assert.rejects(loadBilstmPredictor(d), (e: unknown) => {
        assert.ok(e instanceof FailureError, String(e));
        assert.equal(e.reason, "ArtifactCorrupt");
        assert.match(e.message, message);
        return true;
      });
    });
  }
});
