/**
 * Bad input to compose mode: one readable line each, the apiserver's own text, nothing stored.
 * The table of invalid specs is the one the real apiserver is tested with
 * (validation.int.test.ts); the CLI cases run the real `sentiment-operator compose` process.
 */
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { waitUntil } from "#testenv/wait.ts";
import {
  sentimentModelManifest as sentimentModel,
  trainingRunManifest,
  withModel,
  withModelSpec,
  withRawSpec,
  withRunSpec,
  type Mod,
  type RunDraft,
} from "../testing/resources.ts";
import { INVALID_SPECS } from "../testing/invalid-specs.ts";
import { applyManifests, UserError } from "./apply.ts";
import { StateStore } from "./store.ts";
import { ComposeUp, compose, manifestFile, read, tempStateDir } from "./testing/compose-cli.ts";

/** A run as a user writes it: on IMDB, nblr, one epoch. */
const trainingRun = (name: string, ...mods: Mod<RunDraft>[]): RunDraft =>
  trainingRunManifest(
    name,
    withRunSpec({ dataset: { source: "imdb" }, architecture: "nblr", hyperparameters: { epochs: 1 } }),
    ...mods,
  );

const objectFiles = (stateDir: string): string[] => {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) (e.isDirectory() ? walk : (f: string) => out.push(f))(join(d, e.name));
  };
  walk(join(stateDir, "objects"));
  return out;
};

const oneLine = (stderr: string): string => {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
  assert.match(lines[0]!, /^error: /);
  assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  return lines[0]!;
};

describe("compose admission refuses what the apiserver refuses, with its text", () => {
  const stateDir = tempStateDir("admission");
  const store = new StateStore(stateDir);
  for (const c of INVALID_SPECS) {
    test(c.name, () => {
      assert.throws(
        () => applyManifests(store, [{ source: "test.yaml", object: structuredClone(c.obj) }], "default"),
        (e: unknown) => {
          assert.ok(e instanceof UserError, String(e));
          assert.match(e.message, c.message);
          assert.doesNotMatch(e.message, /should match/, "a sentence, not the raw regex");
          assert.ok(e.message.length < 600, `readable, not a dump: ${e.message}`);
          return true;
        },
      );
      assert.deepEqual(objectFiles(stateDir), [], "nothing stored");
    });
  }
});

describe("the compose CLI on bad input", () => {
  const stateDir = tempStateDir("bad-input");
  const good = manifestFile(stateDir, "good.yaml", trainingRun("fixed", withModel("m")));

  test("invalid YAML is one line naming the file; nothing stored", async () => {
    const file = join(stateDir, "broken.yaml");
    writeFileSync(file, "apiVersion: sentiment.mlops.dev/v1alpha1\nkind: TrainingRun\nmetadata: {name: x\n");
    const r = await compose(stateDir, ["apply", "-f", file]);
    assert.equal(r.code, 1);
    assert.match(oneLine(r.stderr), /error parsing .*broken\.yaml/);
    assert.deepEqual(objectFiles(stateDir), []);
  });

  test("an unknown kind is kubectl's line; nothing stored", async () => {
    const file = manifestFile(stateDir, "foo.yaml", {
      apiVersion: "example.com/v1",
      kind: "Foo",
      metadata: { name: "f" },
    });
    const r = await compose(stateDir, ["apply", "-f", file]);
    assert.equal(r.code, 1);
    assert.match(oneLine(r.stderr), /no matches for kind "Foo" in version "example.com\/v1"/);
    assert.deepEqual(objectFiles(stateDir), []);
  });

  test("an invalid spec is the apiserver's line; a valid document beside it is not stored either", async () => {
    const file = manifestFile(
      stateDir,
      "mixed.yaml",
      sentimentModel("ok"),
      sentimentModel(
        "bad-hpa",
        withRawSpec({ autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 2 } }),
      ),
    );
    const r = await compose(stateDir, ["apply", "-f", file]);
    assert.equal(r.code, 1);
    assert.equal(
      oneLine(r.stderr),
      'error: SentimentModel.sentiment.mlops.dev "bad-hpa" is invalid: spec.autoscaling: Invalid value: "object": spec.autoscaling.minReplicas must be <= maxReplicas',
    );
    assert.deepEqual(objectFiles(stateDir), []);
  });

  test("a change to an immutable field is refused and the stored run is unchanged; suspend may change", async () => {
    const created = await compose(stateDir, ["apply", "-f", good]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /trainingrun\.sentiment\.mlops\.dev\/fixed created/);
    const before = read(stateDir, "trainingruns", "fixed");
    const changed = manifestFile(
      stateDir,
      "changed.yaml",
      trainingRun("fixed", withModel("m"), withRunSpec({ hyperparameters: { epochs: 9 } })),
    );
    const r = await compose(stateDir, ["apply", "-f", changed]);
    assert.equal(r.code, 1);
    assert.match(oneLine(r.stderr), /spec\.hyperparameters is immutable: create a new TrainingRun instead/);
    assert.deepEqual(read(stateDir, "trainingruns", "fixed"), before);
    const suspended = manifestFile(
      stateDir,
      "suspend.yaml",
      trainingRun("fixed", withModel("m"), withRunSpec({ suspend: true })),
    );
    const s = await compose(stateDir, ["apply", "-f", suspended]);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /fixed configured/);
    const spec = read(stateDir, "trainingruns", "fixed")?.["spec"] as { suspend?: boolean };
    assert.equal(spec.suspend, true);
  });
});

describe("compose up with its front port taken", () => {
  let up: ComposeUp | undefined;
  const blocker = createServer();
  after(async () => {
    await up?.stop();
    await new Promise((r) => blocker.close(r));
  });

  test("says so in one clear line and keeps running", async () => {
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as { port: number }).port;
    const stateDir = tempStateDir("port-taken");
    const file = manifestFile(
      stateDir,
      "model.yaml",
      sentimentModel("busy", withModelSpec({ service: { port } })),
    );
    up = new ComposeUp(stateDir, ["-f", file]);
    const line = await waitUntil(
      "the port-in-use line",
      () => up!.stderr.split("\n").find((l) => l.includes("in use")),
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    assert.equal(
      line,
      `error: port ${port} for Service default/busy is in use by another program: free it or change the SentimentModel's spec.service.port (retrying every 5 s)`,
    );
    assert.equal(up.child.exitCode, null, "compose up keeps running");
  });
});
