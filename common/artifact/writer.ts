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
  /** Builds metadata.json from the digest of every file written (see `defaultVersion`). */
  readonly metadata: (contentSha256: string) => MetadataDraft | Promise<MetadataDraft>;
}

/**
 * A model directory written but not yet published: the model's files in a hidden temporary
 * directory next to the target, without metadata.json. The caller may load the model from `dir`
 * (e.g. to evaluate it in a worker thread), then `commit` it or `discard` it.
 */
export interface StagedArtifact {
  readonly dir: string;
  /** sha256 of every file, by name. */
  readonly files: Readonly<Record<string, string>>;
  /** One digest over every file: for content-derived versions (see `defaultVersion`). */
  readonly contentSha256: string;
  /**
   * Writes metadata.json last and publishes the directory with one rename; an existing model at
   * the target is replaced only then. On failure the staged directory is removed.
   */
  commit(draft: MetadataDraft): Promise<Result<WrittenArtifact, Failure>>;
  /** Removes the staged directory; nothing after a commit. */
  discard(): Promise<void>;
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
 * Stages a model directory: `writeFiles` fills a hidden temporary directory next to the target,
 * whose files are then digested. The target is checked (see `checkArtifactTarget`) and untouched
 * until `commit`. On failure nothing is left behind.
 */
export async function stageArtifact(
  targetPath: string,
  writeFiles: (dir: string) => Promise<void>,
): Promise<Result<StagedArtifact, Failure>> {
  const target = resolve(targetPath);
  const checked = await checkArtifactTarget(target);
  if (!checked.ok) return checked;
  const parent = dirname(target);
  const suffix = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const tmp = join(parent, `.${basename(target)}.partial-${suffix}`);
  const discard = (): Promise<void> => rm(tmp, { recursive: true, force: true });
  const writeFailed = (e: unknown) =>
    err(failure("ArtifactWriteFailed", `Could not write the model to ${target}: ${(e as Error).message}`));
  let files: Record<string, string>;
  try {
    await mkdir(tmp, { recursive: true });
    await writeFiles(tmp);
    files = await digestFiles(tmp);
  } catch (e) {
    await discard();
    return writeFailed(e);
  }
  const commit = async (draft: MetadataDraft): Promise<Result<WrittenArtifact, Failure>> => {
    try {
      const parsed = ModelMetadata.safeParse({ schemaVersion: ARTIFACT_SCHEMA_VERSION, ...draft, files });
      if (!parsed.success) {
        return err(
          failure("ArtifactInvalid", `The model metadata is invalid: ${describeIssues(parsed.error)}`),
        );
      }
      const json = JSON.stringify(parsed.data, null, 2) + "\n";
      await writeFile(join(tmp, METADATA_FILE), json);
      await chmod(tmp, 0o755);
      const old = join(parent, `.${basename(target)}.old-${suffix}`);
      const replacing = await stat(target).then(
        () => true,
        () => false,
      );
      if (replacing) await rename(target, old);
      await rename(tmp, target);
      if (replacing) await rm(old, { recursive: true, force: true });
      return ok({ dir: target, metadata: parsed.data, sha256: sha256Hex(json) });
    } catch (e) {
      return writeFailed(e);
    } finally {
      await discard();
    }
  };
  return ok({ dir: tmp, files, contentSha256: contentSha256(files), commit, discard });
}

/** Stages and commits a model directory in one call, when nothing needs the staged files. */
export async function writeArtifact(
  request: ArtifactWriteRequest,
): Promise<Result<WrittenArtifact, Failure>> {
  const staged = await stageArtifact(request.target, request.writeFiles);
  if (!staged.ok) return staged;
  try {
    return await staged.value.commit(await request.metadata(staged.value.contentSha256));
  } finally {
    await staged.value.discard();
  }
}
