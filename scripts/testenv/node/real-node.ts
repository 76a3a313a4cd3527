/**
 * One real node for the test control plane (`testenv:up --real-node`): containerd + runc, kubelet
 * and kube-proxy in the node's own network namespace, a CNI bridge for pods, the project's images
 * imported, a default StorageClass whose volumes are provisioned on demand, and metrics-server
 * behind the metrics API. `stopRealNode` undoes all of it and lists anything left behind.
 */
import { existsSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { totalmem } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { FailureError } from "../../../common/result.ts";
import { archivePath, IMAGES } from "../../images/images.ts";
import { ensurePauseArchive } from "../../images/pause.ts";
import { formatSeconds } from "../go-build.ts";
import { waitFor } from "../component-wait.ts";
import { cacheRoot } from "../paths.ts";
import { freePorts } from "../ports.ts";
import { startProcess, stopProcesses, type StartedProcess } from "../processes.ts";
import { runCommand } from "../run-command.ts";
import { ProcessRecordSchema } from "../state.ts";
import type { NodeBinaryName } from "../versions.ts";
import {
  HOST_SYSCTLS,
  mountsUnder,
  netnsId,
  nodeProcesses,
  podCgroups,
  podNetnsFiles,
  readSysctls,
  removePodCgroups,
  restoreSysctls,
  unmountAll,
} from "./cleanup.ts";
import {
  cniConfig,
  containerdConfig,
  kubeletArgs,
  kubeletConfig,
  kubeProxyConfig,
  NODE_NAME,
  NODE_NET,
  nodePaths,
  type NodeLayout,
} from "./configs.ts";
import { createNodeNetwork, deleteNodeNetwork, netnsPath, nodeNetworkExists } from "./network.ts";
import { storageClass } from "./provisioner.ts";

/** Memory the node offers pods (its allocatable): the budget of the end-to-end suite. */
export const NODE_POD_MEMORY = 4 * 2 ** 30;

/** Host paths written regardless of the node's directories (kubelet device plugins, pod log links, shim sockets). */
const HOST_PATHS_KUBELET_WRITES = [
  "/var/lib/kubelet",
  "/var/log/containers",
  "/var/log/pods",
  "/run/containerd",
] as const;

export const RealNodeStateSchema = z.object({
  dir: z.string(),
  containerdRoot: z.string(),
  /** Host sysctls before the kubelet started, restored at stop. */
  sysctls: z.record(z.string(), z.string()),
  /** Host paths the kubelet creates regardless of --root-dir that did not exist before. */
  createdHostPaths: z.array(z.string()),
  podNetnsBefore: z.array(z.string()),
  /** Whether /run/netns was a mount point before (`ip netns add` makes it one). */
  runNetnsMounted: z.boolean(),
  /** Pod cgroups that existed before (another runtime's): never removed. */
  cgroupsBefore: z.array(z.string()),
  processes: z.array(ProcessRecordSchema),
});
export type RealNodeState = z.infer<typeof RealNodeStateSchema>;

const stateFile = (dir: string) => join(dir, "node.json");
const RUN_NETNS = "/run/netns";

export interface StartNodeOptions {
  readonly clusterDir: string;
  readonly kubeconfig: string;
  readonly caCert: string;
  readonly binaries: Readonly<Record<NodeBinaryName, string>>;
  readonly progress: (message: string) => void;
}

export function nodeDirOf(clusterDir: string): string {
  return join(clusterDir, "node");
}

/** Creates the namespace and its veth link: before the apiserver, which listens on the host end. */
export async function prepareNodeNetwork(clusterDir: string): Promise<void> {
  if (nodeNetworkExists()) {
    throw new FailureError(
      "NodeNetworkInUse",
      `The network namespace ${NODE_NET.netns} exists already: another real-node cluster runs, or one was not ` +
        "stopped. Stop it with `npm run testenv:down` (or `ip netns del " +
        `${NODE_NET.netns}\` if no cluster owns it).`,
    );
  }
  const dir = nodeDirOf(clusterDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const state: RealNodeState = {
    dir,
    containerdRoot: join(cacheRoot(), "node", "containerd"),
    sysctls: readSysctls(),
    createdHostPaths: HOST_PATHS_KUBELET_WRITES.filter((p) => !existsSync(p)),
    podNetnsBefore: podNetnsFiles(),
    cgroupsBefore: podCgroups(),
    runNetnsMounted: mountsUnder([RUN_NETNS]).includes(RUN_NETNS),
    processes: [],
  };
  await writeFile(stateFile(dir), JSON.stringify(state, null, 2));
  await createNodeNetwork();
}

export function readNodeState(clusterDir: string): RealNodeState | undefined {
  try {
    return RealNodeStateSchema.parse(JSON.parse(readFileSync(stateFile(nodeDirOf(clusterDir)), "utf8")));
  } catch {
    return undefined;
  }
}

export async function startRealNode(opts: StartNodeOptions): Promise<RealNodeState> {
  const { progress } = opts;
  const state = readNodeState(opts.clusterDir);
  if (!state) throw new FailureError("StartFailed", "prepareNodeNetwork must run before startRealNode.");
  const layout: NodeLayout = {
    dir: state.dir,
    containerdRoot: state.containerdRoot,
    kubeconfig: opts.kubeconfig,
    caCert: opts.caCert,
  };
  const p = nodePaths(layout);
  const dirs = { logs: join(state.dir, "logs"), pids: join(state.dir, "pids") };
  for (const d of [dirs.logs, dirs.pids, p.cniConfDir, p.cniIpam, p.volumes, p.podLogs, state.containerdRoot])
    await mkdir(d, { recursive: true });
  await writeFile(p.containerdConfig, containerdConfig(layout));
  await writeFile(join(p.cniConfDir, "10-sentiment-node.conflist"), cniConfig(layout));
  await writeFile(
    p.kubeletConfig,
    kubeletConfig(layout, { totalMemoryBytes: totalmem(), allocatableMemoryBytes: NODE_POD_MEMORY }),
  );
  await writeFile(p.kubeProxyConfig, kubeProxyConfig(layout));

  const procs: StartedProcess[] = [];
  const save = async () => {
    state.processes = procs.map((x) => x.record);
    await writeFile(stateFile(state.dir), JSON.stringify(state, null, 2));
  };
  const netns = netnsPath();
  const kubectl = (...args: string[]) => runCommand("kubectl", [`--kubeconfig=${opts.kubeconfig}`, ...args]);

  let t = Date.now();
  procs.push(
    startProcess("containerd", "/usr/bin/containerd", ["--config", p.containerdConfig], dirs, { netns }),
  );
  await save();
  const ctr = (...args: string[]) => runCommand("ctr", ["-a", p.containerdSock, "-n", "k8s.io", ...args]);
  await waitFor("containerd", procs, 30_000, async () => (await ctr("version")).code === 0);
  progress(`Started containerd in ${formatSeconds(Date.now() - t)} (network namespace ${NODE_NET.netns}).`);

  t = Date.now();
  const pause = await ensurePauseArchive();
  if (!pause.ok) throw new FailureError(pause.error.reason, pause.error.message);
  const archives = [pause.value, ...IMAGES.map((spec) => archivePath(spec))];
  const missing = archives.filter((a) => !existsSync(a));
  if (missing.length > 0)
    throw new FailureError(
      "ImagesMissing",
      `Missing image archives (${missing.join(", ")}): run \`npm run images:build\` first.`,
    );
  for (const archive of archives) {
    const r = await ctr("images", "import", archive);
    if (r.code !== 0) throw new FailureError("StartFailed", `ctr import ${archive} failed: ${r.stderrTail}`);
  }
  progress(`Imported ${archives.length} images into the node in ${formatSeconds(Date.now() - t)}.`);

  t = Date.now();
  procs.push(startProcess("kubelet", opts.binaries.kubelet, kubeletArgs(layout), dirs, { netns }));
  procs.push(
    startProcess(
      "kube-proxy",
      opts.binaries["kube-proxy"],
      [`--config=${p.kubeProxyConfig}`, "--v=1"],
      dirs,
      { netns },
    ),
  );
  await save();
  await waitFor(`node ${NODE_NAME} Ready`, procs, 90_000, async () => {
    const r = await kubectl(
      "get",
      "node",
      NODE_NAME,
      "-o",
      "jsonpath={.status.conditions[?(@.type=='Ready')].status}",
    );
    return r.stdout.trim() === "True";
  });
  progress(`Started kubelet and kube-proxy; node ${NODE_NAME} is Ready (${formatSeconds(Date.now() - t)}).`);

  const provisioner = join(import.meta.dirname, "provisioner.ts");
  procs.push(
    startProcess("provisioner", process.execPath, [provisioner, opts.kubeconfig, p.volumes, NODE_NAME], dirs),
  );
  const [msPort] = await freePorts(1);
  procs.push(
    startProcess(
      "metrics-server",
      opts.binaries["metrics-server"],
      [
        `--kubeconfig=${opts.kubeconfig}`,
        `--authentication-kubeconfig=${opts.kubeconfig}`,
        `--authorization-kubeconfig=${opts.kubeconfig}`,
        `--bind-address=${NODE_NET.hostIp}`,
        `--secure-port=${msPort}`,
        `--cert-dir=${join(state.dir, "metrics-server-pki")}`,
        // The kubelet's serving certificate is self-signed.
        "--kubelet-insecure-tls",
        "--kubelet-preferred-address-types=InternalIP",
        "--metric-resolution=15s",
      ],
      dirs,
    ),
  );
  await save();
  const addons = join(state.dir, "addons.json");
  await writeFile(
    addons,
    JSON.stringify({ apiVersion: "v1", kind: "List", items: [storageClass(), ...metricsApi(msPort!)] }),
  );
  const applied = await kubectl("apply", "-f", addons);
  if (applied.code !== 0)
    throw new FailureError("StartFailed", `Applying the node's add-ons failed: ${applied.stderrTail}`);
  t = Date.now();
  await waitFor("the metrics API (metrics-server)", procs, 60_000, async () => {
    const r = await kubectl(
      "get",
      "apiservice",
      "v1beta1.metrics.k8s.io",
      "-o",
      "jsonpath={.status.conditions[?(@.type=='Available')].status}",
    );
    return r.stdout.trim() === "True";
  });
  progress(
    `Started the hostPath provisioner (default StorageClass) and metrics-server (${formatSeconds(Date.now() - t)}).`,
  );
  return state;
}

/** A selector-less Service with the host address as its endpoint, and the APIService in front of it. */
function metricsApi(port: number) {
  const meta = { name: "metrics-server", namespace: "kube-system", labels: { "k8s-app": "metrics-server" } };
  return [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta,
      spec: { ports: [{ name: "https", port: 443, targetPort: port }] },
    },
    {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: meta,
      subsets: [{ addresses: [{ ip: NODE_NET.hostIp }], ports: [{ name: "https", port }] }],
    },
    {
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      metadata: { name: "v1beta1.metrics.k8s.io" },
      // The test node's metrics-server serves a self-signed certificate; upstream's components.yaml
      // registers it the same way. Test cluster only.
      // nosemgrep: tls-verification-disabled
      spec: {
        service: { name: "metrics-server", namespace: "kube-system", port: 443 },
        group: "metrics.k8s.io",
        version: "v1beta1",
        insecureSkipTLSVerify: true,
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    },
  ];
}

export interface Leftovers {
  readonly processes: number[];
  readonly mounts: string[];
  readonly cgroups: string[];
  readonly netns: boolean;
  readonly sysctls: string[];
}

/**
 * Stops the node and removes what it made on the host: containers (killed through containerd),
 * processes, mounts, pod network namespaces, the node's namespace, `kubepods` cgroups, and the
 * kernel settings the kubelet changed. Returns what could not be removed (empty when clean).
 */
export async function stopRealNode(clusterDir: string, progress: (m: string) => void): Promise<Leftovers> {
  const started = Date.now();
  const step = (what: string) => progress(`${what} (${formatSeconds(Date.now() - started)}).`);
  const state = readNodeState(clusterDir);
  const dir = nodeDirOf(clusterDir);
  const sock = nodePaths({ dir, containerdRoot: "", kubeconfig: "", caCert: "" }).containerdSock;
  const byName = (n: string) => state?.processes.filter((r) => r.name === n) ?? [];
  const pids = join(dir, "pids");
  // The kubelet first, so it restarts nothing; then every container, through containerd.
  await stopProcesses(
    [...byName("metrics-server"), ...byName("provisioner"), ...byName("kube-proxy"), ...byName("kubelet")],
    pids,
  );
  if (existsSync(sock)) {
    const ctr = (...args: string[]) => runCommand("ctr", ["-a", sock, "-n", "k8s.io", ...args]);
    const tasks = (await ctr("tasks", "ls", "-q")).stdout.split("\n").filter(Boolean);
    for (const id of tasks) await ctr("tasks", "kill", "-s", "SIGKILL", id);
    for (const id of tasks)
      for (let i = 0; i < 50 && (await ctr("tasks", "delete", id)).code !== 0; i++) await sleep(100);
    for (const id of (await ctr("containers", "ls", "-q")).stdout.split("\n").filter(Boolean))
      await ctr("containers", "delete", id);
  }
  step("Stopped the node's processes and containers");
  await stopProcesses(byName("containerd"), pids);
  step("Stopped containerd");
  // Shims and containers that outlived containerd (by network namespace or by their socket path).
  const ns = netnsId(netnsPath());
  for (const pid of nodeProcesses(ns, [sock, dir])) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
  await sleep(200);
  const podNetns = podNetnsFiles().filter((f) => !(state?.podNetnsBefore ?? []).includes(f));
  const prefixes = [dir, ...(state ? [state.containerdRoot] : []), ...podNetns, netnsPath()];
  await unmountAll(prefixes);
  for (const f of podNetns) rmSync(f, { force: true });
  await deleteNodeNetwork();
  if (
    state &&
    !state.runNetnsMounted &&
    podNetnsFiles().length === 0 &&
    mountsUnder([RUN_NETNS]).length === 1
  ) {
    await unmountAll([RUN_NETNS]);
    rmdirSync(RUN_NETNS);
  }
  const cgroupsLeft = removePodCgroups(state?.cgroupsBefore);
  const restored = state ? restoreSysctls(state.sysctls) : [];
  if (restored.length > 0) progress(`Restored kernel settings the kubelet changed: ${restored.join(", ")}.`);
  for (const p of state?.createdHostPaths ?? []) rmSync(p, { recursive: true, force: true });

  const now = readSysctls();
  return {
    processes: nodeProcesses(netnsId(netnsPath()), [sock, dir]),
    mounts: mountsUnder(prefixes),
    cgroups: [...new Set([...cgroupsLeft, ...podCgroups(state?.cgroupsBefore)])],
    netns: nodeNetworkExists() || (state?.runNetnsMounted === false && mountsUnder([RUN_NETNS]).length > 0),
    sysctls: state
      ? HOST_SYSCTLS.filter((k) => state.sysctls[k] !== undefined && now[k] !== state.sysctls[k])
      : [],
  };
}

export const isClean = (l: Leftovers): boolean =>
  l.processes.length + l.mounts.length + l.cgroups.length + l.sysctls.length === 0 && !l.netns;
