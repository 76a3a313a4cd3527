/**
 * The registry side effect against a REAL MLflow server (scripts/mlflow/test-server.ts): a served
 * version is registered from its run's artifacts and the alias follows what is served, including
 * a rollback; an unreachable MLflow is a Registered=False outcome, never an exception.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { freePorts } from "#testenv/ports.ts";
import { createMlflowClient } from "../../../common/mlflow/client.ts";
import { mlflowForTests } from "../../../scripts/mlflow/test-server.ts";
import type { SentimentModelStatus } from "../api/sentiment-model.ts";
import type { RegistryTarget } from "../core/sentiment-model/registry.ts";
import { mlflowClientsFromEnv, reconcileRegistry, type RegistryOutcome } from "./mlflow-registry.ts";

const unique = (prefix: string) => `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/** The status the controller writes after an outcome (what the next reconcile reads). */
const statusAfter = (o: RegistryOutcome | undefined): SentimentModelStatus => ({
  ...(o?.registry === undefined ? {} : { registry: { mlflow: o.registry } }),
  conditions: o === undefined ? [] : [{ ...o.condition, lastTransitionTime: "2026-01-01T00:00:00Z" }],
});

test("promotion registers the served run and moves the alias; a rollback moves it back", async () => {
  const { url } = mlflowForTests();
  const mlflow = createMlflowClient({ trackingUri: url });
  const exp = await mlflow.tracking.getOrCreateExperiment(unique("registry"));
  const runIds: string[] = [];
  for (const v of ["v1", "v2"]) {
    const run = await mlflow.tracking.createRun({ experimentId: exp.experiment_id, startTime: Date.now() });
    await mlflow.artifacts.upload(
      run.info.artifact_uri!,
      "model/metadata.json",
      Buffer.from(`{"version":"${v}"}`),
    );
    await mlflow.tracking.updateRun(run.info.run_id, { status: "FINISHED", endTime: Date.now() });
    runIds.push(run.info.run_id);
  }
  const name = unique("reviews");
  const target = (i: number): RegistryTarget => ({
    trackingUri: url,
    registeredModel: name,
    alias: "production",
    runId: runIds[i]!,
    modelVersion: `v${i + 1}`,
  });
  const clients = mlflowClientsFromEnv({});
  const served = async (i: number, old: SentimentModelStatus | undefined) => {
    const o = await reconcileRegistry(clients, target(i), old, { model: "ml/reviews" });
    assert.equal(o?.condition.status, "True", o?.condition.message);
    const alias = await mlflow.registry.getVersionByAlias(name, "production");
    assert.equal(alias?.run_id, runIds[i], `@production is the run of v${i + 1}`);
    assert.equal(alias?.version, o?.registry?.version);
    return o;
  };

  const first = await served(0, undefined);
  assert.deepEqual(first?.registry, {
    registeredModel: name,
    version: "1",
    alias: "production",
    runId: runIds[0],
    modelVersion: "v1",
    url: `${url}/#/models/${name}/versions/1`,
  });
  assert.equal(first?.condition.message, `MLflow model ${name} version 1 is @production`);

  // Up to date: MLflow is not asked at all (a client factory that fails proves it).
  const again = await reconcileRegistry(
    () => {
      throw new Error("MLflow was called");
    },
    target(0),
    statusAfter(first),
    { model: "ml/reviews" },
  );
  assert.deepEqual(again?.registry, first?.registry);

  const second = await served(1, statusAfter(first));
  assert.equal(second?.registry?.version, "2");
  const rollback = await served(0, statusAfter(second));
  assert.equal(rollback?.registry?.version, "1", "the rollback reuses the run's version");

  const versions = await Promise.all(runIds.map((r) => mlflow.registry.findModelVersionsByRun(name, r)));
  assert.deepEqual(
    versions.map((vs) => vs.map((v) => v.version)),
    [["1"], ["2"]],
    "one MLflow version per run, however often it is served",
  );
  const tags = Object.fromEntries((versions[1]![0]!.tags ?? []).map((t) => [t.key, t.value]));
  assert.equal(tags["sentiment.mlops.dev/model-version"], "v2");
});

test("an unreachable MLflow gives Registered=False and keeps the recorded registry", async () => {
  const old: SentimentModelStatus = {
    registry: {
      mlflow: { registeredModel: "m", version: "1", alias: "production", runId: "a", modelVersion: "v1" },
    },
  };
  const o = await reconcileRegistry(
    (uri) => createMlflowClient({ trackingUri: uri, attempts: 1 }),
    {
      trackingUri: `http://127.0.0.1:${(await freePorts(1))[0]}`,
      registeredModel: "m",
      alias: "production",
      runId: "b",
      modelVersion: "v2",
    },
    old,
    { model: "ml/m" },
  );
  assert.equal(o?.failed, true);
  assert.deepEqual([o?.condition.status, o?.condition.reason], ["False", "RegistrationFailed"]);
  assert.match(o?.condition.message ?? "", /did not answer .* \(ECONNREFUSED\) \(retrying every 60 s\)$/);
  assert.deepEqual(o?.registry, old.registry?.mlflow);
  assert.equal(
    await reconcileRegistry(() => assert.fail("no target, no call"), undefined, old, { model: "ml/m" }),
    undefined,
  );
});
