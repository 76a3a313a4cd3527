import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readModelVersion, watchModelVersion } from "./model-watcher.ts";

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("model version watcher", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "serve-watch-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const writeVersion = (v: unknown) => writeFile(join(dir, "metadata.json"), JSON.stringify({ version: v }));

  test("readModelVersion reads the version, and undefined for a missing, broken or versionless file", async () => {
    assert.equal(await readModelVersion(join(dir, "absent")), undefined);
    await writeFile(join(dir, "metadata.json"), "{not json");
    assert.equal(await readModelVersion(dir), undefined);
    await writeVersion(3);
    assert.equal(await readModelVersion(dir), undefined);
    await writeVersion("v7");
    assert.equal(await readModelVersion(dir), "v7");
  });

  test("asks for a reload when the version changes, and does not retry a version that failed", async () => {
    let serving = "v1";
    const asked: string[] = [];
    await writeVersion("v1");
    const stop = watchModelVersion({
      dir,
      intervalMs: 10,
      servingVersion: () => serving,
      onNewVersion: (v) => {
        asked.push(v);
        if (v === "v2") serving = v;
        return Promise.resolve({ ok: v === "v2" });
      },
    });
    try {
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(asked.length, 0, "the serving version is not reloaded");
      await writeVersion("v2");
      await until(() => serving === "v2");
      await writeVersion("v3-bad");
      await until(() => asked.includes("v3-bad"));
      await new Promise((r) => setTimeout(r, 80));
      assert.deepEqual(asked, ["v2", "v3-bad"], "a failed version is tried once");
      await writeVersion("v4-bad"); // a later version is tried
      await until(() => asked.includes("v4-bad"));
    } finally {
      stop();
    }
  });
});
