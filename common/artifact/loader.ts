import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { SentimentPredictor } from "../model.ts";
import "../models/builtin.ts";
import { architectureLoader, knownArchitectures } from "../models/registry.ts";
import { err, failure, FailureError, ok, type Failure, type Result } from "../result.ts";
import { describeIssues } from "../zod-issues.ts";
import { listArtifactFiles, sha256Hex } from "./files.ts";
import { ARTIFACT_SCHEMA_VERSION, METADATA_FILE, ModelMetadata } from "./metadata.ts";

/** Why an artifact was refused. Stable strings, usable as Kubernetes condition reasons. */
export const ArtifactReason = {
  /** The directory or its metadata.json does not exist. */
  NotFound: "ArtifactNotFound",
  /** Unreadable or invalid metadata, a missing file, or a file whose sha256 differs. */
  Corrupt: "ArtifactCorrupt",
  /** Written by another schema version, or an architecture this build cannot serve. */
  Incompatible: "ArtifactIncompatible",
} as const;
export type ArtifactReason = (typeof ArtifactReason)[keyof typeof ArtifactReason];

export interface LoadedModel {
  readonly dir: string;
  readonly metadata: ModelMetadata;
  readonly predictor: SentimentPredictor;
  /** sha256 of metadata.json: the digest of the whole artifact. */
  readonly sha256: string;
}

interface CheckedArtifact {
  readonly metadata: ModelMetadata;
  readonly sha256: string;
}

const refuse = (reason: ArtifactReason, message: string): Result<never, Failure> =>
  err(failure(reason, message));

/**
 * Reads and checks an artifact without building its predictor: metadata.json exists and is valid,
 * its schemaVersion is this build's, its architecture is registered, and every file it lists is
 * present with the listed sha256.
 */
export async function inspectArtifact(dir: string): Promise<Result<CheckedArtifact, Failure>> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    return refuse(
      ArtifactReason.NotFound,
      `Model directory ${dir} does not exist: train one with \`sentiment-train train --out ${dir}\`.`,
    );
  }
  const raw = await readFile(join(dir, METADATA_FILE)).catch(() => undefined);
  if (raw === undefined) {
    return refuse(
      ArtifactReason.NotFound,
      `${dir} has no ${METADATA_FILE}: it is not a model written by sentiment-train.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch (e) {
    return refuse(
      ArtifactReason.Corrupt,
      `${join(dir, METADATA_FILE)} is not valid JSON (${(e as Error).message}): retrain the model.`,
    );
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== ARTIFACT_SCHEMA_VERSION) {
    return refuse(
      ArtifactReason.Incompatible,
      `${dir} has schemaVersion ${JSON.stringify(version)}, this build reads only ${ARTIFACT_SCHEMA_VERSION}: retrain the model with this version.`,
    );
  }
  const parsed = ModelMetadata.safeParse(json);
  if (!parsed.success) {
    return refuse(
      ArtifactReason.Corrupt,
      `${join(dir, METADATA_FILE)} is invalid (${describeIssues(parsed.error)}): retrain the model.`,
    );
  }
  const metadata = parsed.data;
  if (architectureLoader(metadata.architecture) === undefined) {
    return refuse(
      ArtifactReason.Incompatible,
      `${dir} holds a "${metadata.architecture}" model; this build serves ${knownArchitectures().join(", ")}.`,
    );
  }
  for (const [path, expected] of Object.entries(metadata.files)) {
    if (path.split("/").includes("..") || path.startsWith("/")) {
      return refuse(
        ArtifactReason.Corrupt,
        `${METADATA_FILE} in ${dir} lists a file outside the directory: ${path}.`,
      );
    }
    const data = await readFile(join(dir, path)).catch(() => undefined);
    if (data === undefined) {
      return refuse(
        ArtifactReason.Corrupt,
        `${dir} is missing ${path}: copy the whole model directory again or retrain.`,
      );
    }
    if (sha256Hex(data) !== expected) {
      return refuse(
        ArtifactReason.Corrupt,
        `${join(dir, path)} does not match its sha256 in ${METADATA_FILE}: the file is damaged; copy it again or retrain.`,
      );
    }
  }
  const unlisted = (await listArtifactFiles(dir)).filter((p) => !(p in metadata.files));
  if (unlisted.length > 0) {
    return refuse(
      ArtifactReason.Corrupt,
      `${dir} holds files its ${METADATA_FILE} does not list (${unlisted.slice(0, 3).join(", ")}): it was modified after training.`,
    );
  }
  return ok({ metadata, sha256: sha256Hex(raw) });
}

/**
 * THE model loader (trainer `evaluate`, model server): checks the artifact (see `inspectArtifact`),
 * then builds the predictor through the architecture registry, importing that architecture's code
 * only now. Never throws; every refusal carries an `ArtifactReason`.
 */
export async function loadModel(dir: string): Promise<Result<LoadedModel, Failure>> {
  const checked = await inspectArtifact(dir);
  if (!checked.ok) return checked;
  const { metadata, sha256 } = checked.value;
  try {
    const load = await architectureLoader(metadata.architecture)!();
    const predictor = await load(dir, metadata);
    return ok({ dir, metadata, predictor, sha256 });
  } catch (e) {
    if (e instanceof FailureError) return err(failure(e.reason, e.message));
    return refuse(
      ArtifactReason.Corrupt,
      `Could not load the ${metadata.architecture} model in ${dir}: ${(e as Error).message}.`,
    );
  }
}
