/**
 * `npm run bench:operator`: N SentimentModels (default 200) converge to Ready on the test control
 * plane, with the operator as a real child process running as a ServiceAccount bound to the
 * shipped ClusterRole. Prints (and writes to --out, default /work/coord/operator-figures.md):
 * time to converge, operator RSS, API requests, and writes during steady-state resyncs (must be 0).
 *
 * Cluster: SENTIMENT_TEST_KUBECONFIG if set, else a fresh control plane from the testenv cache.
 * Flags: --models N, --resync SECONDS (default 15), --out PATH ("-" for stdout only).
 */
import { writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { requireBinaries } from "#testenv/binaries.ts";
import { kwokNode } from "#testenv/components.ts";
import { startControlPlane, stopControlPlane } from "#testenv/control-plane.ts";
import { serviceAccountKubeConfig } from "#testenv/service-accounts.ts";
import { waitUntil } from "#testenv/wait.ts";
import { modelPvcName } from "../operator/src/api/names.ts";
import { KubeClient } from "../operator/src/k8s/client.ts";
import { Resources } from "../operator/src/k8s/resources.ts";
import type { KubeObject } from "../operator/src/api/kube-object.ts";
import { metricValue, spawnOperator } from "../operator/src/testing/child-operator.ts";
import { sentimentModelManifest, withModelSpec } from "../operator/src/testing/resources.ts";
import {
  installClusterRole,
  installCrds,
  Kube,
  OPERATOR_SA,
  phaseOf,
  REPO,
} from "../operator/src/testing/harness.ts";

const { values } = parseArgs({
  options: {
    models: { type: "string", default: "200" },
    resync: { type: "string", default: "15" },
    workers: { type: "string", default: "4" },
    out: { type: "string", default: "/work/coord/operator-figures.md" },
  },
});
const MODELS = Number(values.models);
const RESYNC_S = Number(values.resync);
const WORKERS = Number(values.workers);
const log = (m: string) => console.error(`[bench] ${m}`);

/** Cleanup steps, run in reverse at the end (a stand-in for the TestContext the helpers expect). */
const cleanups: (() => unknown)[] = [];
const ctx = { after: (fn: () => unknown) => cleanups.push(fn) } as unknown as TestContext;

async function cluster(): Promise<{ kubeconfig: string; stop: () => Promise<void> }> {
  const existing = process.env["SENTIMENT_TEST_KUBECONFIG"];
  if (existing) return { kubeconfig: existing, stop: async () => {} };
  const binaries = requireBinaries();
  if (!binaries.ok) throw new Error(binaries.error.message);
  const dir = join(REPO, ".testenv", `bench-${process.pid}`);
  const state = await startControlPlane({
    dir,
    binaries: binaries.value,
    progress: log,
    ownedByThisProcess: true,
  });
  return { kubeconfig: state.kubeconfig, stop: () => stopControlPlane(dir) };
}

/** The operator's RSS from /proc (current and peak), in MiB. */
async function rss(pid: number): Promise<{ now: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) =>
    Number(/(\d+) kB/.exec(status.split("\n").find((l) => l.startsWith(key)) ?? "")?.[1] ?? 0);
  return { now: kb("VmRSS:") / 1024, peak: kb("VmHWM:") / 1024 };
}

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** Mean of a Prometheus histogram for the sentimentmodel controller, in ms. */
function meanMs(text: string, name: string): number {
  const get = (suffix: string) =>
    metricValue(text, `${name}_${suffix}`, '{controller="sentimentmodel"}') ?? 0;
  const count = get("count");
  return count === 0 ? 0 : (get("sum") / count) * 1000;
}

/** Sums `sentiment_operator_kube_requests_total` by verb from the Prometheus text. */
function requestsByVerb(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const m =
      /^sentiment_operator_kube_requests_total\{verb="(\w+)",resource="([^"]*)",code="\d+"\} (\d+)/.exec(
        line,
      );
    if (m) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[3]);
  }
  return out;
}
/** SentimentModel reconciles, whatever their result. */
const modelReconciles = (text: string): number =>
  text
    .split("\n")
    .filter((l) => l.startsWith('sentiment_operator_reconcile_total{controller="sentimentmodel"'))
    .reduce((n, l) => n + Number(l.split(" ").pop()), 0);
const writesOf = (byVerb: Record<string, number>) =>
  ["create", "update", "patch", "delete"].reduce((n, v) => n + (byVerb[v] ?? 0), 0);

