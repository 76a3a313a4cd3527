import type { ModelMetrics } from "../../api/metrics.ts";
import { externalVersion, parseArtifactUri } from "../../api/names.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import type { TrainingRun } from "../../api/training-run.ts";
import type { ServedArtifact } from "../../render/k8s/served-artifact.ts";

/** The version to serve, and where it came from. */
export interface Resolved {
  readonly ok: true;
  readonly artifact: ServedArtifact;
  readonly uri: string;
  readonly source: "pinned" | "external" | "promoted";
  readonly trainingRun?: string | undefined;
  readonly metrics?: ModelMetrics | undefined;
}

export interface Unresolved {
  readonly ok: false;
  /** NoPromotedVersion waits for a run; VersionNotFound and ArtifactUriInvalid need a spec change. */
  readonly reason: "NoPromotedVersion" | "VersionNotFound" | "ArtifactUriInvalid";
  readonly message: string;
}

export type Resolution = Resolved | Unresolved;

const TRAINED = new Set(["Succeeded", "Promoted", "Rejected", "AwaitingApproval"]);

/** Runs of this model (by spec.model) with a recorded artifact, any trained phase. */
const trainedRuns = (model: SentimentModel, runs: readonly TrainingRun[]): TrainingRun[] =>
  runs.filter(
    (r) =>
      r.metadata.namespace === model.metadata.namespace &&
      r.spec.model === model.metadata.name &&
      r.status?.artifact !== undefined &&
      TRAINED.has(r.status.phase ?? ""),
  );

function fromUri(
  uri: string,
  version: string,
  source: Resolved["source"],
  trainingRun?: string,
  metrics?: ModelMetrics,
): Resolution {
  const parsed = parseArtifactUri(uri);
  if (parsed === undefined)
    return { ok: false, reason: "ArtifactUriInvalid", message: `${uri} is not pvc://<claim>/<path>` };
  return {
    ok: true,
    artifact: { version, claimName: parsed.claim, path: parsed.path },
    uri,
    source,
    trainingRun,
    metrics,
  };
}

/** Newest promotion first: by promotion time, then completion time, then name (deterministic). */
const newestFirst = (a: TrainingRun, b: TrainingRun): number =>
  (b.status?.promotion?.time ?? "").localeCompare(a.status?.promotion?.time ?? "") ||
  (b.status?.completionTime ?? "").localeCompare(a.status?.completionTime ?? "") ||
  b.metadata.name.localeCompare(a.metadata.name);

/**
 * Which version a SentimentModel serves:
 * 1. `spec.artifactUri`: that artifact (version `external-<hash>`, no metrics);
 * 2. `spec.version`: the trained run of this model with that artifact version, else the history
 *    entry with it (its run may be deleted) — rollback is pinning a previous version;
 * 3. otherwise the newest run promoted into this model.
 */
export function resolveVersion(model: SentimentModel, runs: readonly TrainingRun[]): Resolution {
  const { spec } = model;
  if (spec.artifactUri !== undefined)
    return fromUri(spec.artifactUri, externalVersion(spec.artifactUri), "external");
  const trained = trainedRuns(model, runs);
  if (spec.version !== undefined) {
    const run = trained.filter((r) => r.status?.artifact?.version === spec.version).sort(newestFirst)[0];
    if (run?.status?.artifact !== undefined)
      return fromUri(run.status.artifact.uri, spec.version, "pinned", run.metadata.name, run.status.metrics);
    const past = model.status?.history?.find((h) => h.version === spec.version);
    if (past !== undefined) return fromUri(past.uri, past.version, "pinned", past.trainingRun, past.metrics);
    return {
      ok: false,
      reason: "VersionNotFound",
      message: `no TrainingRun of this model (or history entry) has version ${spec.version}: fix spec.version or train it`,
    };
  }
  const promoted = trained.filter((r) => r.status?.phase === "Promoted").sort(newestFirst)[0];
  if (promoted?.status?.artifact === undefined) {
    return {
      ok: false,
      reason: "NoPromotedVersion",
      message: `no TrainingRun with spec.model: ${model.metadata.name} has been promoted yet`,
    };
  }
  const a = promoted.status.artifact;
  return fromUri(a.uri, a.version, "promoted", promoted.metadata.name, promoted.status.metrics);
}
