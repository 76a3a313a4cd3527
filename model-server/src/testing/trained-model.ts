/**
 * Real models for the model server's tests and benchmark, trained with the trainer's own `train()`
 * on IMDB (SENTIMENT_IMDB_PATH) and cached on disk by a content key (trainer and common sources,
 * settings, data file), so every test file of a run shares one training, and later runs none.
 *
 * - `trainedModel("a" | "b")`: two small nblr models (the same 2,400 IMDB training reviews,
 *   different seeds and versions) plus 400 IMDB test reviews as request samples.
 * - `benchModel()`: the default architecture on the full IMDB train split.
 */
import { createHash } from "node:crypto";
import { existsSync, globSync, readFileSync, statSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadModel } from "../../../common/artifact/loader.ts";
import type { Dataset } from "../../../trainer/src/data/dataset.ts";
import { loadDataset } from "../../../trainer/src/data/load.ts";
import { train, type TrainResult } from "../../../trainer/src/train.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Unmistakable reviews for assertions about the sentiment (the models are real, so keep them plain). */
export const POSITIVE_REVIEW =
  "An unforgettable, wonderful film. The acting is brilliant, the story is moving and beautiful, and I loved every minute. One of the best movies I have ever seen; highly recommended.";
export const NEGATIVE_REVIEW =
  "A terrible, boring waste of time. The acting is awful, the plot is stupid and the dialogue is painfully bad. One of the worst movies I have ever seen; avoid it.";

export interface TrainedFixture {
  readonly dir: string;
  /** Real IMDB test reviews, half negative and half positive, in a fixed order. */
  readonly samples: readonly string[];
}

/**
 * Both variants train on the same real IMDB subset (2,400 balanced training reviews, written once
 * as JSONL so the 28 MB archive is read once); the trainer holds out 20 % of it as the test split.
 */
const VARIANTS = {
  a: { seed: 42, version: "fixture-a" },
  b: { seed: 7, version: "fixture-b" },
} as const;
const SUBSET = { train: 2400, samples: 400 } as const;
export type Variant = keyof typeof VARIANTS;

export function imdbPath(): string {
  const path =
    process.env["SENTIMENT_IMDB_PATH"] ?? resolve(ROOT, "../shared/datasets/aclImdb_v1_labeled.tar.gz");
  if (!existsSync(path)) {
    throw new Error(
      `The IMDB dataset is missing at ${path}: set SENTIMENT_IMDB_PATH to aclImdb_v1_labeled.tar.gz.`,
    );
  }
  return path;
}

/** Changes whenever training could give a different model: trainer/common sources, settings, data file. */
function contentKey(settings: unknown): string {
  const h = createHash("sha256").update(JSON.stringify(settings));
  const files = globSync("{trainer/src,common}/**/*.ts", { cwd: ROOT })
    .filter((f) => !f.endsWith(".test.ts"))
    .sort();
  for (const f of files) h.update(f).update(readFileSync(join(ROOT, f)));
  const data = imdbPath();
  const info = statSync(data);
  h.update(`${data}:${info.size}:${info.mtimeMs}`);
  return h.digest("hex").slice(0, 16);
}

/**
 * Runs `build` once per `dir` across processes: the first process takes `dir.lock` (O_EXCL) and
 * builds; the others wait for `done` to exist. A lock whose process is gone is taken over.
 */
