import { randomBytes } from "node:crypto";
import { chmod, mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { err, failure, ok, type Failure, type Result } from "../result.ts";
import { describeIssues } from "../zod-issues.ts";
import { contentSha256, digestFiles, sha256Hex } from "./files.ts";
import { ARTIFACT_SCHEMA_VERSION, METADATA_FILE, ModelMetadata } from "./metadata.ts";

export type MetadataDraft = Omit<ModelMetadata, "schemaVersion" | "files">;

export interface ArtifactWriteRequest {
  /** The model directory to create or replace. */
  readonly target: string;
  /** Writes the model's own files (weights, vocabulary, ...) into the temporary directory. */
  readonly writeFiles: (dir: string) => Promise<void>;
  /**
   * Builds metadata.json once the files are written. `contentSha256` digests every file written,
   * for content-derived versions (see `defaultVersion`). `dir` (the temporary directory, complete
   * but for metadata.json) and `files` (its digests) let the caller load the model before it is
   * published, e.g. to evaluate it in a worker thread.
   */
  readonly metadata: (
    contentSha256: string,
    dir: string,
    files: Readonly<Record<string, string>>,
  ) => MetadataDraft | Promise<MetadataDraft>;
}

export interface WrittenArtifact {
  readonly dir: string;
  readonly metadata: ModelMetadata;
  /** sha256 of metadata.json: the digest of the whole artifact. */
  readonly sha256: string;
}

/**
 * Refuses a target that exists but is neither an empty directory nor a model directory (one with
 * metadata.json), so a typo in `--out` never deletes unrelated files. Call it before training to
 * fail fast; `writeArtifact` checks again.
 */
export async function checkArtifactTarget(target: string): Promise<Result<void, Failure>> {
  const info = await stat(target).catch(() => undefined);
  if (info === undefined) return ok(undefined);
  if (!info.isDirectory()) {
    return err(
      failure(
        "ArtifactTargetInvalid",
        `${target} exists and is not a directory: choose a new directory for --out.`,
      ),
    );
  }
  const entries = await readdir(target);
  if (entries.length > 0 && !entries.includes(METADATA_FILE)) {
    return err(
      failure(
        "ArtifactTargetInvalid",
        `${target} is not empty and holds no model (no ${METADATA_FILE}): choose a new or empty directory for --out.`,
      ),
    );
  }
  return ok(undefined);
}

/**
 * Writes a model directory atomically: everything goes into a hidden temporary directory next to
 * the target, metadata.json (with the sha256 of every file) is written last, and one rename makes
 * it visible. An existing model at the target is replaced only after the new one is complete. On
 * any failure the temporary directory is removed and the target is untouched.
 */
export async function writeArtifact(
  request: ArtifactWriteRequest,
): Promise<Result<WrittenArtifact, Failure>> {
  const target = resolve(request.target);
  const checked = await checkArtifactTarget(target);
  if (!checked.ok) return checked;
  const parent = dirname(target);
  const suffix = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const tmp = join(parent, `.${basename(target)}.partial-${suffix}`);
  const old = join(parent, `.${basename(target)}.old-${suffix}`);
  try {
    await mkdir(tmp, { recursive: true });
    await request.writeFiles(tmp);
    const files = await digestFiles(tmp);
    const draft = await request.metadata(contentSha256(files), tmp, files);
    const parsed = ModelMetadata.safeParse({ schemaVersion: ARTIFACT_SCHEMA_VERSION, ...draft, files });
    if (!parsed.success) {
      return err(
        failure("ArtifactInvalid", `The model metadata is invalid: ${describeIssues(parsed.error)}`),
      );
    }
    const json = JSON.stringify(parsed.data, null, 2) + "\n";
    await writeFile(join(tmp, METADATA_FILE), json);
    await chmod(tmp, 0o755);
    const replacing = await stat(target).then(
      () => true,
      () => false,
    );
    if (replacing) await rename(target, old);
    await rename(tmp, target);
    if (replacing) await rm(old, { recursive: true, force: true });
    return ok({ dir: target, metadata: parsed.data, sha256: sha256Hex(json) });
  } catch (e) {
    return err(
      failure("ArtifactWriteFailed", `Could not write the model to ${target}: ${(e as Error).message}`),
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
