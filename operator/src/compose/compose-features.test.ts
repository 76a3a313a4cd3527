/**
 * Compose mode's Kubernetes features that a user turns on in a spec, with real processes, real HTTP
 * and real IMDB reviews, on one `compose up` (HPA sync every second, as
 * `--horizontal-pod-autoscaler-sync-period` would set it):
 * - the HPA scales the servers up under load to maxReplicas and back down to minReplicas after
 *   the model's scale-down window;
 * - `activeDeadlineSeconds` kills the trainer at the deadline: Failed, DeadlineExceeded;
 * - `spec.suspend` starts no trainer, stops a running one, and resuming trains;
 * - `compose logs -f` keeps printing a trainer's new lines until Ctrl-C.
 * Quick data: the 2,400-review IMDB subset (and the cached fixture model) where a run must finish;
 * the full IMDB archive where a trainer must still be running some seconds later.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { once } from "node:events";
import { connect } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  imdbSubset,
  POSITIVE_REVIEW,
  trainedModel,
} from "../../../model-server/src/testing/trained-model.ts";
import { freePorts } from "#testenv/ports.ts";
import { waitUntil } from "#testenv/wait.ts";
import { jobName } from "../api/names.ts";
import {
  sentimentModelManifest as sentimentModel,
  trainingRunManifest as trainingRun,
  withModel,
  withModelSpec,
  withPromotion,
  withRunSpec,
  withSuspend,
  type Mod,
  type RunDraft,
} from "../testing/resources.ts";
import { isAlive } from "./processes.ts";
import { StateStore } from "./store.ts";
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

const WAIT = { timeoutMs: 60_000, intervalMs: 100 };
const stateDir = tempStateDir("features");
let up: ComposeUp;

before(async () => {
  const volumes = join(stateDir, "volumes");
  mkdirSync(join(volumes, "datasets"), { recursive: true });
  cpSync(await imdbSubset(), join(volumes, "datasets", "imdb-subset.jsonl"));
  cpSync((await trainedModel("a")).dir, join(volumes, "models", "a"), { recursive: true });
  up = new ComposeUp(stateDir, ["--hpa-sync-period", "1"]);
});

after(async () => {
  await up.stop(); // when a test failed before the last one
});

const apply = async (name: string, ...objects: object[]): Promise<void> => {
  const r = await compose(stateDir, ["apply", "-f", manifestFile(stateDir, name, ...objects)]);
  assert.equal(r.code, 0, r.stderr);
};

/** A run that is never promoted: on the IMDB subset (seconds), or on all of IMDB (much longer). */
const run = (name: string, data: "subset" | "full", ...mods: Mod<RunDraft>[]) =>
  trainingRun(
    name,
    withModel("reviews"),
    withRunSpec({
      dataset:
        data === "subset"
          ? { source: "pvc", claimName: "datasets", path: "imdb-subset.jsonl" }
          : { source: "imdb" },
      architecture: "nblr",
      backoffLimit: 0,
    }),
    withPromotion({ policy: "Never" }),
    ...mods,
  );

const runStatus = (name: string) => statusOf(read(stateDir, "trainingruns", name));
const phaseOf = (name: string) => runStatus(name)["phase"] as string | undefined;
const condition = (name: string, type: string) =>
  (runStatus(name)["conditions"] as { type: string; reason: string; message: string }[] | undefined)?.find(
    (c) => c.type === type,
  );

/** The run's attempts (pods) as `phase/reason`, in order. */
const attempts = (name: string): string[] =>
  new StateStore(stateDir)
    .readAll("pods")
    .filter((p) => p.metadata?.name?.startsWith(`${jobName(name)}-`))
    .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "", "en", { numeric: true }))
    .map((p) => statusOf(p))
    .map((s) => `${s["phase"] as string}/${(s["reason"] as string | undefined) ?? ""}`);

/** The PIDs of the run's trainers the process table records now. */
const trainerPids = (name: string): number[] =>
  recordedProcesses(stateDir)
    .filter((r) => r.id.startsWith(`pod-default-${jobName(name)}-`))
    .map((r) => r.pid);

/** The core reports a suspended run as Pending with `Trained=Unknown`, reason Suspended. */
const suspended = (name: string) => () =>
  phaseOf(name) === "Pending" && condition(name, "Trained")?.reason === "Suspended";

