/**
 * The product end to end on a cluster that runs containers: the operator installed with Helm from
 * its image, a TrainingRun whose trainer pod really trains on the IMDB archive (on a PVC), the
 * gate, the served model answering through its Service, then a second run rolled out under
 * traffic, a gate-failing run that changes nothing, faults (unpullable image, OOMKilled trainer,
 * a corrupt model version, a server pod deleted under traffic), the leading operator pod deleted
 * mid-training (the new leader finishes the run with one Job) and the HPA under load. Needs
 * SENTIMENT_TEST_KUBECONFIG (see harness.ts) and SENTIMENT_IMDB_PATH; run with `npm run test:e2e`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  LABELS,
  MODEL_VERSION_ANNOTATION,
  serverSelector,
  trainerSelector,
} from "../operator/src/api/names.ts";
import { containerSecurityContext, podSecurityContext } from "../operator/src/render/k8s/security.ts";
import {
  apply,
  describeNamespace,
  helm,
  imdbArchive,
  IMAGES,
  kubectl,
  kubectlJson,
  portForward,
  predict,
  REPO_ROOT,
  waitFor,
  type PortForward,
} from "./harness.ts";

const NS = `sentiment-e2e-${process.pid}`;
const MODEL = "reviews";
const DATA_CLAIM = "imdb-data";
const ARCHIVE = basename(process.env["SENTIMENT_IMDB_PATH"] ?? "aclImdb_v1.tar.gz");
const POSITIVE =
  "An absolute delight: wonderful acting, a moving story and a brilliant ending. I loved every minute.";
const NEGATIVE =
  "A dreadful, boring mess. The plot made no sense, the acting was awful and I wanted my money back.";

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface TrainingRunStatus {
  phase?: string;
  metrics?: { accuracy: number; f1: number };
  artifact?: { version: string };
  conditions?: Condition[];
}
interface ModelStatus {
  phase?: string;
  currentVersion?: string;
  readyReplicas?: number;
  metrics?: { accuracy: number };
  conditions?: Condition[];
}

const describeNs = () => describeNamespace(NS);

const trainingRun = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "sentiment.mlops.dev/v1alpha1",
  kind: "TrainingRun",
  metadata: { name },
  spec: {
    model: MODEL,
    dataset: { source: "pvc", claimName: DATA_CLAIM, path: ARCHIVE, format: "aclImdb" },
    architecture: "nblr",
    hyperparameters: { epochs: 3, seed: 42 },
    preprocessing: { minFreq: 5, maxLength: 256 },
    resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "2Gi" } },
    activeDeadlineSeconds: 900,
    promotion: { policy: "Auto", minAccuracy: 0.9, minF1: 0.9, mustBeatServing: false },
    ...extra,
  },
});

async function runStatus(name: string): Promise<TrainingRunStatus> {
  return (
    (await kubectlJson<{ status?: TrainingRunStatus }>(["get", "trainingrun", name, "-n", NS])).status ?? {}
  );
}
async function modelStatus(): Promise<ModelStatus> {
  return (
    (await kubectlJson<{ status?: ModelStatus }>(["get", "sentimentmodel", MODEL, "-n", NS])).status ?? {}
  );
}
/** Waits until the model is Ready on `version` and returns its status. */
const waitServing = (what: string, version: string | undefined, timeoutMs: number) =>
  waitFor(
    what,
    timeoutMs,
    async () => {
      const s = await modelStatus();
      return s.phase === "Ready" && s.currentVersion === version ? s : undefined;
    },
    describeNs,
  );
const waitRunPhase = (name: string, phases: readonly string[], timeoutMs: number) =>
  waitFor(
    `TrainingRun ${name} to reach ${phases.join(" or ")}`,
    timeoutMs,
    async () => {
      const s = await runStatus(name);
      return s.phase && phases.includes(s.phase) ? s : undefined;
    },
    describeNs,
  );

