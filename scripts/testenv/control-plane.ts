/**
 * Starts and stops one control plane: etcd → kube-apiserver → controller-manager, scheduler and
 * KWOK → one fake Node, Ready. Everything lives in one directory (PKI, logs, pid files, etcd data,
 * kubeconfig, state.json) and every process is stopped by PID. If startup fails part-way, whatever
 * was started is stopped again and the error carries the failing component's last log lines.
 */
import { rmSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FailureError } from "../../common/result.ts";
import { onStopSignal } from "../../common/signals.ts";
import type { Binaries } from "./binaries.ts";
import { NODE_NAME as REAL_NODE_NAME, NODE_NET } from "./node/configs.ts";
import { isClean, prepareNodeNetwork, readNodeState, startRealNode, stopRealNode } from "./node/real-node.ts";
import {
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  kwokArgs,
  KWOK_CONFIG,
  kwokNode,
  LOOPBACK,
  PORT_NAMES,
  schedulerArgs,
  type Layout,
  type Ports,
} from "./components.ts";
import { writeAdminKubeconfig } from "./kubeconfig.ts";
import { waitFor } from "./component-wait.ts";
import { ADMIN_USER, generatePki } from "./pki.ts";
import { freePorts } from "./ports.ts";
import { probe, type ProbeTls } from "./probe.ts";
import {
  isAlive,
  readPidFiles,
  startProcess,
  startReaper,
  stopProcesses,
  stopProcessesSync,
  type ProcessRecord,
  type StartedProcess,
} from "./processes.ts";
import { readState, writeState, type ControlPlaneState } from "./state.ts";
import { VERSIONS, type NodeBinaryName } from "./versions.ts";

export const COMPONENTS = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kwok",
] as const;
export const NODE_NAME = "kwok-node-0";

export interface StartOptions {
  /** Fresh directory for this cluster (created; removed again by `stopControlPlane`). */
  readonly dir: string;
  readonly binaries: Binaries;
  readonly progress: (message: string) => void;
  /**
   * Tie the components' lifetime to this process: a watchdog stops them if it dies, even by
   * SIGKILL. Off for `testenv:up`, whose cluster outlives the command.
   */
  readonly ownedByThisProcess: boolean;
  /**
   * One real node (containerd, kubelet, kube-proxy) instead of KWOK's fake one: its binaries.
   * The apiserver then listens on the host end of the node's veth link, not on loopback.
   */
  readonly realNode?: Readonly<Record<NodeBinaryName, string>>;
}

