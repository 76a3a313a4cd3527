import { z } from "zod";

/**
 * What became of experiment tracking: `Tracked` (params, metrics and the model's files are in
 * MLflow) or `Failed` (MLflow was unreachable or refused; the model is still written). `message`
 * is at most 512 characters.
 */
export const TrackingReport = z.object({
  status: z
    .enum(["Tracked", "Failed"])
    .describe(
      "Tracked (params, metrics and the model's files are in MLflow) or Failed (MLflow was unreachable or refused; the model is still written).",
    ),
  runId: z.string().min(1).max(64).optional().describe("The MLflow run id."),
  experimentId: z.string().min(1).max(64).optional().describe("The MLflow experiment id."),
  url: z.string().min(1).max(2048).optional().describe("The run's page in the MLflow UI."),
  modelUri: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .describe("The artifact URI of the uploaded model directory (runs:/<run id>/model)."),
  message: z.string().max(512).optional().describe("What went wrong, when status is Failed."),
});
export type TrackingReport = z.infer<typeof TrackingReport>;

/**
 * The compact summary the trainer writes with `--metrics-file` (at most 4 KiB, the size of a
 * Kubernetes termination message) and the operator parses. Test-split figures.
 */
export const MetricsSummary = z.object({
  schemaVersion: z.literal(1),
  name: z.string().min(1),
  version: z.string().min(1),
  architecture: z.string().min(1),
  metrics: z.object({
    accuracy: z.number().min(0).max(1),
    f1: z.number().min(0).max(1),
    precision: z.number().min(0).max(1),
    recall: z.number().min(0).max(1),
    auc: z.number().min(0).max(1),
    loss: z.number().min(0),
    trainSeconds: z.number().min(0),
  }),
  artifact: z.object({
    uri: z.string().min(1),
    version: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  /** Experiment tracking, when the trainer was given a tracking URI (best effort). */
  tracking: z.object({ mlflow: TrackingReport }).optional(),
});
export type MetricsSummary = z.infer<typeof MetricsSummary>;

export const METRICS_SUMMARY_MAX_BYTES = 4096;