const aliveTrainer = (name: string) => () => trainerPids(name).find((p) => isAlive(p));

test("the HPA scales the servers up to maxReplicas under load and back down to minReplicas", async () => {
  const [port] = await freePorts(1);
  await apply(
    "auto.yaml",
    sentimentModel(
      "auto",
      withModelSpec({
        artifactUri: "pvc://models/a",
        service: { port: port! },
        server: { resources: { requests: { cpu: "100m" } } },
        autoscaling: {
          enabled: true,
          minReplicas: 1,
          maxReplicas: 3,
          targetCPUUtilizationPercentage: 50,
          scaleDownStabilizationSeconds: 2,
        },
      }),
    ),
  );
  const deployment = () =>
    read(stateDir, "deployments", "auto") as
      { spec?: { replicas?: number }; status?: { readyReplicas?: number } } | undefined;
  const seen = new Set<number>();
  const watch = setInterval(() => {
    const n = deployment()?.spec?.replicas;
    if (n !== undefined) seen.add(n);
  }, 50);
  try {
    await waitUntil(
      "the model to be Ready on one replica",
      () =>
        statusOf(read(stateDir, "sentimentmodels", "auto"))["phase"] === "Ready" &&
        deployment()?.spec?.replicas === 1,
      WAIT,
    );
    let stop = false;
    let answered = 0;
    const failures: string[] = [];
    const worker = async (): Promise<void> => {
      while (!stop) {
        const r = await fetch(`http://127.0.0.1:${port}/predict`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text: POSITIVE_REVIEW.repeat(20) }),
        });
        await r.text();
        if (r.status === 200) answered++;
        else failures.push(String(r.status));
      }
    };
    const workers = Array.from({ length: 4 }, () => worker());
    try {
      await waitUntil(
        "three ready replicas under load",
        () => deployment()?.spec?.replicas === 3 && deployment()?.status?.readyReplicas === 3,
        WAIT,
      );
    } finally {
      stop = true;
      await Promise.all(workers);
    }
    assert.ok(answered > 0);
    assert.deepEqual(failures, [], "every request under load was answered");
    await waitUntil("the servers to scale back to one", () => deployment()?.spec?.replicas === 1, WAIT);
    await waitUntil("one server process", () => deployment()?.status?.readyReplicas === 1, WAIT);
    const counts = [...seen].sort();
    assert.ok(
      counts.every((n) => n >= 1 && n <= 3),
      `never outside 1..3: ${counts.join(",")}`,
    );
    assert.match(up.stderr, /Scaled Deployment.*"to":3/);
    // A client connected to the front port is cut off when the model is deleted.
    const client = connect(port!, "127.0.0.1");
    await once(client, "connect");
    const cut = once(client, "close");
    const deleted = await compose(stateDir, ["delete", "sentimentmodel", "auto"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    await Promise.race([
      cut,
      new Promise((_, fail) =>
        setTimeout(() => fail(new Error("the connection outlived the model")), 10_000),
      ),
    ]);
  } finally {
    clearInterval(watch);
  }
});

