/**
 * What `train()` tells an observer (experiment tracking) at its steps. `started` and
 * `epochFinished` must return at once (the observer queues its own work); `written` and `failed`
 * are awaited, before the metrics summary is written. An observer never fails training: it reports
 * its own failure in the `TrackingReport`.
 */
import type { EpochRecord, ModelMetadata } from "../../../common/artifact/metadata.ts";
import type { TrackingReport } from "../../../common/metrics-summary.ts";
import type { Failure } from "../../../common/result.ts";
import type { z } from "zod";

export interface TrainObserver {
  /** The configuration was valid; training starts (the run appears in the UI as RUNNING). */
  started(info: { readonly name: string; readonly architecture: string; readonly data: string }): void;
  epochFinished(record: z.infer<typeof EpochRecord>): void;
  /** The model directory is in place. Returns what the metrics summary says about tracking. */
  written(info: {
    readonly dir: string;
    readonly metadata: ModelMetadata;
    readonly sha256: string;
  }): Promise<TrackingReport>;
  /** Training failed with `failure` (or threw it). */
  failed(failure: Failure, settings: Record<string, unknown>): Promise<TrackingReport>;
}