async function once(dir: string, done: string, build: () => Promise<void>): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 15 * 60_000;
  while (!existsSync(done)) {
    try {
      const fh = await open(lock, "wx");
      await fh.writeFile(String(process.pid));
      await fh.close();
      try {
        if (!existsSync(done)) {
          await rm(dir, { recursive: true, force: true });
          await build();
        }
      } finally {
        await rm(lock, { force: true });
      }
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const owner = Number(await readFile(lock, "utf8").catch(() => "0"));
    if (owner > 0 && !alive(owner)) await rm(lock, { force: true });
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for another process to build ${dir} (lock ${lock}).`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Removes other keys' entries under `parent` untouched for an hour (caches of older sources). */
async function pruneStale(parent: string, keep: string): Promise<void> {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of await readdir(parent).catch(() => [])) {
    if (name === keep || name.startsWith(`${keep}.`)) continue;
    const path = join(parent, name);
    const info = await stat(path).catch(() => undefined);
    if (info && info.mtimeMs < hourAgo) await rm(path, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function trainInto(
  out: string,
  data: string,
  settings: { seed: number; version?: string },
): Promise<TrainResult> {
  const result = await train({ data, out, ...settings });
  if (!result.ok)
    throw new Error(`Training the test model failed (${result.error.reason}): ${result.error.message}`);
  return result.value;
}

async function readImdb(): Promise<Dataset> {
  const loaded = await loadDataset(imdbPath());
  if (!loaded.ok) throw new Error(`Reading IMDB failed: ${loaded.error.message}`);
  return loaded.value;
}

/** `count` examples evenly spread over a label-sorted split: half of each class, in a fixed order. */
const spread = <T>(xs: readonly T[], count: number): T[] => {
  const step = xs.length / count;
  return Array.from({ length: count }, (_, i) => xs[Math.floor(i * step + step / 2)]!);
};

/** `count` IMDB test reviews, half of each class. */
export async function imdbTestReviews(count: number): Promise<string[]> {
  const data = await readImdb();
  return spread(data.test ?? data.train, count).map((e) => e.text);
}

let fixtures: Promise<string> | undefined;

async function fixtureRoot(): Promise<string> {
  fixtures ??= (async () => {
    const root = join(tmpdir(), "sentiment-serve-fixtures", contentKey(VARIANTS));
    const done = join(root, "samples.json");
    await once(root, done, async () => {
      await mkdir(root, { recursive: true });
      const data = await readImdb();
      const subset = join(root, "imdb-subset.jsonl");
      const lines = spread(data.train, SUBSET.train).map((e) =>
        JSON.stringify({ text: e.text, label: e.label }),
      );
      await writeFile(subset, `${lines.join("\n")}\n`);
      for (const [name, settings] of Object.entries(VARIANTS))
        await trainInto(join(root, name), subset, settings);
      const samples = spread(data.test ?? data.train, SUBSET.samples).map((e) => e.text);
      await writeFile(`${done}.tmp`, JSON.stringify(samples));
      await rename(`${done}.tmp`, done); // `done` appears complete, or not at all
    });
    await pruneStale(dirname(root), basename(root));
    return root;
  })();
  return fixtures;
}

/** The real IMDB subset the fixtures train on (2,400 balanced reviews as JSONL), for tests that train themselves. */
export async function imdbSubset(): Promise<string> {
  return join(await fixtureRoot(), "imdb-subset.jsonl");
}

/** A small real nblr model (trained once per content key, shared by every test file). */
export async function trainedModel(variant: Variant = "a"): Promise<TrainedFixture> {
  const root = await fixtureRoot();
  const samples = JSON.parse(await readFile(join(root, "samples.json"), "utf8")) as string[];
  return { dir: join(root, variant), samples };
}

/** The benchmark's model: `dir` if given, else the default architecture trained on all of IMDB train (cached). */
export async function benchModel(
  dir: string | undefined,
  log: (m: string) => void,
): Promise<{ dir: string; description: string }> {
  let modelDir = dir;
  if (modelDir === undefined) {
    const settings = { seed: 42 };
    const root = join(ROOT, ".cache", "serve-bench", contentKey(settings));
    modelDir = join(root, "model");
    const target = modelDir;
    await once(root, join(root, "done"), async () => {
      log("training the default architecture on the full IMDB train split (cached for later runs)");
      await mkdir(root, { recursive: true });
      const r = await trainInto(target, imdbPath(), settings);
      log(`trained in ${r.seconds.toFixed(1)} s, test accuracy ${r.test.accuracy.toFixed(4)}`);
      await writeFile(join(root, "done"), "");
    });
    await pruneStale(dirname(root), basename(root));
  }
  const loaded = await loadModel(modelDir);
  if (!loaded.ok) throw new Error(`The benchmark model ${modelDir} does not load: ${loaded.error.message}`);
  const m = loaded.value.metadata;
  loaded.value.predictor.dispose();
  const acc = m.metrics.test?.accuracy;
  return {
    dir: modelDir,
    description: `${m.architecture} ${m.name}@${m.version}, ${m.dataset.trainSize} training reviews, test accuracy ${acc === undefined ? "?" : acc.toFixed(4)}`,
  };
}
