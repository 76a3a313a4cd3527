import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NblrFeaturizer, NblrModel, NBLR_FILES } from "../models/nblr.ts";
import { NgramTable, packHi, packLo } from "../models/ngram-table.ts";
import { basicEnglish } from "../text/tokenizer.ts";
import { Vocabulary } from "../text/vocab.ts";
import { artifactSha256 } from "./files.ts";
import { ArtifactReason, loadModel } from "./loader.ts";
import { METADATA_FILE } from "./metadata.ts";
import { defaultVersion } from "./version.ts";
import { stageArtifact, writeArtifact, type MetadataDraft } from "./writer.ts";

const texts = [
  "A great movie, truly great!",
  "Not good. A boring, bad movie.",
  "Great acting; not bad at all",
  "",
];

/** A hand-built nblr model: every token and the bigram "not bad" get a weight. */
function tinyModel(): NblrModel {
  const vocab = Vocabulary.build(texts.map(basicEnglish), { minFreq: 1 });
  const table = new NgramTable();
  const not = vocab.indexOf("not");
  const bad = vocab.indexOf("bad");
  table.insert(packHi(-1, not), packLo(not, bad));
  const weights = new Float32Array(vocab.size + table.size);
  weights[vocab.indexOf("great")] = 1.5;
  weights[bad] = -2;
  weights[vocab.indexOf("boring")] = -1;
  weights[vocab.size] = 2.5; // "not bad"
  return new NblrModel(new NblrFeaturizer(vocab, table, 2, 0), weights, 0.25);
}

const draft = (version: string): MetadataDraft => ({
  name: "sentiment",
  version,
  architecture: "nblr",
  hyperparameters: { seed: 42 },
  preprocessing: { tokenizer: "basic_english", minFreq: 1 },
  dataset: { source: "fixture", trainSize: 3, validationSize: 1, testSize: 0 },
  metrics: { trainSeconds: 0.1, history: [] },
  createdAt: new Date(0).toISOString(),
  trainerVersion: "0.1.0",
  backend: "plain-js",
});

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "artifact-test-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeTiny(target: string, model = tinyModel()): Promise<void> {
  const written = await writeArtifact({
    target,
    writeFiles: (dir) => model.save(dir),
    metadata: (digest) => draft(defaultVersion(new Date(0), digest)),
  });
  assert.ok(written.ok, written.ok ? "" : written.error.message);
}

async function refusal(dir: string): Promise<{ reason: string; message: string }> {
  const loaded = await loadModel(dir);
  assert.ok(!loaded.ok, "the artifact should have been refused");
  return loaded.error;
}

describe("artifact round-trip", () => {
  test("a written model loads with the same metadata and the same predictions", () =>
    withDir(async (root) => {
      const model = tinyModel();
      const target = join(root, "m");
      await writeTiny(target, model);
      const loaded = await loadModel(target);
      assert.ok(loaded.ok, loaded.ok ? "" : loaded.error.message);
      assert.equal(loaded.value.metadata.architecture, "nblr");
      assert.match(loaded.value.metadata.version, /^19700101-000000-[0-9a-f]{8}$/);
      assert.deepEqual(Object.keys(loaded.value.metadata.files).sort(), Object.values(NBLR_FILES).sort());
      assert.equal(loaded.value.sha256, await artifactSha256(target));
      assert.deepEqual(await loaded.value.predictor.predictProba(texts), await model.predictProba(texts));
      const [pos, neg, notBad, empty] = await loaded.value.predictor.predictProba(texts);
      assert.ok(pos! > 0.8 && neg! < 0.1 && notBad! > 0.5, "hand-set weights steer the predictions");
      assert.equal(empty, 1 / (1 + Math.exp(-0.25)), "an empty review scores the bias");
    }));

  test("the same model gives the same content digest in its version", () =>
    withDir(async (root) => {
      await writeTiny(join(root, "a"));
      await writeTiny(join(root, "b"));
      const a = JSON.parse(await readFile(join(root, "a", METADATA_FILE), "utf8")) as { version: string };
      const b = JSON.parse(await readFile(join(root, "b", METADATA_FILE), "utf8")) as { version: string };
      assert.equal(a.version, b.version);
    }));
});

