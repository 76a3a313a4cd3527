/**
 * Compose mode as a user meets it, with real processes, real HTTP and real IMDB reviews (a
 * 2,400-review subset, so each training takes seconds): one `compose up`, then
 * apply → trained → gated → promoted → served through the front port; a rejected run leaves the
 * served version alone; a promoted run rolls over under a request loop with zero failures; a
 * trainer that fails gives Failed with its reason; a corrupt model never takes traffic; `down`
 * leaves no process and no port.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  imdbSubset,
  NEGATIVE_REVIEW,
  POSITIVE_REVIEW,
} from "../../../model-server/src/testing/trained-model.ts";
import { freePorts } from "#testenv/ports.ts";
import { waitUntil } from "#testenv/wait.ts";
import {
  sentimentModelManifest as sentimentModel,
  trainingRunManifest as trainingRun,
  withModel,
  withModelSpec,
  withPromotion as withGate,
  withRunSpec,
  type Mod,
  type RunDraft,
} from "../testing/resources.ts";
import {
  alivePids,
  compose,
  ComposeUp,
  manifestFile,
  read,
  recordedProcesses,
  statusOf,
  tempStateDir,
} from "./testing/compose-cli.ts";

const LONG = { timeoutMs: 240_000, intervalMs: 250 };
const stateDir = tempStateDir("lifecycle");
let up: ComposeUp;
let port: number;
const pidsSeen = new Set<number>();
const pidWatch = setInterval(() => {
  for (const r of recordedProcesses(stateDir)) pidsSeen.add(r.pid);
}, 100);

interface Prediction {
  sentiment: string;
  model: { version: string };
}

async function predict(text: string): Promise<Prediction> {
  const r = await fetch(`http://127.0.0.1:${port}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
  const body = await r.text();
  assert.equal(r.status, 200, body);
  return JSON.parse(body) as Prediction;
}

/** A run on the IMDB subset in the `datasets` volume, gated loosely unless told otherwise. */
const run = (name: string, ...mods: Mod<RunDraft>[]) =>
  trainingRun(
    name,
    withModel("reviews"),
    withRunSpec({
      dataset: { source: "pvc", claimName: "datasets", path: "imdb-subset.jsonl" },
      backoffLimit: 0,
    }),
    withGate({ policy: "Auto", minAccuracy: 0.6, mustBeatServing: false }),
    ...mods,
  );

const apply = async (name: string, ...objects: object[]): Promise<void> => {
  const r = await compose(stateDir, ["apply", "-f", manifestFile(stateDir, name, ...objects)]);
  assert.equal(r.code, 0, r.stderr);
};

const runStatus = (name: string) => statusOf(read(stateDir, "trainingruns", name));
const modelStatus = () => statusOf(read(stateDir, "sentimentmodels", "reviews"));
const phaseIs = (name: string, phases: string[]) => () => {
  const p = runStatus(name)["phase"] as string | undefined;
  return p !== undefined && phases.includes(p) ? p : false;
};

before(async () => {
  const data = join(stateDir, "volumes", "datasets");
  mkdirSync(data, { recursive: true });
  cpSync(await imdbSubset(), join(data, "imdb-subset.jsonl"));
  port = (await freePorts(1))[0]!;
  const file = manifestFile(
    stateDir,
    "start.yaml",
    sentimentModel("reviews", withModelSpec({ replicas: 2, service: { port } })),
    run("v1", withRunSpec({ hyperparameters: { seed: 1 } })),
  );
  up = new ComposeUp(stateDir, ["-f", file]);
});

after(async () => {
  clearInterval(pidWatch);
  if (up.child.exitCode === null && up.child.signalCode === null) await up.stop();
});

