/**
 * `state.json` in a cluster's directory: what `testenv:down`, the test helper and other processes
 * need to find and stop a running control plane. Validated with zod when read.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { err, failure, ok, type Result } from "../../common/result.ts";

export const ProcessRecordSchema = z.object({
  name: z.string(),
  pid: z.number().int().positive(),
  binary: z.string(),
  log: z.string(),
});

export const ControlPlaneStateSchema = z.object({
  dir: z.string(),
  kubeconfig: z.string(),
  server: z.url(),
  /** What `/version` must report: the pinned version, or the KUBEBUILDER_ASSETS binary's own. */
  kubernetesVersion: z.string(),
  nodeName: z.string(),
  /** A real node (containerd + kubelet) instead of KWOK's fake one. */
  realNode: z.boolean().default(false),
  processes: z.array(ProcessRecordSchema),
  startedAt: z.iso.datetime(),
  startupMs: z.number(),
});

export type ControlPlaneState = z.infer<typeof ControlPlaneStateSchema>;

/** Written by the global setup instead of state.json when the cluster could not start. */
export const SETUP_ERROR_FILE = "setup-error.json";

export function statePath(dir: string): string {
  return join(dir, "state.json");
}

export async function writeState(state: ControlPlaneState): Promise<void> {
  await writeFile(statePath(state.dir), JSON.stringify(state, null, 2) + "\n");
}

export function readState(dir: string): Result<ControlPlaneState> {
  let raw: string;
  try {
    raw = readFileSync(statePath(dir), "utf8");
  } catch {
    return err(failure("NoCluster", `No test cluster state in ${dir}.`));
  }
  const parsed = ControlPlaneStateSchema.safeParse(JSON.parse(raw));
  if (!parsed.success)
    return err(failure("BadState", `Unreadable ${statePath(dir)}: ${parsed.error.message}`));
  return ok(parsed.data);
}