describe("the pipeline on a real node", { concurrency: false }, () => {
  let forward: PortForward | undefined;

  before(async () => {
    const started = Date.now();
    await kubectl(["create", "namespace", NS]);
    // The workloads must pass the restricted Pod Security Standard, as in a hardened cluster.
    await kubectl(["label", "namespace", NS, "pod-security.kubernetes.io/enforce=restricted"]);
    await kubectl(["apply", "--server-side", "-f", join(REPO_ROOT, "crds")]);
    const [repository, tag] = IMAGES.operator.split(/:(?=[^:/]+$)/);
    await helm([
      "install",
      "sentiment-operator",
      join(REPO_ROOT, "charts", "sentiment-operator"),
      "--namespace",
      NS,
      "--wait",
      "--timeout",
      "3m",
      "--set",
      `image.repository=${repository}`,
      "--set",
      `image.tag=${tag}`,
      "--set",
      `watchNamespace=${NS}`,
      "--set",
      `workloads.serverImage=${IMAGES.server}`,
    ]);
    console.error(`# Installed the operator with Helm in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
    await copyImdbToClaim();
    console.error(
      `# Namespace ready (operator + IMDB on a PVC) after ${((Date.now() - started) / 1000).toFixed(1)}s.`,
    );
  });

  after(async () => {
    forward?.stop();
    if (process.env["SENTIMENT_E2E_KEEP"]) return;
    await helm(["uninstall", "sentiment-operator", "--namespace", NS]).catch(() => undefined);
    await kubectl(["delete", "namespace", NS, "--wait=false"], { allowFail: true });
  });

  test("a TrainingRun trains in a pod, passes the gate and its model answers through the Service", async () => {
    const started = Date.now();
    await apply(NS, [
      {
        apiVersion: "sentiment.mlops.dev/v1alpha1",
        kind: "SentimentModel",
        metadata: { name: MODEL },
        spec: {
          replicas: 1,
          // Memory request well above the server's ~200 MB, so only CPU drives the HPA test.
          server: { resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "768Mi" } } },
          service: { type: "ClusterIP", port: 80 },
          storage: { size: "1Gi" },
        },
      },
      trainingRun("reviews-nblr-1"),
    ]);
    const run = await waitRunPhase("reviews-nblr-1", ["Promoted", "Failed", "Rejected"], 8 * 60_000);
    assert.equal(run.phase, "Promoted", `run ended ${run.phase}: ${JSON.stringify(run.conditions)}`);
    assert.ok(run.metrics && run.metrics.accuracy >= 0.91, `test accuracy ${run.metrics?.accuracy} < 0.91`);
    const served = await waitServing(
      "the model to serve the run's version",
      run.artifact?.version,
      4 * 60_000,
    );
    assert.equal(served.metrics?.accuracy, run.metrics.accuracy);

    forward = await portForward(NS, `service/${MODEL}`, 80);
    const pos = await predict(forward.url, POSITIVE);
    const neg = await predict(forward.url, NEGATIVE);
    console.error(
      `# From apply to the first served prediction: ${((Date.now() - started) / 1000).toFixed(1)}s ` +
        `(accuracy ${run.metrics.accuracy}, version ${served.currentVersion}).`,
    );
    assert.equal(pos.sentiment, "positive");
    assert.equal(neg.sentiment, "negative");
  });

  test("a second passing run rolls the Deployment out while requests flow: none fails", async () => {
    const before = await modelStatus();
    assert.ok(before.currentVersion, "the first test must have promoted a version");
    await startRequestLoop();

    await apply(NS, [
      trainingRun("reviews-nblr-2", {
        hyperparameters: { epochs: 3, seed: 7 },
        preprocessing: { minFreq: 4, maxLength: 256 },
      }),
    ]);
    const run = await waitRunPhase("reviews-nblr-2", ["Promoted", "Failed", "Rejected"], 8 * 60_000);
    assert.equal(run.phase, "Promoted", `run ended ${run.phase}: ${JSON.stringify(run.conditions)}`);
    assert.notEqual(
      run.artifact?.version,
      before.currentVersion,
      "the second run must produce a new version",
    );
    const rolled = Date.now();
    await waitServing("the new version to be served by every replica", run.artifact?.version, 4 * 60_000);
    await kubectl(["rollout", "status", "-n", NS, `deployment/${MODEL}`, "--timeout=180s"]);
    await waitServerSettled(1);
    const totals = await stopRequestLoop();
    console.error(
      `# Rolled out in ${((Date.now() - rolled) / 1000).toFixed(1)}s under ${totals.ok + totals.failed} requests (${totals.failed} failed).`,
    );
    assert.equal(totals.failed, 0, `failed requests during the rollout: ${JSON.stringify(totals)}`);
    assert.ok(totals.ok > 20, `too few requests went through: ${JSON.stringify(totals)}`);
  });

  test("a run that fails its gate leaves serving untouched, with the reason in status", async () => {
    const before = await modelStatus();
    await apply(NS, [
      trainingRun("reviews-too-strict", { promotion: { policy: "Auto", minAccuracy: 0.99 } }),
    ]);
    const run = await waitRunPhase("reviews-too-strict", ["Promoted", "Failed", "Rejected"], 8 * 60_000);
    assert.equal(run.phase, "Rejected");
    const promoted = run.conditions?.find((c) => c.type === "Promoted");
    assert.equal(promoted?.reason, "BelowMinAccuracy", JSON.stringify(run.conditions));
    assert.match(promoted?.message ?? "", /0\.99/);
    const after = await modelStatus();
    assert.equal(after.currentVersion, before.currentVersion);
    assert.equal(after.phase, "Ready");
  });

  test("the operator pod deleted mid-training: the new leader finishes the run, with exactly one Job", async () => {
    const name = "reviews-takeover";
    const before = await modelStatus();
    await apply(NS, [trainingRun(name, { hyperparameters: { epochs: 3, seed: 11 } })]);
    await waitFor(
      `the trainer pod of ${name} to be Running`,
      180_000,
      async () => ((await trainerPods(name)).some((p) => p.status?.phase === "Running") ? true : undefined),
      describeNs,
    );
    const leader = await leaseHolder();
    const victim = (await operatorPods()).find((p) => leader.startsWith(`${p.metadata.name}_`));
    assert.ok(victim, `no operator pod holds the Lease (holder ${JSON.stringify(leader)})`);
    const deleted = Date.now();
    await kubectl(["delete", "pod", "-n", NS, victim.metadata.name, "--wait=false"]);
    const newLeader = await waitFor(
      "another Ready operator pod to hold the leader Lease",
      180_000,
      async () => {
        const holder = await leaseHolder();
        const pod = (await operatorPods()).find(
          (p) => p.metadata.name !== victim.metadata.name && holder.startsWith(`${p.metadata.name}_`),
        );
        return pod && podReady(pod) && !pod.metadata.deletionTimestamp ? pod.metadata.name : undefined;
      },
      describeNs,
    );
    const takeoverSeconds = (Date.now() - deleted) / 1000;
    const run = await waitRunPhase(name, ["Promoted", "Failed", "Rejected"], 8 * 60_000);
    console.error(
      `# Deleted the leader ${victim.metadata.name} mid-training: ${newLeader} led after ${takeoverSeconds.toFixed(1)}s; ` +
        `${name} ended ${run.phase} ${((Date.now() - deleted) / 1000).toFixed(1)}s after the deletion.`,
    );
    assert.equal(run.phase, "Promoted", `run ended ${run.phase}: ${JSON.stringify(run.conditions)}`);
    const jobs = (
      await kubectlJson<{ items: { metadata: { name: string }; status?: { failed?: number } }[] }>([
        "get",
        "jobs",
        "-n",
        NS,
        "-l",
        `${LABELS.trainingRun}=${name}`,
      ])
    ).items;
    assert.equal(
      jobs.length,
      1,
      `exactly one Job for ${name}: ${jobs.map((j) => j.metadata.name).join(", ")}`,
    );
    assert.equal(jobs[0]!.status?.failed ?? 0, 0, "the Job's pod must not have been retried");
    const pods = await trainerPods(name);
    assert.equal(
      pods.length,
      1,
      `exactly one trainer pod attempt: ${pods.map((p) => p.metadata.name).join(", ")}`,
    );
    // The promotion rolls the server to the new version: settle it before the next test.
    await waitServing("the model to serve the takeover run's version", run.artifact?.version, 4 * 60_000);
    assert.notEqual(run.artifact?.version, before.currentVersion);
    await waitServerSettled(1);
  });

  test("faults: an unpullable trainer image and an OOMKilled trainer say why, and serving is untouched", async () => {
    const before = await modelStatus();
    await apply(NS, [
      trainingRun("fault-image", { image: "localhost/does-not-exist:1" }),
      trainingRun("fault-oom", {
        backoffLimit: 0,
        resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "64Mi" } },
      }),
    ]);
    const trainedCondition = async (name: string) =>
      (await runStatus(name)).conditions?.find((c) => c.type === "Trained");
    const pull = await waitFor(
      "the unpullable image's reason in status",
      180_000,
      async () => {
        const c = await trainedCondition("fault-image");
        return c && /ErrImagePull|ImagePullBackOff|ErrImageNeverPull/.test(c.reason ?? "") ? c : undefined;
      },
      describeNs,
    );
    assert.match(pull.message ?? "", /does-not-exist/);
    const oom = await waitRunPhase("fault-oom", ["Failed", "Promoted", "Rejected"], 4 * 60_000);
    const c = oom.conditions?.find((x) => x.type === "Trained");
    assert.equal(oom.phase, "Failed");
    assert.equal(c?.reason, "OOMKilled", JSON.stringify(c));
    assert.match(c?.message ?? "", /raise spec\.resources\.limits\.memory/);
    const after = await modelStatus();
    assert.equal(after.currentVersion, before.currentVersion);
    await kubectl(["delete", "trainingrun", "-n", NS, "fault-image", "fault-oom"]);
  });

  test("a model version whose artifact is corrupt: its pods never become Ready, and the old version keeps serving", async () => {
    const before = await modelStatus();
    assert.equal(before.phase, "Ready", "needs the served model of the pipeline tests");
    const uri = (
      await kubectl(["get", "sentimentmodel", MODEL, "-n", NS, "-o", "jsonpath={.status.currentUri}"])
    ).stdout;
    const m = /^pvc:\/\/([^/]+)\/(.+)$/.exec(uri);
    assert.ok(m, `status.currentUri is not pvc://<claim>/<path>: ${uri}`);
    const [, claim, path] = m;
    const corruptPath = `${path}-corrupt`;
    // A copy of the served version with one of its listed files damaged, as a bad copy would leave it.
    const damaged = await damageCopyOnClaim(claim!, path!, corruptPath);

    await startRequestLoop();
    await patchModelSpec({ artifactUri: `pvc://${claim}/${corruptPath}` });
    const newPod = await waitFor(
      "a server pod of the corrupt version that reports why it cannot load",
      120_000,
      async () => {
        const pod = (await serverPods()).find(
          (p) => p.metadata.annotations?.[MODEL_VERSION_ANNOTATION] !== before.currentVersion,
        );
        if (pod === undefined) return undefined;
        const logs = await kubectl(["logs", "-n", NS, pod.metadata.name], { allowFail: true });
        return /does not match its sha256/.test(logs.stdout) ? pod.metadata.name : undefined;
      },
      describeNs,
    );
    // Readiness is probed every 5 s: several probes later it is still not Ready, and the status says
    // the rollout has not completed while the old replica stays available.
    await sleep(20_000);
    const pods = await serverPods();
    const stuck = pods.find((p) => p.metadata.name === newPod);
    assert.ok(stuck && !podReady(stuck), `${newPod} became Ready with a damaged ${damaged}`);
    assert.ok(
      pods.some((p) => p.metadata.name !== newPod && podReady(p)),
      "the old version's pod must stay Ready",
    );
    const during = await modelStatus();
    const cond = (type: string) => during.conditions?.find((c) => c.type === type);
    assert.equal(cond("RolledOut")?.status, "False", JSON.stringify(during.conditions));
    assert.equal(cond("Available")?.status, "True", JSON.stringify(during.conditions));

    await patchModelSpec({ artifactUri: null });
    await waitServerSettled(1);
    const after = await waitServing(
      "the model back on its old version, Ready",
      before.currentVersion,
      120_000,
    );
    const totals = await stopRequestLoop();
    console.error(
      `# Corrupt version: ${newPod} never Ready; ${totals.ok} requests answered by ${JSON.stringify(totals.versions)}, ${totals.failed} failed.`,
    );
    assert.equal(
      totals.failed,
      0,
      `failed requests while the corrupt version was pinned: ${JSON.stringify(totals)}`,
    );
    assert.deepEqual(
      Object.keys(totals.versions ?? {}),
      [before.currentVersion],
      `answers must all come from the old version: ${JSON.stringify(totals.versions)}`,
    );
    assert.ok(
      (await serverPods()).every(
        (p) => p.metadata.annotations?.[MODEL_VERSION_ANNOTATION] === after.currentVersion,
      ),
    );
  });

  test("a server pod deleted during traffic: replaced, and requests keep succeeding", async () => {
    await patchModelSpec({ replicas: 2 });
    await waitServerSettled(2);
    await startRequestLoop();
    const victim = (await serverPods())[0]!.metadata.name;
    const deleted = Date.now();
    await kubectl(["delete", "pod", "-n", NS, victim, "--wait=false"]);
    await waitFor(
      `a replacement for ${victim} to become Ready`,
      180_000,
      async () => {
        const pods = (await serverPods()).filter((p) => p.metadata.name !== victim);
        return pods.length === 2 && pods.every(podReady) ? true : undefined;
      },
      describeNs,
    );
    const replacedSeconds = (Date.now() - deleted) / 1000;
    await waitServerSettled(2);
    // A few more seconds of traffic on the settled endpoints.
    await sleep(3000);
    const totals = await stopRequestLoop();
    console.error(
      `# Deleted ${victim}: replaced and Ready in ${replacedSeconds.toFixed(1)}s under ${totals.ok + totals.failed} requests (${totals.failed} failed).`,
    );
    await patchModelSpec({ replicas: 1 });
    await waitServerSettled(1);
    assert.equal(totals.failed, 0, `failed requests around the deletion: ${JSON.stringify(totals)}`);
    assert.ok(totals.ok > 20, `too few requests went through: ${JSON.stringify(totals)}`);
  });

  test("load makes the HPA scale the server from 1 to at least 2 replicas, and back after the load stops", async () => {
    const status = await modelStatus();
    assert.equal(status.phase, "Ready", "needs the served model of the pipeline tests");
    await kubectl([
      "patch",
      "sentimentmodel",
      MODEL,
      "-n",
      NS,
      "--type=merge",
      "-p",
      JSON.stringify({
        spec: {
          autoscaling: {
            enabled: true,
            minReplicas: 1,
            maxReplicas: 3,
            targetCPUUtilizationPercentage: 50,
            targetMemoryUtilizationPercentage: 90,
            scaleDownStabilizationSeconds: 15,
          },
        },
      }),
    ]);
    const replicas = async () =>
      Number(
        (await kubectl(["get", "deployment", MODEL, "-n", NS, "-o", "jsonpath={.status.readyReplicas}"]))
          .stdout || 0,
      );
    const hpa = () =>
      kubectl(["get", "hpa", "-n", NS, "-o", "wide"], { allowFail: true }).then((r) => r.stdout);
    await waitFor(
      "the HPA to read CPU from the metrics API",
      120_000,
      async () => (/\d+%\/50%/.test(await hpa()) ? true : undefined),
      hpa,
    );
    const clusterIp = (await kubectl(["get", "service", MODEL, "-n", NS, "-o", "jsonpath={.spec.clusterIP}"]))
      .stdout;
    const loaded = Date.now();
    await apply(NS, [
      requestLoopPod("load-1", `http://${clusterIp}:80/predict`),
      requestLoopPod("load-2", `http://${clusterIp}:80/predict`),
    ]);
    await waitFor(
      "at least 2 ready server replicas under load",
      5 * 60_000,
      async () => ((await replicas()) >= 2 ? true : undefined),
      hpa,
    );
    const upSeconds = (Date.now() - loaded) / 1000;
    await kubectl(["delete", "pod", "-n", NS, "load-1", "load-2", "--grace-period=1"]);
    const unloaded = Date.now();
    await waitFor(
      "the server back at 1 replica",
      5 * 60_000,
      async () => ((await replicas()) === 1 ? true : undefined),
      hpa,
    );
    const downSeconds = (Date.now() - unloaded) / 1000;
    console.error(
      `# HPA: scaled up to >= 2 in ${upSeconds.toFixed(0)}s under load; back to 1 in ${downSeconds.toFixed(0)}s after it (window 15s).`,
    );
  });
});