describe("compose mode end to end", () => {
  let v1 = "";

  test("apply → Succeeded → Promoted → Ready → the front port classifies reviews", async () => {
    await waitUntil("run v1 to be promoted", phaseIs("v1", ["Promoted", "Failed", "Rejected"]), LONG);
    assert.equal(runStatus("v1")["phase"], "Promoted", JSON.stringify(runStatus("v1")));
    await waitUntil("the model to be Ready", () => modelStatus()["phase"] === "Ready", LONG);
    v1 = modelStatus()["currentVersion"] as string;
    assert.equal(modelStatus()["url"], `http://127.0.0.1:${port}/predict`);
    const pos = await predict(POSITIVE_REVIEW);
    const neg = await predict(NEGATIVE_REVIEW);
    assert.equal(pos.sentiment, "positive");
    assert.equal(neg.sentiment, "negative");
    assert.equal(pos.model.version, v1);
    const table = await compose(stateDir, ["get", "mlops"]);
    assert.match(table.stdout, /trainingrun\.sentiment\.mlops\.dev\/v1\s+reviews\s+nblr\s+Promoted/);
    assert.match(
      table.stdout,
      new RegExp(`sentimentmodel\\.sentiment\\.mlops\\.dev/reviews\\s+${v1}\\s+2/2`),
    );
    assert.match(up.stdout, /SentimentModel default\/reviews is Ready/);
  });

  test("a run that fails the gate leaves the served version alone", async () => {
    await apply(
      "rejected.yaml",
      run("v2", withGate({ policy: "Auto", minAccuracy: 0.99, mustBeatServing: false })),
    );
    await waitUntil("run v2 to be decided", phaseIs("v2", ["Promoted", "Rejected", "Failed"]), LONG);
    assert.equal(runStatus("v2")["phase"], "Rejected");
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(modelStatus()["currentVersion"], v1);
    assert.equal((await predict(POSITIVE_REVIEW)).model.version, v1);
    const described = await compose(stateDir, ["describe", "tr", "v2"]);
    assert.match(described.stdout, /Decision:\s+Rejected/);
  });

  test("a promoted run rolls over while requests flow: zero failed requests", async () => {
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const versions = new Set<string>();
    const worker = async (): Promise<void> => {
      while (!stop) {
        try {
          const p = await predict(POSITIVE_REVIEW);
          versions.add(p.model.version);
          ok++;
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
    };
    const workers = [worker(), worker(), worker(), worker()];
    await apply("v3.yaml", run("v3", withRunSpec({ hyperparameters: { seed: 3 } })));
    await waitUntil("run v3 to be promoted", phaseIs("v3", ["Promoted", "Rejected", "Failed"]), LONG);
    assert.equal(runStatus("v3")["phase"], "Promoted");
    const v3 = (runStatus("v3")["artifact"] as { version: string }).version;
    await waitUntil(
      "v3 to be served by every replica",
      () => modelStatus()["currentVersion"] === v3 && modelStatus()["phase"] === "Ready",
      LONG,
    );
    await new Promise((r) => setTimeout(r, 3000));
    stop = true;
    await Promise.all(workers);
    assert.deepEqual(
      failures.slice(0, 5),
      [],
      `${failures.length} of ${ok + failures.length} requests failed`,
    );
    assert.ok(
      versions.has(v1) && versions.has(v3),
      `answers from both versions: ${[...versions].join(", ")}`,
    );
    assert.equal((await predict(NEGATIVE_REVIEW)).model.version, v3);
  });

  test("a trainer that exits non-zero gives Failed with the reason from its log", async () => {
    await apply(
      "broken.yaml",
      run(
        "broken",
        withRunSpec({ dataset: { source: "pvc", claimName: "datasets", path: "missing.jsonl" } }),
      ),
    );
    await waitUntil("run broken to fail", phaseIs("broken", ["Failed", "Promoted"]), LONG);
    const trained = (
      runStatus("broken")["conditions"] as { type: string; reason: string; message: string }[]
    ).find((c) => c.type === "Trained")!;
    assert.equal(trained.reason, "BackoffLimitExceeded");
    assert.match(trained.message, /missing\.jsonl/);
    const logs = await compose(stateDir, ["logs", "trainingrun/broken"]);
    assert.match(logs.stdout, /missing\.jsonl/);
  });

  test("a corrupt model never takes traffic: the old version keeps serving", async () => {
    const served = modelStatus()["currentVersion"] as string;
    const uri = modelStatus()["currentUri"] as string; // pvc://reviews-models/<path>
    const source = join(stateDir, "volumes", uri.slice("pvc://".length));
    const corrupt = join(stateDir, "volumes", "reviews-models", "corrupt");
    cpSync(source, corrupt, { recursive: true });
    const weights = readdirSync(corrupt).find((f) => f !== "metadata.json")!;
    writeFileSync(join(corrupt, weights), readFileSync(join(corrupt, weights)).subarray(0, 100));
    await apply(
      "corrupt.yaml",
      sentimentModel(
        "reviews",
        withModelSpec({ replicas: 2, service: { port }, artifactUri: "pvc://reviews-models/corrupt" }),
      ),
    );
    const deadline = Date.now() + 20_000;
    let answered = 0;
    while (Date.now() < deadline) {
      assert.equal((await predict(POSITIVE_REVIEW)).model.version, served);
      answered++;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(answered > 20);
    assert.notEqual(modelStatus()["phase"], "Ready", "the corrupt version is not reported Ready");
    const logs = await compose(stateDir, ["logs", "sentimentmodel/reviews"]);
    assert.match(logs.stdout, /ArtifactCorrupt|corrupt|sha256/i);
  });

  test("down stops every process (by PID) and frees the front port", async () => {
    const r = await compose(stateDir, ["down"]);
    assert.equal(r.code, 0, r.stderr);
    // `down` may already have seen `up` exit, by a signal (exitCode null, signalCode set).
    const exited = () => up.child.exitCode !== null || up.child.signalCode !== null;
    await new Promise<void>((done) => (exited() ? done() : up.child.once("exit", () => done())));
    // The test's own keep-alive connections to the front port must not hold `up` until down's
    // SIGKILL (they did, for 60 s).
    assert.deepEqual([up.child.exitCode, up.child.signalCode], [0, null], "up stopped by itself on SIGTERM");
    for (const p of recordedProcesses(stateDir)) pidsSeen.add(p.pid);
    assert.ok(pidsSeen.size >= 5, `trainers and servers were seen: ${[...pidsSeen].join(",")}`);
    assert.deepEqual(alivePids([...pidsSeen, up.pid]), []);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/predict`, { method: "POST" }));
  });
});
