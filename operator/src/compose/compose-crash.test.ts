/**
 * `kill -9` of `compose up` in the middle of training, then `compose up` again: the old trainer is
 * stopped (no process of the old `up` is left), the run restarts once, trains once, and its
 * status is complete. Real processes, real IMDB reviews (the 2,400-review subset).
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { imdbSubset } from "../../../model-server/src/testing/trained-model.ts";
import { waitUntil } from "#testenv/wait.ts";
import {
  trainingRunManifest as trainingRun,
  withModel,
  withPromotion as withGate,
  withRunSpec,
} from "../testing/resources.ts";
import { isAlive } from "./processes.ts";
import { StateStore } from "./store.ts";
import {
  alivePids,
  ComposeUp,
  manifestFile,
  read,
  recordedProcesses,
  statusOf,
  tempStateDir,
} from "./testing/compose-cli.ts";

const LONG = { timeoutMs: 240_000, intervalMs: 100 };
const ups: ComposeUp[] = [];
after(async () => {
  for (const u of ups) if (u.child.exitCode === null && u.child.signalCode === null) await u.stop();
});

test("kill -9 of compose up mid-training: the next up stops the orphan and trains exactly once more", async () => {
  const stateDir = tempStateDir("crash");
  mkdirSync(join(stateDir, "volumes", "datasets"), { recursive: true });
  cpSync(await imdbSubset(), join(stateDir, "volumes", "datasets", "imdb-subset.jsonl"));
  const file = manifestFile(
    stateDir,
    "run.yaml",
    trainingRun(
      "crash",
      withModel("reviews"),
      withRunSpec({ dataset: { source: "pvc", claimName: "datasets", path: "imdb-subset.jsonl" } }),
      withGate({ policy: "Never" }),
    ),
  );
  const first = new ComposeUp(stateDir, ["-f", file]);
  ups.push(first);
  const trainer = await waitUntil(
    "the trainer to start",
    () => recordedProcesses(stateDir).find((r) => r.id.startsWith("pod-")),
    LONG,
  );
  await first.kill9();
  assert.ok(isAlive(trainer.pid), "the trainer outlived the killed compose up (it must be reaped next)");

  const second = new ComposeUp(stateDir, []);
  ups.push(second);
  await waitUntil("the orphaned trainer to be stopped", () => !isAlive(trainer.pid), LONG);
  await waitUntil(
    "the run to finish",
    () => {
      const phase = statusOf(read(stateDir, "trainingruns", "crash"))["phase"];
      return phase === "Succeeded" || phase === "Failed" ? phase : false;
    },
    LONG,
  );
  const status = statusOf(read(stateDir, "trainingruns", "crash"));
  assert.equal(status["phase"], "Succeeded", JSON.stringify(status));
  assert.ok(
    status["metrics"] !== undefined && status["artifact"] !== undefined,
    "metrics and artifact recorded",
  );
  const pods = new StateStore(stateDir)
    .readAll("pods")
    .map((p) => statusOf(p))
    .map((s) => `${s["phase"] as string}/${(s["reason"] as string | undefined) ?? ""}`)
    .sort();
  assert.deepEqual(pods, ["Failed/Interrupted", "Succeeded/"], "one interrupted attempt, one that trained");

  const seen = recordedProcesses(stateDir).map((r) => r.pid);
  assert.equal(await second.stop(), 0);
  assert.deepEqual(alivePids([trainer.pid, first.pid, second.pid, ...seen]), []);
});
