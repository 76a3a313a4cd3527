import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { aclImdbArchive, reviews, withTempDir } from "./testing/fixtures.ts";
import { EXIT, run } from "./main.ts";

/** Runs the CLI in-process with captured stdout/stderr. */
async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _e, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await run(args, {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    env: { SENTIMENT_TRAIN_LOG_LEVEL: "error", ...env },
  });
  return { code, out, err };
}

/** A CSV of `n` short reviews per class that a model can learn. */
async function csv(path: string, n = 40): Promise<string> {
  const rows = ["review,sentiment"];
  for (let i = 0; i < n; i++) {
    rows.push(`"Great, wonderful film ${i}. Loved it!",positive`);
    rows.push(`"Awful, boring film ${i}. Hated it.",negative`);
  }
  await writeFile(path, rows.join("\n") + "\n");
  return path;
}

describe("sentiment-train usage", () => {
  test("--help prints the usage and exits 0; no command exits 2", async () => {
    const help = await cli(["--help"]);
    assert.equal(help.code, EXIT.ok);
    assert.match(help.out, /^Usage: sentiment-train \[options\] \[command\]/);
    assert.match(help.out, /train \[options\] +Trains a model/);
    assert.equal((await cli([])).code, EXIT.usage);
    const trainHelp = await cli(["train", "--help"]);
    assert.match(trainHelp.out, /--validation-split <n> +Fraction of the training split held out/);
    assert.match(trainHelp.out.replace(/\s+/g, " "), /--epochs <n> .*\[env SENTIMENT_TRAIN_EPOCHS\]/);
    const version = await cli(["evaluate", "--version"]);
    assert.equal(version.code, EXIT.ok);
    assert.match(version.out, /^\d+\.\d+\.\d+\n$/);
  });

  const usage: [string, string[], RegExp, NodeJS.ProcessEnv?][] = [
    ["an unknown command", ["fit"], /unknown command 'fit'/],
    [
      "an unknown flag",
      ["train", "--data", "x", "--out", "y", "--epoch", "3"],
      /unknown option '--epoch' \(Did you mean --epochs\?\)/,
    ],
    [
      "a non-numeric number",
      ["train", "--data", "x", "--out", "y", "--epochs", "many"],
      /'--epochs <n>' argument 'many' is invalid. Must be a number/,
    ],
    [
      "a bad variable",
      ["train", "--data", "x", "--out", "y"],
      /SENTIMENT_TRAIN_EPOCHS="lots" is invalid \(--epochs\): Must be a number/,
      { SENTIMENT_TRAIN_EPOCHS: "lots" },
    ],
    [
      "an architecture that does not exist",
      ["train", "--data", "x", "--out", "y", "--arch", "transformer"],
      /argument 'transformer' is invalid. Allowed choices are nblr, bilstm/,
    ],
    ["a missing --out", ["train", "--data", "x"], /--out is required/],
    ["a missing --model", ["evaluate", "--data", "x"], /--model is required/],
  ];
  for (const [name, args, message, env] of usage) {
    test(`${name} exits 2 with one line`, async () => {
      const r = await cli(args, env);
      assert.equal(r.code, EXIT.usage);
      assert.match(r.err, message);
      assert.equal(r.err.trim().split("\n").length, 1);
    });
  }
});

describe("sentiment-train train refuses bad input, leaving nothing in --out", () => {
  const cases: [string, (dir: string) => Promise<string[]>, RegExp][] = [
    [
      "a missing data path",
      (dir) => Promise.resolve(["--data", join(dir, "nope.csv")]),
      /nope\.csv does not exist/,
    ],
    [
      "an empty file",
      async (dir) => (await writeFile(join(dir, "e.csv"), ""), ["--data", join(dir, "e.csv")]),
      /e\.csv is empty/,
    ],
    [
      "one class only",
      async (dir) => (
        await writeFile(join(dir, "p.csv"), "text,label\na,pos\nb,pos\n"),
        ["--data", join(dir, "p.csv")]
      ),
      /only positive/,
    ],
    [
      "a missing column",
      async (dir) => ["--data", await csv(join(dir, "d.csv")), "--text-column", "body"],
      /no text column "body"/,
    ],
    [
      "an unknown label",
      async (dir) => (
        await writeFile(join(dir, "u.csv"), "text,label\na,pos\nb,so-so\n"),
        ["--data", join(dir, "u.csv")]
      ),
      /line 3: unknown label "so-so"/,
    ],
    [
      "a truncated archive",
      async (dir) => {
        const bytes = await aclImdbArchive(reviews(40));
        await writeFile(join(dir, "t.tar.gz"), bytes.subarray(0, bytes.length - 200));
        return ["--data", join(dir, "t.tar.gz")];
      },
      /t\.tar\.gz is truncated/,
    ],
    [
      "binary garbage",
      async (dir) => (
        await writeFile(join(dir, "g.csv"), Buffer.from([1, 0, 2, 0, 3])),
        ["--data", join(dir, "g.csv")]
      ),
      /g\.csv is not text/,
    ],
    [
      "an invalid hyperparameter",
      async (dir) => ["--data", await csv(join(dir, "d.csv")), "--validation-split", "0.9"],
      /validationSplit: Too big/,
    ],
  ];
  for (const [name, setup, message] of cases) {
    test(name, () =>
      withTempDir(async (dir) => {
        const out = join(dir, "model");
        const r = await cli(["train", ...(await setup(dir)), "--out", out]);
        assert.equal(r.code, EXIT.failed, r.err);
        assert.match(r.err, message);
        const errors = r.err.split("\n").filter((l) => l.startsWith("sentiment-train:"));
        assert.equal(errors.length, 1, `one error line:\n${r.err}`);
        assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
        assert.ok(
          !(await readdir(dir)).some((f) => f === "model" || f.startsWith(".model")),
          "nothing was written next to --out",
        );
      }),
    );
  }

  test("a non-empty --out that holds no model is refused before any work", () =>
    withTempDir(async (dir) => {
      const out = join(dir, "home");
      await mkdir(out);
      await writeFile(join(out, "notes.txt"), "keep me");
      const r = await cli(["train", "--data", await csv(join(dir, "d.csv")), "--out", out]);
      assert.equal(r.code, EXIT.failed);
      assert.match(r.err, /is not empty and holds no model/);
      assert.deepEqual(await readdir(out), ["notes.txt"]);
    }));
});

