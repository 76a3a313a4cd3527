/**
 * Compose mode with MLflow, real processes and a REAL MLflow server: `compose up` with
 * MLFLOW_TRACKING_URI (the shared test server, scripts/mlflow/test-server.ts) tracks a TrainingRun
 * that names no MLflow, registers the served version with the alias moved to it, and
 * `compose describe` / `get -o wide` show the run's URL; `compose up --mlflow` starts its own
 * server, prints its URL, and Ctrl-C (or `down` after a `kill -9` of `up`) leaves no MLflow process.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { imdbSubset } from "../../../model-server/src/testing/trained-model.ts";
import { createMlflowClient } from "../../../common/mlflow/client.ts";
import { mlflowForTests } from "../../../scripts/mlflow/test-server.ts";
import { freePorts } from "#testenv/ports.ts";
import { waitUntil } from "#testenv/wait.ts";
import {
  sentimentModelManifest as sentimentModel,
  trainingRunManifest as trainingRun,
  withModel,
  withModelSpec,
  withPromotion,
  withRunSpec,
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

test("a run without spec.tracking is tracked to MLFLOW_TRACKING_URI, registered, and described with its URL", async () => {
  const { url } = mlflowForTests();
  const stateDir = tempStateDir("mlflow");
  const data = join(stateDir, "volumes", "datasets");
  mkdirSync(data, { recursive: true });
  cpSync(await imdbSubset(), join(data, "imdb-subset.jsonl"));
  const [port] = await freePorts(1);
  const model = `tracked${process.pid}`;
  const file = manifestFile(
    stateDir,
    "start.yaml",
    sentimentModel(model, withModelSpec({ replicas: 1, service: { port: port! } })),
    trainingRun(
      "v1",
      withModel(model),
      withRunSpec({ dataset: { source: "pvc", claimName: "datasets", path: "imdb-subset.jsonl" } }),
      withPromotion({ policy: "Auto", minAccuracy: 0.6, mustBeatServing: false }),
    ),
  );
  const up = new ComposeUp(stateDir, ["-f", file], { MLFLOW_TRACKING_URI: url });
  try {
    await waitUntil(
      "the served version to be registered in MLflow",
      () => (statusOf(read(stateDir, "sentimentmodels", model))["registry"] ? true : false),
      LONG,
    );
    assert.match(up.stderr, new RegExp(`runs tracked in MLflow at ${url}`));
    const run = statusOf(read(stateDir, "trainingruns", "v1"));
    const tracking = (run["tracking"] as { mlflow: { status: string; runId: string; url: string } }).mlflow;
    assert.equal(tracking.status, "Tracked");
    assert.ok(tracking.url.startsWith(`${url}/#/experiments/`), tracking.url);

    const mlflow = createMlflowClient({ trackingUri: url });
    const r = await mlflow.tracking.getRun(tracking.runId);
    assert.equal(r.info.status, "FINISHED");
    const tags = Object.fromEntries(r.data.tags.map((t) => [t.key, t.value]));
    assert.equal(tags["sentiment.mlops.dev/trainingrun"], "v1");
    const version = (run["artifact"] as { version: string }).version;
    assert.equal(tags["sentiment.mlops.dev/model-version"], version);
    const alias = await mlflow.registry.getVersionByAlias(model, "production");
    assert.equal(alias?.run_id, tracking.runId, "@production is the served run");

    const described = await compose(stateDir, ["describe", "trainingrun", "v1"]);
    assert.equal(described.code, 0, described.stderr);
    assert.ok(described.stdout.includes(`MLflow run:   ${tracking.url} (Tracked)`), described.stdout);
    const wide = await compose(stateDir, ["get", "tr", "-o", "wide"]);
    assert.match(wide.stdout, /\bMLFLOW\b/);
    assert.ok(wide.stdout.includes(tracking.url), wide.stdout);
    const modelDescribed = await compose(stateDir, ["describe", "sentimentmodel", model]);
    assert.match(modelDescribed.stdout, new RegExp(`MLflow model: ${model} version \\d+ @production`));
  } finally {
    await up.stop();
  }
});

/** `compose up --mlflow` on `stateDir` until it prints the MLflow URL; that URL and the server's PID. */
async function upWithMlflow(stateDir: string): Promise<{ up: ComposeUp; pids: number[] }> {
  const up = new ComposeUp(stateDir, ["--mlflow"]);
  const ui = await waitUntil(
    "compose up to print the MLflow URL",
    () => /MLflow on (http:\/\/127\.0\.0\.1:\d+)/.exec(up.stderr)?.[1] ?? false,
    LONG,
  ).catch(async (e: Error) => {
    await up.stop();
    throw new Error(`${e.message}\n${up.stderr}`);
  });
  assert.equal((await fetch(`${ui}/health`)).status, 200);
  const pids = recordedProcesses(stateDir).map((p) => p.pid);
  assert.equal(pids.length, 1, "the MLflow server is in the process table");
  return { up, pids };
}

test("compose up --mlflow starts MLflow and prints its URL; Ctrl-C, or down after kill -9, stops it", async () => {
  const stateDir = tempStateDir("mlflow-up");
  const first = await upWithMlflow(stateDir);
  assert.equal(await first.up.stop(), 0, first.up.stderr);
  assert.deepEqual(alivePids(first.pids), [], "no MLflow process outlives Ctrl-C");

  const second = await upWithMlflow(stateDir);
  await second.up.kill9();
  assert.deepEqual(alivePids(second.pids), second.pids, "kill -9 of up leaves MLflow running");
  const down = await compose(stateDir, ["down"]);
  assert.equal(down.code, 0, down.stderr);
  assert.deepEqual(alivePids(second.pids), [], "down stops what the killed up left");
});
