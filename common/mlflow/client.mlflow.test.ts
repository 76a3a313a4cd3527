/**
 * The MLflow client against a REAL MLflow server (started once by `npm test`, see
 * scripts/mlflow/test-server.ts): every endpoint the client uses, and its error paths.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { mlflowForTests } from "../../scripts/mlflow/test-server.ts";
import { createMlflowClient } from "./client.ts";
import type { MlflowError } from "./transport.ts";

const unique = (prefix: string) => `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const client = () => createMlflowClient({ trackingUri: mlflowForTests().url, attempts: 2, backoffMs: 50 });

test("experiments: get-or-create by name is idempotent; an unknown name is undefined", async () => {
  const mlflow = client();
  const name = unique("exp");
  assert.equal(await mlflow.tracking.getExperimentByName(name), undefined);
  const created = await mlflow.tracking.getOrCreateExperiment(name);
  const again = await mlflow.tracking.getOrCreateExperiment(name);
  assert.equal(again.experiment_id, created.experiment_id);
  assert.equal((await mlflow.tracking.getExperimentByName(name))?.name, name);
});

test("runs: create, log-batch over MLflow's limits, set-tag, update, read back", async () => {
  const mlflow = client();
  const exp = await mlflow.tracking.getOrCreateExperiment(unique("runs"));
  const run = await mlflow.tracking.createRun({
    experimentId: exp.experiment_id,
    runName: "batch",
    startTime: 1_700_000_000_000,
    tags: [{ key: "team", value: "nlp" }],
  });
  const runId = run.info.run_id;
  assert.equal(run.info.status, "RUNNING");
  assert.match(run.info.artifact_uri ?? "", /^mlflow-artifacts:/);

  const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: `v${i}` }));
  const metrics = Array.from({ length: 1200 }, (_, i) => ({
    key: "loss",
    value: 1 / (i + 1),
    timestamp: 1_700_000_000_000 + i,
    step: i,
  }));
  const requests = await mlflow.tracking.logBatch(runId, { params, metrics });
  assert.equal(requests, 2, "150 params + 1200 metrics need two requests");
  await mlflow.tracking.setTag(runId, "stage", "test");

  const history = await mlflow.tracking.getMetricHistory(runId, "loss");
  assert.equal(history.length, 1200);
  assert.deepEqual(
    history.map((m) => m.step).sort((a, b) => a - b),
    metrics.map((m) => m.step),
  );
  assert.equal(history.find((m) => m.step === 9)?.value, 0.1);

  const updated = await mlflow.tracking.updateRun(runId, { status: "FINISHED", endTime: 1_700_000_100_000 });
  assert.equal(updated.status, "FINISHED");
  const read = await mlflow.tracking.getRun(runId);
  assert.equal(read.info.end_time, 1_700_000_100_000);
  assert.equal(read.data.params.length, 150);
  assert.equal(read.data.params.find((p) => p.key === "p149")?.value, "v149");
  const tags = Object.fromEntries(read.data.tags.map((t) => [t.key, t.value]));
  assert.equal(tags["team"], "nlp");
  assert.equal(tags["stage"], "test");
});

test("runs: an unknown run and a bad batch are refused with MLflow's error code", async () => {
  const mlflow = client();
  await assert.rejects(mlflow.tracking.getRun("0123456789abcdef0123456789abcdef"), (e: MlflowError) => {
    assert.equal(e.reason, "MlflowRequestFailed");
    assert.equal(e.errorCode, "RESOURCE_DOES_NOT_EXIST");
    assert.equal(e.status, 404);
    return true;
  });
  const exp = await mlflow.tracking.getOrCreateExperiment(unique("bad"));
  const run = await mlflow.tracking.createRun({ experimentId: exp.experiment_id, startTime: Date.now() });
  const runId = run.info.run_id;
  await mlflow.tracking.logBatch(runId, { params: [{ key: "lr", value: "0.1" }] });
  // Changing a logged param and a metric without a key are both refused, not retried.
  const bad = [{ params: [{ key: "lr", value: "0.2" }] }, { metrics: [{ key: "", value: 1, timestamp: 1 }] }];
  for (const batch of bad) {
    await assert.rejects(mlflow.tracking.logBatch(runId, batch), (e: MlflowError) => {
      assert.equal(e.errorCode, "INVALID_PARAMETER_VALUE");
      assert.equal(e.status, 400);
      return true;
    });
  }
  await assert.rejects(
    mlflow.tracking.logBatch("0123456789abcdef0123456789abcdef", { params: [{ key: "a", value: "b" }] }),
    (e: MlflowError) => e.errorCode === "RESOURCE_DOES_NOT_EXIST",
  );
});

test("artifacts: a directory uploads through the proxy, lists and downloads back", async () => {
  const mlflow = client();
  const exp = await mlflow.tracking.getOrCreateExperiment(unique("artifacts"));
  const run = await mlflow.tracking.createRun({ experimentId: exp.experiment_id, startTime: Date.now() });
  const uri = run.info.artifact_uri!;
  const dir = await mkdtemp(join(tmpdir(), "mlflow-artifacts-"));
  try {
    await mkdir(join(dir, "weights"));
    await writeFile(join(dir, "metadata.json"), '{"name":"m"}');
    await writeFile(join(dir, "weights", "w.bin"), Buffer.from([0, 1, 2, 255]));
    const uploaded = await mlflow.artifacts.uploadDirectory(uri, dir, "model");
    assert.deepEqual(uploaded, ["model/metadata.json", "model/weights/w.bin"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const top = await mlflow.artifacts.list(uri);
  assert.deepEqual(
    top.map((f) => [f.path, f.is_dir]),
    [["model", true]],
  );
  const model = await mlflow.artifacts.list(uri, "model");
  assert.deepEqual(
    model.map((f) => [f.path, f.is_dir, f.file_size]),
    [
      ["model/metadata.json", false, 12],
      ["model/weights", true, undefined],
    ],
  );
  assert.deepEqual(
    await mlflow.artifacts.download(uri, "model/weights/w.bin"),
    new Uint8Array([0, 1, 2, 255]),
  );
  await assert.rejects(
    mlflow.artifacts.download(uri, "model/absent.txt"),
    (e: MlflowError) => e.status === 404,
  );
});

test("registry: a version from the run's artifacts becomes READY; the alias moves and is deleted", async () => {
  const mlflow = client();
  const exp = await mlflow.tracking.getOrCreateExperiment(unique("registry"));
  const name = unique("model");
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const run = await mlflow.tracking.createRun({ experimentId: exp.experiment_id, startTime: Date.now() });
    await mlflow.artifacts.upload(run.info.artifact_uri!, "model/metadata.json", Buffer.from(`{"i":${i}}`));
    runs.push(run.info.run_id);
  }
  assert.equal(await mlflow.registry.getRegisteredModel(name), undefined);
  await mlflow.registry.ensureRegisteredModel(name, "test model");
  assert.equal((await mlflow.registry.ensureRegisteredModel(name)).name, name);

  const versions = [];
  for (const runId of runs) {
    const mv = await mlflow.registry.createModelVersion({
      name,
      source: `runs:/${runId}/model`,
      runId,
      tags: [{ key: "sentiment.mlops.dev/version", value: runId.slice(0, 8) }],
    });
    const ready = await mlflow.registry.waitForModelVersionReady(name, mv.version, { intervalMs: 100 });
    assert.equal(ready.status, "READY");
    assert.equal(ready.run_id, runId);
    versions.push(ready.version);
  }
  assert.deepEqual(versions, ["1", "2"]);
  assert.deepEqual(
    (await mlflow.registry.findModelVersionsByRun(name, runs[1]!)).map((v) => v.version),
    ["2"],
  );

  assert.equal(await mlflow.registry.getVersionByAlias(name, "production"), undefined);
  await mlflow.registry.setAlias(name, "production", "2");
  assert.equal((await mlflow.registry.getVersionByAlias(name, "production"))?.version, "2");
  await mlflow.registry.setAlias(name, "production", "1");
  assert.equal((await mlflow.registry.getVersionByAlias(name, "production"))?.version, "1");
  assert.deepEqual((await mlflow.registry.getRegisteredModel(name))?.aliases, [
    { alias: "production", version: "1" },
  ]);
  await mlflow.registry.deleteAlias(name, "production");
  assert.equal(await mlflow.registry.getVersionByAlias(name, "production"), undefined);

  await assert.rejects(
    mlflow.registry.getModelVersion(name, "99"),
    (e: MlflowError) => e.errorCode === "RESOURCE_DOES_NOT_EXIST",
  );
  await assert.rejects(
    mlflow.registry.setAlias(unique("absent"), "production", "1"),
    (e: MlflowError) => e.errorCode === "RESOURCE_DOES_NOT_EXIST",
  );
  assert.equal(await mlflow.registry.getVersionByAlias(unique("absent"), "production"), undefined);
});

test("UI links name the run and the model version", () => {
  const mlflow = createMlflowClient({ trackingUri: "http://mlflow.example:5000/" });
  assert.equal(mlflow.runUrl("3", "abc"), "http://mlflow.example:5000/#/experiments/3/runs/abc");
  assert.equal(
    mlflow.modelVersionUrl("my model", "2"),
    "http://mlflow.example:5000/#/models/my%20model/versions/2",
  );
});