export async function startControlPlane(opts: StartOptions): Promise<ControlPlaneState> {
  const started = Date.now();
  const { dir, binaries, progress } = opts;
  const dirs = { logs: join(dir, "logs"), pids: join(dir, "pids") };
  await rm(dir, { recursive: true, force: true });
  for (const d of [dir, dirs.logs, dirs.pids]) await mkdir(d, { recursive: true, mode: 0o700 });
  if (opts.ownedByThisProcess) startReaper(dirs.pids);
  const realNode = opts.realNode;
  if (realNode) await prepareNodeNetwork(dir);

  const portList = await freePorts(PORT_NAMES.length);
  const ports = Object.fromEntries(PORT_NAMES.map((n, i) => [n, portList[i]!])) as unknown as Ports;
  const pki = await generatePki(join(dir, "pki"));
  const layout: Layout = {
    pki,
    etcdData: join(dir, "etcd"),
    apiserverCertDir: join(dir, "certs", "apiserver"),
    controllerManagerCertDir: join(dir, "certs", "controller-manager"),
    schedulerCertDir: join(dir, "certs", "scheduler"),
    kubeconfig: join(dir, "kubeconfig"),
    kwokConfig: join(dir, "kwok.yaml"),
  };
  await writeFile(layout.kwokConfig, KWOK_CONFIG);
  const server = `https://${realNode ? NODE_NET.hostIp : LOOPBACK}:${ports.apiserver}`;
  await writeAdminKubeconfig(layout.kubeconfig, server, pki, ADMIN_USER);
  const [caPem, certPem, keyPem] = await Promise.all(
    [pki.caCert, pki.adminCert, pki.adminKey].map((p) => readFile(p, "utf8")),
  );
  const admin: ProbeTls = { ca: caPem!, cert: certPem!, key: keyPem! };

  const procs: StartedProcess[] = [];
  const start = (name: (typeof COMPONENTS)[number], args: string[]) => {
    procs.push(startProcess(name, binaries[name].path, args, dirs));
  };
  // Interrupted while starting: stop what runs, then exit as the signal would have.
  const stopListening = onStopSignal((signal) => {
    stopProcessesSync(
      procs.map((p) => p.record),
      dirs.pids,
    );
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
  try {
    start("etcd", etcdArgs(ports, layout));
    await waitFor("etcd to report healthy", procs, 30_000, async () => {
      const r = await probe(`http://${LOOPBACK}:${ports.etcdClient}/health`);
      return r.status === 200 && r.body.includes('"health":"true"');
    });
    progress(`Started etcd on ${LOOPBACK}:${ports.etcdClient}.`);

    start("kube-apiserver", apiserverArgs(ports, layout, realNode !== undefined));
    await waitFor("kube-apiserver /readyz", procs, 120_000, async () => {
      const r = await probe(`${server}/readyz`, admin);
      return r.status === 200 && r.body === "ok";
    });
    progress(`Started kube-apiserver on ${server}.`);

    start("kube-controller-manager", controllerManagerArgs(ports, layout));
    start("kube-scheduler", schedulerArgs(ports, layout));
    const healthy = (port: number) => async () =>
      (await probe(`https://${LOOPBACK}:${port}/healthz`, { insecure: true })).status === 200;
    if (realNode) {
      await Promise.all([
        waitFor("kube-controller-manager /healthz", procs, 60_000, healthy(ports.controllerManager)),
        waitFor("kube-scheduler /healthz", procs, 60_000, healthy(ports.scheduler)),
      ]);
      progress("Started kube-controller-manager and kube-scheduler.");
      await startRealNode({
        clusterDir: dir,
        kubeconfig: layout.kubeconfig,
        caCert: pki.caCert,
        binaries: realNode,
        progress,
      });
    } else {
      start("kwok", kwokArgs(ports, layout));
      await createNode(server, admin);
      await Promise.all([
        waitFor("kube-controller-manager /healthz", procs, 60_000, healthy(ports.controllerManager)),
        waitFor("kube-scheduler /healthz", procs, 60_000, healthy(ports.scheduler)),
        waitFor("kwok /healthz", procs, 60_000, healthy(ports.kwok)),
        waitFor(`node ${NODE_NAME} Ready (KWOK)`, procs, 60_000, () => nodeReady(server, admin)),
      ]);
      progress(`Started kube-controller-manager, kube-scheduler and KWOK; node ${NODE_NAME} is Ready.`);
    }
  } catch (e) {
    if (realNode) await stopRealNode(dir, progress);
    await stopProcesses(
      procs.map((p) => p.record),
      dirs.pids,
    );
    throw e;
  } finally {
    stopListening();
  }

  const state: ControlPlaneState = {
    dir,
    kubeconfig: layout.kubeconfig,
    server,
    kubernetesVersion: await apiserverVersion(binaries),
    nodeName: realNode ? REAL_NODE_NAME : NODE_NAME,
    realNode: realNode !== undefined,
    processes: procs.map((p) => p.record),
    startedAt: new Date(started).toISOString(),
    startupMs: Date.now() - started,
  };
  await writeState(state);
  return state;
}

/**
 * Stops every component of the cluster in `dir` by PID (from state.json, or the pid files if
 * startup never finished) and removes the directory. Safe to call twice.
 */
export async function stopControlPlane(
  dir: string,
  opts: { readonly keepDir?: boolean; readonly progress?: (message: string) => void } = {},
): Promise<void> {
  const progress = opts.progress ?? ((m: string) => console.error(`[testenv] ${m}`));
  if (readNodeState(dir)) {
    const left = await stopRealNode(dir, progress);
    if (isClean(left))
      progress("Stopped the real node: no process, mount, cgroup, namespace or kernel setting left.");
    else progress(`Stopped the real node, but left behind: ${JSON.stringify(left)}`);
  }
  const state = readState(dir);
  const records: ProcessRecord[] = state.ok
    ? state.value.processes
    : readPidFiles(join(dir, "pids"), COMPONENTS, join(dir, "logs"));
  await stopProcesses(records, join(dir, "pids"));
  if (!opts.keepDir) await rm(dir, { recursive: true, force: true });
}

/** Synchronous `stopControlPlane` for signal and `exit` handlers. */
export function stopControlPlaneSync(
  state: ControlPlaneState,
  opts: { readonly keepDir?: boolean } = {},
): void {
  stopProcessesSync(state.processes, join(state.dir, "pids"));
  if (!opts.keepDir) rmSync(state.dir, { recursive: true, force: true });
}

/**
 * Stops and removes clusters of earlier runs under `root` whose owning process is gone (a runner
 * killed with SIGKILL, a machine that lost power). Directories are named `<prefix><owner pid>`.
 */
export async function removeStaleClusters(root: string, prefix: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return;
  }
  for (const entry of entries) {
    const owner = Number(entry.slice(prefix.length));
    if (!entry.startsWith(prefix) || !Number.isInteger(owner) || isAlive(owner)) continue;
    await stopControlPlane(join(root, entry));
  }
}

/** The version `/version` must report: pinned, unless KUBEBUILDER_ASSETS supplied the apiserver. */
async function apiserverVersion(binaries: Binaries): Promise<string> {
  const apiserver = binaries["kube-apiserver"];
  if (apiserver.source === "cache") return `v${VERSIONS.kubernetes}`;
  const { runCommand } = await import("./run-command.ts");
  const r = await runCommand(apiserver.path, ["--version"]);
  return /v\d+\.\d+\.\d+\S*/.exec(r.stdout)?.[0] ?? "unknown";
}

async function createNode(server: string, tls: ProbeTls): Promise<void> {
  const { request } = await import("node:https");
  const body = JSON.stringify(kwokNode(NODE_NAME));
  await new Promise<void>((resolve, reject) => {
    const req = request(
      `${server}/api/v1/nodes`,
      { method: "POST", ...tls, headers: { "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 201 || res.statusCode === 409
            ? resolve()
            : reject(
                new FailureError(
                  "StartFailed",
                  `Creating node ${NODE_NAME} returned HTTP ${res.statusCode}.`,
                ),
              ),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function nodeReady(server: string, tls: ProbeTls): Promise<boolean> {
  const r = await probe(`${server}/api/v1/nodes/${NODE_NAME}`, tls);
  if (r.status !== 200) return false;
  const node = JSON.parse(r.body) as { status?: { conditions?: { type: string; status: string }[] } };
  return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}
