import {
  METRICS_SUMMARY_MAX_BYTES,
  MetricsSummary,
  type TrackingReport,
} from "../../../../common/metrics-summary.ts";
import { err, failure, ok, type Failure, type Result } from "../../../../common/result.ts";
import { describeIssues } from "../../../../common/zod-issues.ts";
import type { ArtifactRef, ModelMetrics } from "../../api/metrics.ts";
import { artifactUri, parseArtifactUri } from "../../api/names.ts";

export type MessageFailureReason = "MetricsMissing" | "MetricsInvalid" | "ArtifactMissing";

export interface TrainedModel {
  readonly metrics: ModelMetrics;
  readonly artifact: ArtifactRef;
  /** What became of MLflow tracking, when the trainer was given a tracking URI. */
  readonly tracking?: TrackingReport | undefined;
}

/** Where the run's claim is mounted and which claim it is, to turn the trainer's path into a pvc:// URI. */
export interface ArtifactLocation {
  readonly claimName: string;
  readonly mountPath: string;
}

/**
 * Parses the trainer's termination message (common/metrics-summary.ts) into status facts.
 * - no message → MetricsMissing;
 * - not JSON, or metrics that fail the schema → MetricsInvalid;
 * - no valid `artifact`, or an artifact outside the model volume → ArtifactMissing.
 * The artifact path (`/models/m/v`, `file:///models/m/v` or `pvc://claim/m/v`) becomes `pvc://<claim>/<path>`.
 */
export function parseTerminationMessage(
  message: string | undefined,
  location: ArtifactLocation,
): Result<TrainedModel, Failure<MessageFailureReason>> {
  if (message === undefined || message.trim() === "") {
    return err(
      failure(
        "MetricsMissing",
        "The trainer's pod ended without a termination message: check that it ran with --metrics-file /dev/termination-log.",
      ),
    );
  }
  if (Buffer.byteLength(message) > METRICS_SUMMARY_MAX_BYTES) {
    return err(
      failure(
        "MetricsInvalid",
        `The termination message is over ${METRICS_SUMMARY_MAX_BYTES} bytes, so it is not a metrics summary (logs?): see the pod's logs.`,
      ),
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return err(
      failure(
        "MetricsInvalid",
        `The termination message is not JSON: ${JSON.stringify(message.slice(0, 80))}; see the pod's logs.`,
      ),
    );
  }
  const metricsOnly = MetricsSummary.omit({ artifact: true }).safeParse(json);
  if (!metricsOnly.success)
    return err(
      failure("MetricsInvalid", `The metrics summary is invalid: ${describeIssues(metricsOnly.error)}.`),
    );
  const whole = MetricsSummary.safeParse(json);
  if (!whole.success)
    return err(
      failure(
        "ArtifactMissing",
        `The metrics summary names no valid artifact: ${describeIssues(whole.error)}.`,
      ),
    );
  const { artifact, metrics, tracking } = whole.data;
  const uri = toPvcUri(artifact.uri, location);
  if (uri === undefined) {
    return err(
      failure(
        "ArtifactMissing",
        `The artifact ${artifact.uri} is not on the model volume (${location.mountPath} of claim ${location.claimName}).`,
      ),
    );
  }
  return ok({
    metrics: { ...metrics },
    artifact: { uri, version: artifact.version, sha256: artifact.sha256 },
    ...(tracking?.mlflow === undefined ? {} : { tracking: tracking.mlflow }),
  });
}

function toPvcUri(raw: string, { claimName, mountPath }: ArtifactLocation): string | undefined {
  if (raw.startsWith("pvc://")) return parseArtifactUri(raw) === undefined ? undefined : raw;
  const path = raw.replace(/^file:\/\//, "").replace(/\/+$/, "");
  if (!path.startsWith(`${mountPath}/`)) return undefined;
  const rel = path.slice(mountPath.length + 1);
  if (rel === "" || rel.split("/").includes("..")) return undefined;
  return artifactUri(claimName, rel);
}
