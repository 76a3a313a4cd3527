/**
 * zod schemas of the MLflow REST answers this client reads (MLflow 3.x, `/api/2.0/mlflow/...` and
 * `/api/2.0/mlflow-artifacts/...`). Only the fields we use are required; the rest pass through.
 * MLflow encodes int64 fields (timestamps, steps) as JSON numbers or strings depending on version,
 * so those are coerced.
 */
import { z } from "zod";

const Int64 = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number);

export const Experiment = z.looseObject({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string().optional(),
  lifecycle_stage: z.string().optional(),
});
export type Experiment = z.infer<typeof Experiment>;

export const RunStatus = z.enum(["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"]);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunInfo = z.looseObject({
  run_id: z.string(),
  experiment_id: z.string(),
  run_name: z.string().optional(),
  status: RunStatus,
  start_time: Int64.optional(),
  end_time: Int64.optional(),
  artifact_uri: z.string().optional(),
  lifecycle_stage: z.string().optional(),
});
export type RunInfo = z.infer<typeof RunInfo>;

const KeyValue = z.looseObject({ key: z.string(), value: z.string() });

export const Metric = z.looseObject({
  key: z.string(),
  value: z
    .union([z.number(), z.literal("NaN"), z.literal("Infinity"), z.literal("-Infinity")])
    .transform(Number),
  timestamp: Int64,
  step: Int64.default(0),
});
export type Metric = z.infer<typeof Metric>;

export const Run = z.looseObject({
  info: RunInfo,
  data: z
    .looseObject({
      metrics: z.array(Metric).default([]),
      params: z.array(KeyValue).default([]),
      tags: z.array(KeyValue).default([]),
    })
    .default({ metrics: [], params: [], tags: [] }),
});
export type Run = z.infer<typeof Run>;

export const FileInfo = z.looseObject({
  path: z.string(),
  is_dir: z.boolean().default(false),
  file_size: Int64.optional(),
});
export type FileInfo = z.infer<typeof FileInfo>;

export const ModelVersionStatus = z.enum(["PENDING_REGISTRATION", "FAILED_REGISTRATION", "READY"]);

export const ModelVersion = z.looseObject({
  name: z.string(),
  version: z.string(),
  status: ModelVersionStatus,
  status_message: z.string().optional(),
  source: z.string().optional(),
  run_id: z.string().optional(),
  aliases: z.array(z.string()).default([]),
  tags: z.array(KeyValue).default([]),
});
export type ModelVersion = z.infer<typeof ModelVersion>;

export const RegisteredModel = z.looseObject({
  name: z.string(),
  aliases: z.array(z.looseObject({ alias: z.string(), version: z.string() })).default([]),
});
export type RegisteredModel = z.infer<typeof RegisteredModel>;

/** Answers with no fields we read (`{}`). */
export const Empty = z.looseObject({});