test("compose logs -f prints a running trainer's new lines until Ctrl-C", async () => {
  await apply("followed.yaml", run("followed", "full", withRunSpec({ activeDeadlineSeconds: 60 })));
  const log = join(stateDir, "logs", "default", `${jobName("followed")}-0.log`);
  await waitUntil(
    "the trainer's first log line",
    () => existsSync(log) && readFileSync(log, "utf8") !== "",
    WAIT,
  );
  const follower = spawn(
    process.execPath,
    [
      join(import.meta.dirname, "../../bin/sentiment-operator.js"),
      "compose",
      "logs",
      "-f",
      "trainingrun/followed",
      "--state-dir",
      stateDir,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let printed = "";
  follower.stdout.on("data", (c: Buffer) => (printed += c.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((r) =>
    follower.once("exit", (code, signal) => r(signal ?? code)),
  );
  try {
    await waitUntil("the log so far", () => printed.length > 0, WAIT);
    // Lines the trainer writes from now on must follow.
    const before = readFileSync(log, "utf8").length;
    await waitUntil(
      "a line written after logs -f started",
      () => readFileSync(log, "utf8").length > before && printed.length >= readFileSync(log, "utf8").length,
      WAIT,
    );
    assert.equal(follower.exitCode, null, "logs -f keeps running");
    assert.equal(printed, readFileSync(log, "utf8").slice(0, printed.length), "the log, in order, once");
  } finally {
    follower.kill("SIGINT");
  }
  const end = await exited;
  assert.ok(end === 130 || end === "SIGINT" || end === 0, `logs -f ended by Ctrl-C: ${String(end)}`);
  await compose(stateDir, ["delete", "trainingrun", "followed"]);
});

test("activeDeadlineSeconds: the trainer is killed at the deadline and the run fails with DeadlineExceeded", async () => {
  await apply("deadline.yaml", run("deadline", "full", withRunSpec({ activeDeadlineSeconds: 3 })));
  const trainer = await waitUntil("the trainer to start", aliveTrainer("deadline"), WAIT);
  const started = Date.now();
  await waitUntil("the run to fail", () => phaseOf("deadline") === "Failed", WAIT);
  const failedAfter = (Date.now() - started) / 1000;
  assert.equal(
    condition("deadline", "Trained")?.reason,
    "DeadlineExceeded",
    JSON.stringify(runStatus("deadline")),
  );
  await waitUntil("the trainer to be stopped", () => !isAlive(trainer), WAIT);
  assert.deepEqual(attempts("deadline"), ["Failed/DeadlineExceeded"]);
  assert.ok(failedAfter > 1.5 && failedAfter < 10, `failed ${failedAfter} s after the trainer started`);
  assert.equal(runStatus("deadline")["artifact"], undefined, "no model from a killed trainer");
});

test("spec.suspend: a suspended run starts no trainer; resuming trains it", async () => {
  await apply("paused.yaml", run("paused", "subset", withSuspend()));
  await waitUntil("the run to be suspended", suspended("paused"), WAIT);
  await new Promise((r) => setTimeout(r, 2000)); // several sync rounds of `up`
  assert.ok(suspended("paused")(), JSON.stringify(runStatus("paused")));
  assert.deepEqual(attempts("paused"), [], "no attempt");
  assert.deepEqual(trainerPids("paused"), [], "no trainer process");
  await apply("resumed.yaml", run("paused", "subset", withSuspend(false)));
  await waitUntil(
    "the resumed run to finish",
    () => ["Succeeded", "Failed"].includes(phaseOf("paused") ?? ""),
    WAIT,
  );
  assert.equal(phaseOf("paused"), "Succeeded", JSON.stringify(runStatus("paused")));
  assert.ok(runStatus("paused")["artifact"] !== undefined, "it trained a model");
  assert.deepEqual(attempts("paused"), ["Succeeded/"]);
});

test("spec.suspend: a running trainer is stopped, resuming starts a new attempt, delete stops it", async () => {
  await apply("halted.yaml", run("halted", "full"));
  const first = await waitUntil("the trainer to start", aliveTrainer("halted"), WAIT);
  await apply("halt.yaml", run("halted", "full", withSuspend()));
  await waitUntil("the trainer to be stopped", () => !isAlive(first), WAIT);
  await waitUntil("the run to be suspended", suspended("halted"), WAIT);
  assert.deepEqual(attempts("halted"), ["Failed/Suspended"]);
  await apply("resume.yaml", run("halted", "full", withSuspend(false)));
  const second = await waitUntil("a new trainer", aliveTrainer("halted"), WAIT);
  assert.notEqual(second, first);
  await waitUntil("the run to be Running again", () => phaseOf("halted") === "Running", WAIT);
  assert.deepEqual(attempts("halted"), ["Failed/Suspended", "Running/"], "a stopped attempt does not count");
  const r = await compose(stateDir, ["delete", "trainingrun", "halted"]);
  assert.equal(r.code, 0, r.stderr);
  // At once: not when the trainer would have finished by itself.
  await waitUntil("the deleted run's trainer to be stopped", () => !isAlive(second), { timeoutMs: 3000 });
});

test("Ctrl-C stops compose up at once, with every process it started, after keep-alive clients", async () => {
  const pids = recordedProcesses(stateDir).map((r) => r.pid);
  const started = Date.now();
  assert.equal(await up.stop(), 0);
  const took = (Date.now() - started) / 1000;
  assert.ok(took < 15, `compose up took ${took} s to stop`);
  assert.deepEqual(alivePids([...pids, up.pid]), []);
});