async function main(): Promise<void> {
  const { kubeconfig, stop } = await cluster();
  cleanups.push(stop);
  const admin = new KubeConfig();
  admin.loadFromFile(kubeconfig);
  const kube = new Kube(await KubeClient.create(admin));
  cleanups.push(() => kube.close());
  await installCrds(kube);
  await installClusterRole(kube);

  // One KWOK node takes 110 pods: add nodes so every model's server pod can be scheduled.
  const extraNodes = Math.ceil(MODELS / 100);
  for (let i = 1; i <= extraNodes; i++) {
    const node = kwokNode(`kwok-bench-${i}`);
    await kube.client.request({ method: "POST", path: "/api/v1/nodes", body: node }).catch(() => undefined);
    cleanups.push(() =>
      kube.client
        .request({ method: "DELETE", path: `/api/v1/nodes/${node.metadata.name}` })
        .catch(() => undefined),
    );
  }

  const ns = `bench-${Math.random().toString(36).slice(2, 7)}`;
  await kube.client.request({ method: "POST", path: "/api/v1/namespaces", body: { metadata: { name: ns } } });
  cleanups.push(() =>
    kube.client.request({ method: "DELETE", path: `/api/v1/namespaces/${ns}` }).catch(() => undefined),
  );
  const access = await serviceAccountKubeConfig(ctx, admin, {
    namespace: ns,
    name: OPERATOR_SA,
    clusterRole: "sentiment-operator",
  });

  const names = Array.from({ length: MODELS }, (_, i) => `m${String(i).padStart(3, "0")}`);
  log(`Creating ${MODELS} pre-bound PersistentVolumes (no provisioner in the test cluster).`);
  await inBatches(names, 20, async (name) => {
    const pv = `pv-${ns}-${name}`;
    await kube.client.request({
      method: "POST",
      path: "/api/v1/persistentvolumes",
      body: {
        metadata: { name: pv },
        spec: {
          capacity: { storage: "2Gi" },
          accessModes: ["ReadWriteOnce"],
          hostPath: { path: `/tmp/${pv}` },
          claimRef: { namespace: ns, name: modelPvcName(name) },
        },
      },
    });
    cleanups.push(() =>
      kube.client
        .request({ method: "DELETE", path: `/api/v1/persistentvolumes/${pv}` })
        .catch(() => undefined),
    );
  });

  const op = await spawnOperator(ctx, access.kubeconfigPath, ns, "bench", [
    "--resync-period",
    `${RESYNC_S}s`,
    "--log-level",
    "info",
  ]);
  const pid = op.proc.pid!;
  await waitUntil("the operator to be ready", async () => (await op.get("/readyz")).status === 200);
  const idle = {
    rss: await rss(pid),
    cpu: await cpuSeconds(pid),
    requests: requestsByVerb((await op.get("/metrics")).body),
  };
  log(`Operator ready (RSS ${idle.rss.now.toFixed(0)} MiB). Creating ${MODELS} SentimentModels.`);

  let peakRss = idle.rss.now;
  const sampler = setInterval(
    () =>
      void rss(pid).then(
        (r) => (peakRss = Math.max(peakRss, r.now)),
        () => undefined,
      ),
    250,
  );
  const t0 = performance.now();
  await inBatches(names, 20, (name) =>
    kube.create(
      ns,
      sentimentModelManifest(
        name,
        withModelSpec({ replicas: 1, artifactUri: `pvc://${modelPvcName(name)}/${name}/v1` }),
      ),
    ),
  );
  const createdMs = performance.now() - t0;
  let ready = 0;
  await waitUntil(
    `${MODELS} SentimentModels to be Ready`,
    async () => {
      const list = await kube.list(Resources.sentimentModel, ns);
      ready = list.filter((m: KubeObject) => phaseOf(m) === "Ready").length;
      return ready === MODELS;
    },
    { timeoutMs: 15 * 60_000, intervalMs: 250 },
  );
  const convergeMs = performance.now() - t0;
  clearInterval(sampler);
  const converged = {
    rss: await rss(pid),
    cpu: await cpuSeconds(pid),
    metrics: (await op.get("/metrics")).body,
  };
  log(`All ${MODELS} Ready after ${(convergeMs / 1000).toFixed(1)} s.`);

  // Steady state: let stragglers settle, then watch two full resync periods.
  let last = -1;
  await waitUntil(
    "the operator to stop writing",
    async () => {
      const w = writesOf(requestsByVerb((await op.get("/metrics")).body));
      const quiet = w === last;
      last = w;
      return quiet;
    },
    { timeoutMs: 120_000, intervalMs: 3000 },
  );
  const before = requestsByVerb((await op.get("/metrics")).body);
  const reconcilesBefore = modelReconciles((await op.get("/metrics")).body);
  log(`Watching ${2 * RESYNC_S + 5} s of steady state (at least two resyncs).`);
  await sleep((2 * RESYNC_S + 5) * 1000);
  const steadyMetrics = (await op.get("/metrics")).body;
  const afterSteady = requestsByVerb(steadyMetrics);
  const steadyReconciles = modelReconciles(steadyMetrics) - reconcilesBefore;
  const steadyWrites = writesOf(afterSteady) - writesOf(before);
  const steadyRequests =
    Object.values(afterSteady).reduce((a, b) => a + b, 0) - Object.values(before).reduce((a, b) => a + b, 0);
  const final = await rss(pid);

  const conv = requestsByVerb(converged.metrics);
  const convTotal =
    Object.values(conv).reduce((a, b) => a + b, 0) - Object.values(idle.requests).reduce((a, b) => a + b, 0);
  const errors =
    metricValue(
      converged.metrics,
      "sentiment_operator_reconcile_errors_total",
      '{controller="sentimentmodel"}',
    ) ?? 0;
  const verbs = Object.entries(conv)
    .map(([v, n]) => [v, n - (idle.requests[v] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${v} ${n}`)
    .join(", ");
  const date = new Date().toISOString().slice(0, 16).replace("T", " ");
  const report = `# Operator benchmark

Command: \`npm run bench:operator -- --models ${MODELS} --resync ${RESYNC_S} --workers ${WORKERS}\` (${date} UTC).
The machine (2 cores) was shared with other sessions while it ran (load average ${loadavg()[0]!.toFixed(1)} at the
end), and the control plane runs on the same cores, so times are pessimistic.

Test control plane: etcd + kube-apiserver v1.33 + controller-manager + scheduler + KWOK (fake
kubelets, ${1 + extraNodes} nodes). The operator ran as a child process (\`sentiment-operator run\`, ${WORKERS} workers
per controller) with a ServiceAccount bound to config/rbac/cluster-role.yaml, watching one
namespace. Each SentimentModel served a pinned artifact (\`spec.artifactUri\`), 1 replica; its
children: PVC, Deployment, Service, PDB, NetworkPolicy (no ServiceMonitor CRD installed).

| Figure | Value |
|---|---|
| SentimentModels | ${MODELS} |
| Time to create them (admin client, 20 in flight) | ${(createdMs / 1000).toFixed(1)} s |
| Time from first create to all Ready | ${(convergeMs / 1000).toFixed(1)} s |
| Operator RSS idle / peak while converging / after | ${idle.rss.now.toFixed(0)} / ${Math.max(peakRss, converged.rss.peak).toFixed(0)} / ${final.now.toFixed(0)} MiB |
| Operator CPU time while converging | ${(converged.cpu - idle.cpu).toFixed(1)} s |
| Mean model reconcile / mean wait in the work queue | ${meanMs(converged.metrics, "sentiment_operator_reconcile_duration_seconds").toFixed(0)} ms / ${meanMs(converged.metrics, "sentiment_operator_workqueue_wait_seconds").toFixed(0)} ms |
| API requests to converge | ${convTotal} (${verbs}) |
| API requests per model | ${(convTotal / MODELS).toFixed(1)} |
| Reconcile errors (retried; 409 conflicts from a cache behind a write) | ${errors} |
| Steady state: model reconciles in ${2 * RESYNC_S + 5} s (at least two resyncs of every model) | ${steadyReconciles} |
| Steady state: API requests / writes in that window | ${steadyRequests} / **${steadyWrites}** |

Notes: requests are counted by the operator itself (every request through its client, plus each
watch it opens) and read from its \`/metrics\`; creates are Events (three transitions per model),
patches are server-side applies and status patches. Idle RSS is mostly Node itself (about 42 MiB)
and @kubernetes/client-node's generated API, which its KubeConfig loads (about 80 MiB).
`;
  console.log(report);
  if (values.out !== "-") {
    writeFileSync(values.out, report);
    log(`Wrote ${values.out}.`);
  }
  op.proc.kill("SIGTERM");
  await op.exited;
  if (steadyWrites !== 0) {
    console.error(`[bench] FAILED: ${steadyWrites} writes at steady state.`);
    process.exitCode = 1;
  }
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

try {
  await main();
} finally {
  for (const fn of cleanups.reverse()) await fn();
}
