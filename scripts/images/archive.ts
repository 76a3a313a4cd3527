/** OCI archives of images in the project's container storage. */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ok, type Result } from "../../common/result.ts";
import { tool } from "./containers.ts";

/**
 * An OCI archive whose index names the image both ways: `org.opencontainers.image.ref.name` (full
 * reference, read by podman load) and `io.containerd.image.name` (read by ctr import and so by
 * kind load image-archive).
 */
export async function exportArchive(
  ref: string,
  archive: string,
  env: NodeJS.ProcessEnv,
): Promise<Result<void>> {
  await mkdir(dirname(archive), { recursive: true });
  const work = await mkdtemp(join(dirname(archive), ".partial-"));
  try {
    const layout = join(work, "layout");
    const copied = await tool(
      "skopeo",
      ["copy", "-q", `containers-storage:${ref}`, `oci:${layout}:${ref}`],
      env,
    );
    if (!copied.ok) return copied;
    const indexPath = join(layout, "index.json");
    const index = JSON.parse(await readFile(indexPath, "utf8")) as {
      manifests: { annotations?: Record<string, string> }[];
    };
    for (const m of index.manifests) m.annotations = { ...m.annotations, "io.containerd.image.name": ref };
    await writeFile(indexPath, JSON.stringify(index));
    const tarred = await tool("tar", ["-C", layout, "-cf", join(work, "image.tar"), "."], env);
    if (!tarred.ok) return tarred;
    await rename(join(work, "image.tar"), archive);
    return ok(undefined);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
