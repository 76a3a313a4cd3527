import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseCommandLine } from "../../../common/cli.ts";
import { withTempDir } from "../testing/fixtures.ts";
import { commandSettings, trainerProgram } from "./options.ts";

async function settings(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const parsed = parseCommandLine(trainerProgram(), argv, env, {
    out: () => undefined,
    err: (s) => assert.fail(s),
  });
  assert.ok(!("exit" in parsed));
  return commandSettings(parsed.command);
}

describe("trainer settings: flag over variable over --config", () => {
  test("each source wins over the next", () =>
    withTempDir(async (dir) => {
      const file = join(dir, "run.yaml");
      await writeFile(
        file,
        "data: imdb\nout: m\nhyperparameters: { epochs: 3, seed: 7 }\narchitecture: bilstm\n",
      );
      const r = await settings(["train", "--config", file, "--epochs", "5"], {
        SENTIMENT_TRAIN_EPOCHS: "4",
        SENTIMENT_TRAIN_SEED: "9",
        SENTIMENT_TRAIN_ARCH: "nblr",
      });
      assert.ok(r.ok, r.ok ? "" : r.error.message);
      assert.deepEqual(
        [
          r.value.values["epochs"],
          r.value.values["seed"],
          r.value.values["architecture"],
          r.value.values["data"],
        ],
        [5, 9, "nblr", "imdb"],
      );
    }));

  test("--architecture, the config key, works as a flag too", async () => {
    const r = await settings(["train", "--data", "d", "--out", "o", "--architecture", "bilstm"]);
    assert.ok(r.ok);
    assert.equal(r.value.values["architecture"], "bilstm");
  });

  test("a required key may come from the file; missing everywhere it is a usage error", async () => {
    const r = await settings(["evaluate", "--data", "d"]);
    assert.ok(!r.ok);
    assert.equal(r.error.reason, "UsageError");
    assert.match(r.error.message, /--model is required/);
  });
});
