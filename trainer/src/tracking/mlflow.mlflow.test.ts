/**
 * Training with MLflow tracking against a REAL MLflow server (scripts/mlflow/test-server.ts), on
 * real IMDB reviews: what a run logs, read back through the REST API; a failed training; and an
 * MLflow server that dies mid-training.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, test } from "node:test";
import { loadModel } from "../../../common/artifact/loader.ts";
import { createMlflowClient } from "../../../common/mlflow/client.ts";
import {
  killLocalMlflowSync,
  startLocalMlflow,
  type LocalMlflow,
} from "../../../common/mlflow/local-server.ts";
import { MetricsSummary } from "../../../common/metrics-summary.ts";
import { mlflowForTests } from "../../../scripts/mlflow/test-server.ts";
import { freePorts } from "#testenv/ports.ts";
import type { Dataset } from "../data/dataset.ts";
import { loadDataset } from "../data/load.ts";
import { run } from "../main.ts";
import { imdbArchivePath, withTempDir, writeAclImdbTree, reviews } from "../testing/fixtures.ts";
import { train } from "../train.ts";
import { createMlflowTracker, RUN_TAGS } from "./mlflow.ts";
import type { TrainObserver } from "./observer.ts";

const unique = (prefix: string) => `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const collect = () => {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
};

describe("training tracked in MLflow", () => {
  let data: string;
  let dataset: Dataset;
  // A private server for the "stopped mid-training" test, started while the other tests run.
  let privateServer: Promise<LocalMlflow>;
  before(async () => {
    privateServer = startPrivateServer();
    privateServer.catch(() => undefined); // awaited (and reported) by its test
    data = imdbArchivePath();
    const loaded = await loadDataset(data);
    assert.ok(loaded.ok, loaded.ok ? "" : loaded.error.message);
    dataset = loaded.value;
  });
  after(async () => {
    await (await privateServer.catch(() => undefined))?.stop(1000);
  });

  test("the CLI with MLFLOW_TRACKING_URI logs params, per-epoch metrics and the model, read back over REST", () =>
    withTempDir(async (dir) => {
      const { url } = mlflowForTests();
      const experiment = unique("cli");
      const stdout = collect();
      const stderr = collect();
      const code = await run(
        ["train", "--data", data, "--out", join(dir, "model"), "--limit", "2000", "--json"],
        {
          stdout: stdout.stream,
          stderr: stderr.stream,
          env: {
            ...process.env,
            MLFLOW_TRACKING_URI: url,
            MLFLOW_EXPERIMENT_NAME: experiment,
            LOG_LEVEL: "warn",
          },
        },
      );
      assert.equal(code, 0, stderr.text());
      const out = JSON.parse(stdout.text()) as { summary: MetricsSummary; dir: string };
      const tracking = MetricsSummary.parse(out.summary).tracking?.mlflow;
      assert.equal(tracking?.status, "Tracked", tracking?.message);
      assert.ok(tracking.runId !== undefined && tracking.experimentId !== undefined);
      assert.equal(tracking.url, `${url}/#/experiments/${tracking.experimentId}/runs/${tracking.runId}`);
      assert.equal(tracking.modelUri, `runs:/${tracking.runId}/model`);

      const mlflow = createMlflowClient({ trackingUri: url });
      const metadata = JSON.parse(await readFile(join(out.dir, "metadata.json"), "utf8")) as {
        version: string;
        backend: string;
        metrics: { history: { epoch: number; validationLoss: number }[]; test: { accuracy: number } };
        dataset: { sha256: string; trainSize: number };
        files: Record<string, string>;
      };
      const r = await mlflow.tracking.getRun(tracking.runId);
      assert.equal(r.info.status, "FINISHED");
      assert.equal(
        r.info.experiment_id,
        (await mlflow.tracking.getExperimentByName(experiment))?.experiment_id,
      );
      const params = Object.fromEntries(r.data.params.map((p) => [p.key, p.value]));
      assert.equal(params["architecture"], "nblr");
      assert.equal(params["backend"], metadata.backend);
      assert.equal(params["seed"], "42");
      assert.equal(params["validationSplit"], "0.1");
      assert.equal(params["preprocessing.tokenizer"], "basic_english");
      assert.equal(params["preprocessing.minFreq"], "5");
      assert.equal(params["dataset.sha256"], metadata.dataset.sha256);
      assert.equal(params["dataset.trainSize"], String(metadata.dataset.trainSize));
      const tags = Object.fromEntries(r.data.tags.map((t) => [t.key, t.value]));
      assert.equal(tags[RUN_TAGS.modelVersion], metadata.version);
      const finals = Object.fromEntries(r.data.metrics.map((m) => [m.key, m.value]));
      assert.equal(finals["test_accuracy"], metadata.metrics.test.accuracy);

      // One point per epoch, step = epoch, the values the model's history holds.
      const history = await mlflow.tracking.getMetricHistory(tracking.runId, "epoch_validation_loss");
      assert.ok(metadata.metrics.history.length >= 2);
      assert.deepEqual(
        history.map((m) => [m.step, m.value]).sort((a, b) => a[0]! - b[0]!),
        metadata.metrics.history.map((h) => [h.epoch, h.validationLoss]),
      );

      const listed = await mlflow.artifacts.list(r.info.artifact_uri!, "model");
      assert.deepEqual(
        listed.map((f) => f.path).sort(),
        ["metadata.json", ...Object.keys(metadata.files)].map((f) => `model/${f}`).sort(),
      );
      const remote = await mlflow.artifacts.download(r.info.artifact_uri!, "model/metadata.json");
      assert.deepEqual(Buffer.from(remote), await readFile(join(out.dir, "metadata.json")));
    }));

  test("a failed training marks its run FAILED with the reason; the TrainingRun tags name it", () =>
    withTempDir(async (dir) => {
      const { url } = mlflowForTests();
      const experiment = unique("failed");
      const tiny = await writeAclImdbTree(join(dir, "tiny"), reviews(1));
      const result = await train({
        data: tiny,
        out: join(dir, "model"),
        trackingUri: url,
        experiment,
        trainingRun: "team-a/tr-tiny",
      });
      assert.equal(result.ok, false);
      const mlflow = createMlflowClient({ trackingUri: url });
      const exp = await mlflow.tracking.getExperimentByName(experiment);
      assert.ok(exp);
      const runs = await mlflow.tracking.searchRuns([exp.experiment_id]);
      assert.equal(runs.length, 1);
      const r = runs[0]!;
      assert.equal(r.info.status, "FAILED");
      assert.equal(r.info.run_name, "tr-tiny");
      const tags = Object.fromEntries(r.data.tags.map((t) => [t.key, t.value]));
      assert.equal(tags[RUN_TAGS.trainingRun], "tr-tiny");
      assert.equal(tags[RUN_TAGS.namespace], "team-a");
      assert.equal(tags[RUN_TAGS.failureReason], result.ok ? "" : result.error.reason);
    }));

  test("MLflow stopped mid-training: the model is still written and the summary says tracking failed", () =>
    withTempDir(async (dir) => {
      const server = await privateServer;
      const experiment = unique("stopped");
      // MLflow is killed once the run shows an epoch's metrics; the tracker's last step waits for that.
      const killed = killOnceAnEpochIsLogged(server, experiment);
      killed.catch(() => undefined); // awaited below
      const tracker = createMlflowTracker({ trackingUri: server.url, experiment });
      const observer: TrainObserver = {
        started: (info) => tracker.started(info),
        epochFinished: (record) => tracker.epochFinished(record),
        written: async (info) => {
          await killed;
          return tracker.written(info);
        },
        failed: (f, settings) => tracker.failed(f, settings),
      };
      const result = await train(
        { data, out: join(dir, "model"), limit: 2000, metricsFile: join(dir, "summary.json") },
        { dataset, observer },
      );
      assert.ok(result.ok, result.ok ? "" : result.error.message);
      const loaded = await loadModel(join(dir, "model"));
      assert.ok(loaded.ok, "the model was not written");
      const summary = MetricsSummary.parse(JSON.parse(await readFile(join(dir, "summary.json"), "utf8")));
      const tracking = summary.tracking?.mlflow;
      assert.equal(tracking?.status, "Failed");
      assert.ok(tracking.runId, "the run was created before MLflow stopped");
      assert.match(
        tracking.message ?? "",
        /^logging (an epoch|the results): MLflow at .* did not answer .* after 3 attempts/,
      );
      assert.equal(summary.metrics.accuracy, result.value.test.accuracy);
    }));
});

async function killOnceAnEpochIsLogged(server: LocalMlflow, experiment: string): Promise<void> {
  const mlflow = createMlflowClient({ trackingUri: server.url, timeoutMs: 30_000 });
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const exp = await mlflow.tracking.getExperimentByName(experiment);
    const runs = exp === undefined ? [] : await mlflow.tracking.searchRuns([exp.experiment_id]);
    // The run exists and holds an epoch's metrics (the slow first answers of a fresh server included).
    if (runs[0]?.data.metrics.some((m) => m.key === "epoch_train_loss")) {
      killLocalMlflowSync(server.pid);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("No epoch was logged to MLflow within 5 minutes.");
}

async function startPrivateServer(): Promise<LocalMlflow> {
  const [port] = await freePorts(1);
  const dir = join(
    process.env["SENTIMENT_MLFLOW_TEST_DIR"] ?? ".testenv/mlflow-private",
    `private-${process.pid}`,
  );
  const started = await startLocalMlflow({ dataDir: dir, port: port! });
  if (!started.ok) throw new Error(started.error.message);
  return started.value;
}