interface LoopTotals {
  ok: number;
  failed: number;
  errors?: string[];
  /** Answers per served model version (the `model.version` of each prediction). */
  versions?: Record<string, number>;
}

/** Counts of the request loop, from its last log line. */
async function loopTotals(): Promise<LoopTotals> {
  const logs = (await kubectl(["logs", "-n", NS, "request-loop", "--tail=1"])).stdout.trim();
  return JSON.parse(logs || '{"ok":0,"failed":0}') as LoopTotals;
}

/** Starts the request loop against the Service's ClusterIP and waits for its first answers. */
async function startRequestLoop(): Promise<void> {
  const clusterIp = (await kubectl(["get", "service", MODEL, "-n", NS, "-o", "jsonpath={.spec.clusterIP}"]))
    .stdout;
  await apply(NS, [requestLoopPod("request-loop", `http://${clusterIp}:80/predict`)]);
  await kubectl(["wait", "-n", NS, "pod/request-loop", "--for=condition=Ready", "--timeout=120s"]);
  await waitFor("the request loop's first answers", 60_000, async () =>
    (await loopTotals()).ok > 0 ? true : undefined,
  );
}

/** Stops the request loop and returns its final totals. */
async function stopRequestLoop(): Promise<LoopTotals> {
  const totals = await loopTotals();
  await kubectl(["delete", "pod", "-n", NS, "request-loop", "--grace-period=1"], { allowFail: true });
  return totals;
}

