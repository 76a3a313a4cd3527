import { z } from "zod";

/**
 * Test-split figures of a trained model, as recorded in TrainingRun and SentimentModel status.
 * The same names as the trainer's metrics summary (common/metrics-summary.ts).
 */
export const ModelMetrics = z.object({
  accuracy: z.number().min(0).max(1),
  f1: z.number().min(0).max(1),
  precision: z.number().min(0).max(1).optional(),
  recall: z.number().min(0).max(1).optional(),
  auc: z.number().min(0).max(1).optional(),
  loss: z.number().min(0).optional(),
  trainSeconds: z.number().min(0).optional(),
});
export type ModelMetrics = z.infer<typeof ModelMetrics>;

/** Where a model artifact lives: `pvc://<claim>/<path>` (see names.ts), its version and digest. */
export const ArtifactRef = z.object({
  uri: z.string().min(1).max(2048),
  version: z.string().min(1).max(63),
  sha256: z
    .string()
    .length(64)
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type ArtifactRef = z.infer<typeof ArtifactRef>;
