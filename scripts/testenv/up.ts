/**
 * `npm run testenv:up`: starts a control plane in `.testenv/up/` (building the binaries first if
 * needed) and prints `export KUBECONFIG=...` on stdout. Progress goes to stderr, ending with where
 * Helm and kubectl are and how to run them (tools.ts). The cluster keeps running after the command
 * returns, until `npm run testenv:down`. Running it again while the cluster is healthy only prints
 * the export line and the tools.
 *
 * `--real-node`: instead of KWOK's fake node, one real node (containerd, kubelet, kube-proxy, a
 * CNI bridge, in a network namespace of its own) with the images of `npm run images:build`, a
 * default StorageClass and metrics-server. Needs root and the Debian packages named in
 * scripts/testenv/README.md.
 */
import { parseArgs } from "node:util";
import { ok } from "../../common/result.ts";
import { ensureBinaries, ensureNodeBinaries, type Binaries } from "./binaries.ts";
import { COMPONENTS, startControlPlane, stopControlPlane } from "./control-plane.ts";
import { formatSeconds } from "./go-build.ts";
import { UP_DIR } from "./paths.ts";
import { isOurs, rssBytes } from "./processes.ts";
import { readState } from "./state.ts";
import { toolLines } from "./tools.ts";

const progress = (m: string) => console.error(`[testenv] ${m}`);
const { values } = parseArgs({ options: { "real-node": { type: "boolean", default: false } } });
const wantRealNode = values["real-node"];

const existing = readState(UP_DIR);
if (existing.ok && existing.value.processes.every(isOurs) && existing.value.realNode === wantRealNode) {
  progress(`Found the test cluster already running (${existing.value.server}).`);
  for (const line of toolLines()) progress(line);
  console.log(`export KUBECONFIG=${existing.value.kubeconfig}`);
  process.exit(0);
}
await stopControlPlane(UP_DIR); // leftovers of a crashed or half-stopped cluster

// Only what the cluster runs: helm and prometheus are for the tests, not for `testenv:up`.
const built = await ensureBinaries(progress, process.env, COMPONENTS);
const binaries = built.ok ? ok(built.value as Binaries) : built;
if (!binaries.ok) {
  progress(binaries.error.message);
  process.exit(1);
}
const nodeBinaries = wantRealNode ? await ensureNodeBinaries(progress) : undefined;
if (nodeBinaries && !nodeBinaries.ok) {
  progress(nodeBinaries.error.message);
  process.exit(1);
}
try {
  const state = await startControlPlane({
    dir: UP_DIR,
    binaries: binaries.value,
    progress,
    ownedByThisProcess: false,
    ...(nodeBinaries?.ok ? { realNode: nodeBinaries.value } : {}),
  });
  progress(
    `Started the test cluster in ${formatSeconds(state.startupMs)} (${(state.startupMs / 1000).toFixed(1)}s).`,
  );
  const mib = (pid: number) => `${Math.round((rssBytes(pid) ?? 0) / 2 ** 20)} MiB`;
  progress(`Memory (RSS): ${state.processes.map((p) => `${p.name} ${mib(p.pid)}`).join(", ")}.`);
  progress(`Logs are in ${UP_DIR}/logs. Stop with: npm run testenv:down`);
  for (const line of toolLines()) progress(line);
  console.log(`export KUBECONFIG=${state.kubeconfig}`);
} catch (e) {
  progress(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
