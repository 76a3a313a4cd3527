/**
 * The pause image of the real test node, without a registry: Debian's static `catatonit` (shipped
 * with podman) alone in a scratch image, run as `/pause -P` (it then only reaps and waits, as the
 * upstream pause binary does). Built once into the project's container storage and archived.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ok, type Result } from "../../common/result.ts";
import { PAUSE_IMAGE } from "../testenv/node/configs.ts";
import { exportArchive } from "./archive.ts";
import { containersEnv, tool } from "./containers.ts";
import { archiveDir } from "./images.ts";

const CATATONIT = "/usr/bin/catatonit";

export async function ensurePauseArchive(env: NodeJS.ProcessEnv = process.env): Promise<Result<string>> {
  const archive = join(archiveDir(env), "pause_catatonit.oci.tar");
  if (existsSync(archive)) return ok(archive);
  if (!existsSync(CATATONIT)) {
    return {
      ok: false,
      error: { reason: "ToolMissing", message: `${CATATONIT} is missing: apt-get install -y catatonit` },
    };
  }
  const cenv = containersEnv(env);
  const from = await tool("buildah", ["from", "scratch"], cenv);
  if (!from.ok) return from;
  const ctr = from.value.stdout.trim();
  const steps: string[][] = [
    ["copy", ctr, CATATONIT, "/pause"],
    ["config", "--entrypoint", '["/pause", "-P"]', "--user", "65535:65535", ctr],
    ["commit", "-q", "--rm", ctr, PAUSE_IMAGE],
  ];
  for (const args of steps) {
    const r = await tool("buildah", args, cenv);
    if (!r.ok) return r;
  }
  const exported = await exportArchive(PAUSE_IMAGE, archive, cenv);
  return exported.ok ? ok(archive) : exported;
}
