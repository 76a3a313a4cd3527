import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { METADATA_FILE } from "./metadata.ts";

export const sha256Hex = (data: Uint8Array | string): string =>
  createHash("sha256").update(data).digest("hex");

/** Relative paths (with `/`) of every regular file under `dir` except metadata.json, sorted. */
export async function listArtifactFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
    .filter((p) => p !== METADATA_FILE)
    .sort();
}

/** sha256 of every file under `dir` except metadata.json, by relative path. */
export async function digestFiles(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const path of await listArtifactFiles(dir)) files[path] = sha256Hex(await readFile(join(dir, path)));
  return files;
}

/** One digest over a file map (path and sha256 of each file), for content-derived versions. */
export function contentSha256(files: Readonly<Record<string, string>>): string {
  return sha256Hex(
    Object.keys(files)
      .sort()
      .map((p) => `${p}\0${files[p]}\n`)
      .join(""),
  );
}

/**
 * The digest of a whole artifact: the sha256 of its metadata.json, which itself lists the sha256
 * of every other file. This is the `artifact.sha256` of the metrics summary.
 */
export async function artifactSha256(dir: string): Promise<string> {
  return sha256Hex(await readFile(join(dir, METADATA_FILE)));
}