describe("sentiment-train train and evaluate on a CSV", () => {
  test("takes settings from a YAML config (flags win), writes the model, metrics file and JSON", () =>
    withTempDir(async (dir) => {
      const data = await csv(join(dir, "reviews.csv"));
      const config = join(dir, "run.yaml");
      await writeFile(
        config,
        `data: ${data}\nname: movies\nhyperparameters:\n  epochs: 4\n  seed: 7\npreprocessing:\n  minFreq: 1\n`,
      );
      const out = join(dir, "m");
      const metricsFile = join(dir, "termination-log");
      const r = await cli([
        "train",
        "--config",
        config,
        "--out",
        out,
        "--seed",
        "9",
        "--metrics-file",
        metricsFile,
        "--version",
        "v1",
        "--json",
      ]);
      assert.equal(r.code, EXIT.ok, r.err);
      const result = JSON.parse(r.out) as {
        summary: { name: string; version: string; metrics: { accuracy: number } };
      };
      assert.equal(result.summary.name, "movies");
      assert.equal(result.summary.version, "v1");
      const summaryText = await readFile(metricsFile, "utf8");
      assert.ok(Buffer.byteLength(summaryText) <= 4096);
      assert.deepEqual(JSON.parse(summaryText), result.summary);
      const metadata = JSON.parse(await readFile(join(out, "metadata.json"), "utf8")) as {
        hyperparameters: { seed: number; epochs: number };
        preprocessing: { minFreq: number };
        dataset: { testSplit: number; testSize: number };
      };
      assert.equal(metadata.hyperparameters.seed, 9, "the flag beats the config file");
      assert.equal(metadata.hyperparameters.epochs, 4);
      assert.equal(metadata.preprocessing.minFreq, 1);
      assert.equal(metadata.dataset.testSplit, 0.2);
      assert.equal(metadata.dataset.testSize, 16);

      const ev = await cli(["evaluate", "--model", out, "--data", data, "--json"]);
      assert.equal(ev.code, EXIT.ok, ev.err);
      const evaluation = JSON.parse(ev.out) as {
        reproducesSaved: boolean;
        data: { split: string };
        metrics: { accuracy: number };
      };
      assert.equal(evaluation.reproducesSaved, true);
      assert.equal(evaluation.data.split, "test");
      assert.equal(evaluation.metrics.accuracy, result.summary.metrics.accuracy);
    }));

  test("evaluate refuses a damaged model with the reason", () =>
    withTempDir(async (dir) => {
      const data = await csv(join(dir, "reviews.csv"));
      const out = join(dir, "m");
      assert.equal((await cli(["train", "--data", data, "--out", out, "--min-freq", "1"])).code, EXIT.ok);
      await writeFile(join(out, "weights.bin"), "damaged");
      const r = await cli(["evaluate", "--model", out, "--data", data]);
      assert.equal(r.code, EXIT.failed);
      assert.match(r.err, /weights\.bin does not match its sha256/);
    }));
});

describe("data from SENTIMENT_IMDB_PATH", () => {
  test("a bad SENTIMENT_IMDB_PATH is named, and --data is not suggested (npm start takes no --data)", () =>
    withTempDir(async (dir) => {
      const missing = join(dir, "nope.tar.gz");
      const want = `sentiment-train: SENTIMENT_IMDB_PATH=${missing} does not exist: point SENTIMENT_IMDB_PATH at aclImdb_v1.tar.gz or an aclImdb directory, or unset it to download.\n`;
      for (const data of ["imdb", missing]) {
        const r = await cli(["train", "--data", data, "--out", join(dir, "m")], {
          SENTIMENT_IMDB_PATH: missing,
        });
        assert.equal(r.code, EXIT.failed);
        assert.equal(r.err, want);
      }
    }));
});