interface Pod {
  metadata: { name: string; annotations?: Record<string, string>; deletionTimestamp?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}
/** Pods matching a label selector. */
async function podsBy(selector: Record<string, string>): Promise<Pod[]> {
  const l = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return (await kubectlJson<{ items: Pod[] }>(["get", "pods", "-n", NS, "-l", l])).items;
}
/** A TrainingRun's trainer pods (every attempt of its Job). */
const trainerPods = (run: string) => podsBy(trainerSelector(run));
/** The operator's pods, installed by the Helm release. */
const operatorPods = () =>
  podsBy({
    "app.kubernetes.io/name": "sentiment-operator",
    "app.kubernetes.io/instance": "sentiment-operator",
  });
/** The holder of the operator's leader Lease (`<pod>_<suffix>`), or "". */
async function leaseHolder(): Promise<string> {
  const r = await kubectl(
    ["get", "lease", "sentiment-operator-leader", "-n", NS, "-o", "jsonpath={.spec.holderIdentity}"],
    { allowFail: true },
  );
  return r.stdout.trim();
}
/** The model's server pods. */
const serverPods = () => podsBy(serverSelector(MODEL));
const podReady = (p: Pod) =>
  p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

/** Patches the SentimentModel's spec (JSON merge patch: `null` removes a field). */
async function patchModelSpec(spec: Record<string, unknown>): Promise<void> {
  await kubectl(["patch", "sentimentmodel", MODEL, "-n", NS, "--type=merge", "-p", JSON.stringify({ spec })]);
}

/** Waits until the server Deployment is rolled out with `replicas` Ready pods and none terminating. */
async function waitServerSettled(replicas: number): Promise<void> {
  await kubectl(["rollout", "status", "-n", NS, `deployment/${MODEL}`, "--timeout=180s"]);
  await waitFor(
    `${replicas} ready server pod(s) and none terminating`,
    120_000,
    async () => {
      const pods = await serverPods();
      return pods.length === replicas && pods.every((p) => podReady(p) && !p.metadata.deletionTimestamp)
        ? true
        : undefined;
    },
    describeNs,
  );
}

/**
 * A pod that POSTs reviews to the Service's ClusterIP (kube-proxy balances them) as fast as one
 * connection at a time allows, a new connection each time, and logs its totals every 200 ms.
 */
function requestLoopPod(name: string, url: string) {
  const script = `
const http = require("node:http");
let ok = 0, failed = 0; const errors = []; const versions = {};
const body = JSON.stringify({ text: ${JSON.stringify(POSITIVE)} });
function once() {
  const req = http.request(process.env.URL, { method: "POST", agent: false, timeout: 5000,
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
    let text = ""; res.setEncoding("utf8"); res.on("data", (c) => { text += c; });
    res.on("end", () => {
      if (res.statusCode === 200) { ok++; const v = JSON.parse(text).model.version; versions[v] = (versions[v] || 0) + 1; }
      else { failed++; errors.push("HTTP " + res.statusCode); }
      setImmediate(once);
    });
  });
  req.on("timeout", () => req.destroy(new Error("timeout")));
  req.on("error", (e) => { failed++; errors.push(e.code || e.message); setTimeout(once, 50); });
  req.end(body);
}
once();
setInterval(() => console.log(JSON.stringify({ ok, failed, errors: errors.slice(-5), versions })), 200);
`;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: {
      restartPolicy: "Never",
      securityContext: IMAGE_USER_POD,
      containers: [
        {
          name: "loop",
          image: IMAGES.server,
          command: ["node", "-e", script],
          env: [{ name: "URL", value: url }],
          resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
          securityContext: RESTRICTED_CONTAINER,
        },
      ],
    },
  };
}

