import { z } from "zod";
import { Sha256 } from "./dataset.ts";

/**
 * Test-split figures of a trained model, as recorded in TrainingRun and SentimentModel status.
 * The same names as the trainer's metrics summary (common/metrics-summary.ts).
 */
export const ModelMetrics = z.object({
  accuracy: z.number().min(0).max(1).describe("Fraction of test reviews classified correctly, 0 to 1."),
  f1: z.number().min(0).max(1).describe("F1 score of the positive class on the test split, 0 to 1."),
  precision: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("Of the reviews predicted positive, the fraction that are, 0 to 1."),
  recall: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("Of the positive reviews, the fraction predicted positive, 0 to 1."),
  auc: z.number().min(0).max(1).optional().describe("Area under the ROC curve on the test split, 0 to 1."),
  loss: z.number().min(0).optional().describe("Mean cross-entropy loss on the test split."),
  trainSeconds: z.number().min(0).optional().describe("Wall-clock seconds the training took."),
});
export type ModelMetrics = z.infer<typeof ModelMetrics>;

/** Where a model artifact lives: `pvc://<claim>/<path>` (see names.ts), its version and digest. */
export const ArtifactRef = z.object({
  uri: z
    .string()
    .min(1)
    .max(2048)
    .describe("Where the artifact is: pvc://<claim>/<path to the model directory>."),
  version: z
    .string()
    .min(1)
    .max(63)
    .describe(
      "The version the trainer gave the model (a label value); what SentimentModel spec.version pins.",
    ),
  sha256: Sha256.optional().describe(
    "sha256 digest of the artifact's metadata, which lists every file's digest.",
  ),
});
export type ArtifactRef = z.infer<typeof ArtifactRef>;
