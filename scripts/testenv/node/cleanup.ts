/**
 * What a real node leaves on the host unless it is cleaned up, and the cleanup itself: kernel
 * settings the kubelet changes (`vm.overcommit_memory`, `kernel.panic`, ...), mounts (overlay
 * rootfs, pod network namespaces, volumes), cgroups (`/kubepods` in every hierarchy) and
 * processes (containerd shims and containers outlive containerd). Each check lists by reading
 * /proc and /sys, so `testenv:down` can say that nothing is left, or what is.
 */
import {
  existsSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { runCommand } from "../run-command.ts";

/** Host-wide sysctls the kubelet sets (pkg/kubelet/cm: setupKernelTunables) and kube-proxy might. */
export const HOST_SYSCTLS = [
  "vm.overcommit_memory",
  "vm.panic_on_oom",
  "kernel.panic",
  "kernel.panic_on_oops",
  "kernel.keys.root_maxkeys",
  "kernel.keys.root_maxbytes",
  "net.netfilter.nf_conntrack_max",
] as const;

const sysctlPath = (key: string) => join("/proc/sys", ...key.split("."));

export function readSysctls(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of HOST_SYSCTLS) {
    try {
      out[k] = readFileSync(sysctlPath(k), "utf8").trim();
    } catch {
      // Not on this kernel.
    }
  }
  return out;
}

/** Writes back the saved values; returns the keys that were changed and restored. */
export function restoreSysctls(saved: Readonly<Record<string, string>>): string[] {
  const restored: string[] = [];
  for (const [k, v] of Object.entries(saved)) {
    const now = readFileSync(sysctlPath(k), "utf8").trim();
    if (now === v) continue;
    writeFileSync(sysctlPath(k), v);
    restored.push(`${k} ${now} → ${v}`);
  }
  return restored;
}

/** Mount points (deepest first) under any of the prefixes, from /proc/self/mountinfo. */
export function mountsUnder(prefixes: readonly string[]): string[] {
  const points = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\040/g, " "))
    .filter((p) => prefixes.some((pre) => p === pre || p.startsWith(pre.endsWith("/") ? pre : `${pre}/`)));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export async function unmountAll(prefixes: readonly string[]): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const points = mountsUnder(prefixes);
    if (points.length === 0) return;
    for (const p of points) {
      const r = await runCommand("umount", [p]);
      if (r.code !== 0) await runCommand("umount", ["-l", p]);
    }
  }
}

const CGROUP_ROOT = "/sys/fs/cgroup";

/** Cgroups of pods (the kubelet's `kubepods`) and of containers containerd runs itself (`k8s.io`). */
const POD_CGROUPS = ["kubepods", "k8s.io"] as const;

/** Pod cgroup directories in every hierarchy (v1 controllers and the cgroup2 mount), except `keep`. */
export function podCgroups(keep: readonly string[] = []): string[] {
  const out: string[] = [];
  const roots = existsSync(CGROUP_ROOT) ? readdirSync(CGROUP_ROOT).map((h) => join(CGROUP_ROOT, h)) : [];
  for (const root of [CGROUP_ROOT, ...roots]) {
    for (const name of POD_CGROUPS) {
      const dir = join(root, name);
      if (existsSync(dir) && !keep.includes(dir)) out.push(dir);
    }
  }
  return [...new Set(out)];
}

/** Removes the pod cgroup trees bottom-up (a cgroup can be removed once it has no tasks), except `keep`. */
export function removePodCgroups(keep: readonly string[] = []): string[] {
  const failed: string[] = [];
  const removeTree = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const child = join(dir, e);
      try {
        if (statSync(child).isDirectory()) removeTree(child);
      } catch {
        // Vanished meanwhile.
      }
    }
    try {
      rmdirSync(dir);
    } catch {
      failed.push(dir);
    }
  };
  for (const dir of podCgroups(keep)) removeTree(dir);
  return failed;
}

/** Inode of a network namespace file (`net:[4026532...]`), or undefined. */
export function netnsId(path: string): string | undefined {
  try {
    return `net:[${statSync(path).ino}]`;
  } catch {
    return undefined;
  }
}

/** PIDs of processes in the node's network namespace, or whose command line names one of `markers`. */
export function nodeProcesses(netns: string | undefined, markers: readonly string[]): number[] {
  const out: number[] = [];
  for (const e of readdirSync("/proc")) {
    const pid = Number(e);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (netns && readlinkSync(`/proc/${pid}/ns/net`) === netns) {
        out.push(pid);
        continue;
      }
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (markers.some((m) => cmdline.includes(m))) out.push(pid);
    } catch {
      // Exited meanwhile, or a kernel thread.
    }
  }
  return out;
}

/** Network namespaces that containerd made for pods (`/run/netns/cni-*`). */
export function podNetnsFiles(): string[] {
  try {
    return readdirSync("/run/netns")
      .filter((n) => n.startsWith("cni-"))
      .map((n) => join("/run/netns", n));
  } catch {
    return [];
  }
}