/** Copies the IMDB archive into a fresh PVC through a short-lived pod (`kubectl cp`), as a user would. */
async function copyImdbToClaim(): Promise<void> {
  const pod = "imdb-loader";
  await apply(NS, [
    {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: DATA_CLAIM },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: pod },
      spec: {
        restartPolicy: "Never",
        securityContext: IMAGE_USER_POD,
        containers: [
          {
            name: "loader",
            image: IMAGES.server,
            command: ["sleep", "600"],
            securityContext: RESTRICTED_CONTAINER,
            volumeMounts: [{ name: "data", mountPath: "/data" }],
          },
        ],
        volumes: [{ name: "data", persistentVolumeClaim: { claimName: DATA_CLAIM } }],
      },
    },
  ]);
  await kubectl(["wait", "-n", NS, `pod/${pod}`, "--for=condition=Ready", "--timeout=120s"]);
  await kubectl(["cp", imdbArchive(), `${NS}/${pod}:/data/${ARCHIVE}`, "-c", "loader"]);
  const size = await kubectl(["exec", "-n", NS, pod, "--", "stat", "-c", "%s", `/data/${ARCHIVE}`]);
  assert.ok(Number(size.stdout) > 1_000_000, `copied archive is ${size.stdout} bytes`);
  await kubectl(["delete", "pod", "-n", NS, pod, "--grace-period=0", "--wait=true"]);
}