describe("atomic writes", () => {
  test("a staged model is complete but for metadata.json and invisible until committed", () =>
    withDir(async (root) => {
      const target = join(root, "m");
      const staged = await stageArtifact(target, (dir) => tinyModel().save(dir));
      assert.ok(staged.ok, staged.ok ? "" : staged.error.message);
      const { dir, files, contentSha256 } = staged.value;
      assert.deepEqual((await readdir(dir)).sort(), Object.keys(files).sort());
      assert.ok(!Object.keys(files).includes(METADATA_FILE));
      assert.deepEqual(
        await readdir(root),
        [dir.slice(root.length + 1)],
        "only the hidden staging directory",
      );
      const written = await staged.value.commit(draft(defaultVersion(new Date(0), contentSha256)));
      assert.ok(written.ok, written.ok ? "" : written.error.message);
      assert.deepEqual(await readdir(root), ["m"]);
      assert.ok((await loadModel(target)).ok);
    }));

  test("a staged model that is discarded leaves nothing behind", () =>
    withDir(async (root) => {
      const staged = await stageArtifact(join(root, "m"), (dir) => tinyModel().save(dir));
      assert.ok(staged.ok);
      await staged.value.discard();
      assert.deepEqual(await readdir(root), []);
    }));

  test("a failure while writing leaves no target and no temporary directory", () =>
    withDir(async (root) => {
      const target = join(root, "m");
      const written = await writeArtifact({
        target,
        writeFiles: async (dir) => {
          await writeFile(join(dir, "weights.bin"), "half");
          throw new Error("disk full");
        },
        metadata: () => draft("v1"),
      });
      assert.ok(!written.ok);
      assert.equal(written.error.reason, "ArtifactWriteFailed");
      assert.match(written.error.message, /disk full/);
      assert.deepEqual(await readdir(root), []);
    }));

  test("invalid metadata is refused before anything appears at the target", () =>
    withDir(async (root) => {
      const written = await writeArtifact({
        target: join(root, "m"),
        writeFiles: (dir) => tinyModel().save(dir),
        metadata: () => ({ ...draft("v1"), createdAt: "yesterday" }),
      });
      assert.ok(!written.ok);
      assert.equal(written.error.reason, "ArtifactInvalid");
      assert.deepEqual(await readdir(root), []);
    }));

  test("an existing model is replaced whole", () =>
    withDir(async (root) => {
      const target = join(root, "m");
      await writeTiny(target);
      await writeFile(join(target, "stale.txt"), "from an older layout");
      await writeTiny(target);
      assert.deepEqual(await readdir(root), ["m"]);
      assert.ok(!(await readdir(target)).includes("stale.txt"));
      assert.ok((await loadModel(target)).ok);
    }));

  test("a non-empty directory that is not a model is never overwritten", () =>
    withDir(async (root) => {
      const target = join(root, "photos");
      await mkdir(target);
      await writeFile(join(target, "cat.jpg"), "meow");
      const written = await writeArtifact({
        target,
        writeFiles: (dir) => tinyModel().save(dir),
        metadata: () => draft("v1"),
      });
      assert.ok(!written.ok);
      assert.equal(written.error.reason, "ArtifactTargetInvalid");
      assert.deepEqual(await readdir(target), ["cat.jpg"]);
      assert.deepEqual(await readdir(root), ["photos"]);
    }));
});

