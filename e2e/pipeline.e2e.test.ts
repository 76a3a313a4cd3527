/**
 * The product end to end on a cluster that runs containers: the operator installed with Helm from
 * its image, a TrainingRun whose trainer pod really trains on the IMDB archive (on a PVC), the
 * gate, the served model answering through its Service, then a second run rolled out under
 * traffic and a gate-failing run that changes nothing. Needs SENTIMENT_TEST_KUBECONFIG (see
 * harness.ts) and SENTIMENT_IMDB_PATH; run with `npm run test:e2e`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { basename, join } from "node:path";
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

interface TrainingRunStatus {
  phase?: string;
  metrics?: { accuracy: number; f1: number };
  artifact?: { version: string };
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}
interface ModelStatus {
  phase?: string;
  currentVersion?: string;
  readyReplicas?: number;
  metrics?: { accuracy: number };
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
          server: { resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } } },
          service: { type: "ClusterIP", port: 80 },
          storage: { size: "1Gi" },
        },
      },
      trainingRun("reviews-nblr-1"),
    ]);
    const run = await waitRunPhase("reviews-nblr-1", ["Promoted", "Failed", "Rejected"], 8 * 60_000);
    assert.equal(run.phase, "Promoted", `run ended ${run.phase}: ${JSON.stringify(run.conditions)}`);
    assert.ok(run.metrics && run.metrics.accuracy >= 0.91, `test accuracy ${run.metrics?.accuracy} < 0.91`);
    const served = await waitFor(
      "the model to serve the run's version",
      4 * 60_000,
      async () => {
        const s = await modelStatus();
        return s.phase === "Ready" && s.currentVersion === run.artifact?.version ? s : undefined;
      },
      describeNs,
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
});

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
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 65532,
          runAsGroup: 65532,
          fsGroup: 65532,
          seccompProfile: { type: "RuntimeDefault" },
        },
        containers: [
          {
            name: "loader",
            image: IMAGES.server,
            command: ["sleep", "600"],
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
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