/** The suite's helper containers: the operator's own restricted container settings. */
const RESTRICTED_CONTAINER = containerSecurityContext();
/** Helper pods that run as the images' default user (65532), restricted like the operator's. */
const IMAGE_USER_POD = { ...podSecurityContext(), runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 };

/**
 * Copies the model directory `from` to `to` on the model claim through a short-lived pod, then
 * appends a byte to the first file its metadata.json lists; returns that file's name.
 */
async function damageCopyOnClaim(claim: string, from: string, to: string): Promise<string> {
  const pod = "artifact-damager";
  const script = `
const fs = require("node:fs");
fs.cpSync(process.env.FROM, process.env.TO, { recursive: true });
const file = Object.keys(JSON.parse(fs.readFileSync(process.env.TO + "/metadata.json", "utf8")).files)[0];
fs.appendFileSync(process.env.TO + "/" + file, "x");
console.log(file);
`;
  await apply(NS, [
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: pod },
      spec: {
        restartPolicy: "Never",
        securityContext: podSecurityContext(), // the trainer's user, which owns the model directories
        containers: [
          {
            name: "damager",
            image: IMAGES.server,
            command: ["node", "-e", script],
            env: [
              { name: "FROM", value: `/models/${from}` },
              { name: "TO", value: `/models/${to}` },
            ],
            securityContext: RESTRICTED_CONTAINER,
            volumeMounts: [{ name: "models", mountPath: "/models" }],
          },
        ],
        volumes: [{ name: "models", persistentVolumeClaim: { claimName: claim } }],
      },
    },
  ]);
  const phase = await waitFor(
    `${pod} to finish`,
    120_000,
    async () => {
      const p = (await kubectl(["get", "pod", "-n", NS, pod, "-o", "jsonpath={.status.phase}"])).stdout;
      return p === "Succeeded" || p === "Failed" ? p : undefined;
    },
    describeNs,
  );
  const logs = (await kubectl(["logs", "-n", NS, pod])).stdout.trim();
  assert.equal(phase, "Succeeded", `${pod} failed: ${logs}`);
  await kubectl(["delete", "pod", "-n", NS, pod, "--grace-period=0"]);
  return logs;
}