describe("loadModel refuses bad artifacts with a reason", () => {
  const cases: readonly [string, ArtifactReason, RegExp, (dir: string) => Promise<void>][] = [
    ["a missing directory", ArtifactReason.NotFound, /does not exist/, (dir) => rm(dir, { recursive: true })],
    [
      "a directory without metadata.json",
      ArtifactReason.NotFound,
      /no metadata\.json/,
      (dir) => rm(join(dir, METADATA_FILE)),
    ],
    [
      "metadata.json that is not JSON",
      ArtifactReason.Corrupt,
      /not valid JSON/,
      (dir) => writeFile(join(dir, METADATA_FILE), "{ nope"),
    ],
    [
      "another schemaVersion",
      ArtifactReason.Incompatible,
      /schemaVersion 2/,
      (dir) => editMetadata(dir, (m) => ({ ...m, schemaVersion: 2 })),
    ],
    [
      "an unknown architecture",
      ArtifactReason.Incompatible,
      /"transformer" model/,
      (dir) => editMetadata(dir, (m) => ({ ...m, architecture: "transformer" })),
    ],
    [
      "a metadata field of the wrong type",
      ArtifactReason.Corrupt,
      /dataset\.trainSize/,
      (dir) =>
        editMetadata(dir, (m) => ({
          ...m,
          dataset: { source: "x", trainSize: "many", validationSize: 0, testSize: 0 },
        })),
    ],
    [
      "a damaged weights file",
      ArtifactReason.Corrupt,
      /weights\.bin does not match its sha256/,
      (dir) => flipByte(join(dir, NBLR_FILES.weights)),
    ],
    [
      "a missing vocabulary",
      ArtifactReason.Corrupt,
      /missing vocab\.json/,
      (dir) => rm(join(dir, NBLR_FILES.vocabulary)),
    ],
    [
      "an unlisted extra file",
      ArtifactReason.Corrupt,
      /does not list \(extra\.bin\)/,
      (dir) => writeFile(join(dir, "extra.bin"), "x"),
    ],
    [
      "a file listed outside the directory",
      ArtifactReason.Corrupt,
      /outside the directory/,
      (dir) =>
        editMetadata(dir, (m) => ({ ...m, files: { ...(m["files"] as object), "../x": "0".repeat(64) } })),
    ],
  ];
  for (const [name, reason, message, damage] of cases) {
    test(name, () =>
      withDir(async (root) => {
        const dir = join(root, "m");
        await writeTiny(dir);
        await damage(dir);
        const refused = await refusal(dir);
        assert.equal(refused.reason, reason);
        assert.match(refused.message, message);
      }),
    );
  }

  test("model files that pass their digests but disagree with nblr.json are refused", () =>
    withDir(async (root) => {
      const dir = join(root, "m");
      await writeArtifact({
        target: dir,
        writeFiles: async (d) => {
          await tinyModel().save(d);
          await writeFile(join(d, NBLR_FILES.weights), new Float32Array(3));
        },
        metadata: () => draft("v1"),
      });
      const refused = await refusal(dir);
      assert.equal(refused.reason, ArtifactReason.Corrupt);
      assert.match(refused.message, /weights\.bin does not hold/);
    }));

  test("an n-gram listed twice is refused, though the files pass their digests", () =>
    withDir(async (root) => {
      const dir = join(root, "m");
      await writeArtifact({
        target: dir,
        writeFiles: async (d) => {
          const model = tinyModel();
          await model.save(d);
          const keys = new Uint32Array(new Uint8Array(await readFile(join(d, NBLR_FILES.ngrams))).buffer);
          const config = JSON.parse(await readFile(join(d, NBLR_FILES.config), "utf8")) as {
            ngramCount: number;
          };
          await writeFile(join(d, NBLR_FILES.ngrams), Uint32Array.from([...keys, ...keys]));
          await writeFile(
            join(d, NBLR_FILES.config),
            JSON.stringify({ ...config, ngramCount: 2 * config.ngramCount }),
          );
          await writeFile(join(d, NBLR_FILES.weights), Float32Array.from([...model.weights, 1]));
        },
        metadata: () => draft("v1"),
      });
      const refused = await refusal(dir);
      assert.equal(refused.reason, ArtifactReason.Corrupt);
      assert.match(refused.message, /ngrams\.bin lists an n-gram twice/);
    }));
});

async function editMetadata(
  dir: string,
  edit: (m: Record<string, unknown>) => Record<string, unknown>,
): Promise<void> {
  const path = join(dir, METADATA_FILE);
  await writeFile(
    path,
    JSON.stringify(edit(JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>)),
  );
}

async function flipByte(path: string): Promise<void> {
  const data = await readFile(path);
  data[0] = data[0]! ^ 0xff;
  await writeFile(path, data);
}
