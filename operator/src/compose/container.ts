import type { V1Container, V1PodSpec } from "@kubernetes/client-node";
import { join } from "node:path";

/**
 * How a pod's container becomes a local process: each volume mount becomes a host directory
 * (a claim → `volumes/<claim>`, anything else → a directory of the pod), and every argument or
 * environment value under a mount path is rewritten to the host path, the way a bind mount makes
 * them the same file. `toContainer` maps host paths back (for the termination message, which the
 * core reads as the container saw it).
 */
export interface Mounts {
  /** [container path, host path], longest container path first. */
  readonly pairs: readonly (readonly [string, string])[];
}

export function podMounts(spec: V1PodSpec, container: V1Container, stateDir: string, podDir: string): Mounts {
  const pairs = (container.volumeMounts ?? []).map((m) => {
    const vol = spec.volumes?.find((v) => v.name === m.name);
    const claim = vol?.persistentVolumeClaim?.claimName;
    const host = claim !== undefined ? join(stateDir, "volumes", claim) : join(podDir, "volumes", m.name);
    return [m.mountPath, host] as const;
  });
  pairs.sort((a, b) => b[0].length - a[0].length);
  return { pairs };
}

const under = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);

export function toHost(mounts: Mounts, value: string): string {
  const hit = mounts.pairs.find(([c]) => under(value, c));
  return hit === undefined ? value : hit[1] + value.slice(hit[0].length);
}

export function toContainer(mounts: Mounts, text: string): string {
  let out = text;
  for (const [c, h] of [...mounts.pairs].sort((a, b) => b[1].length - a[1].length))
    out = out.split(h).join(c);
  return out;
}

/** The container's environment (literal values only) over the parent's, paths mapped. */
export function containerEnv(
  mounts: Mounts,
  container: V1Container,
  base: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = toHost(mounts, e.value);
  return env;
}
