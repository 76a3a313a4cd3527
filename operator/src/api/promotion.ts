import { z } from "zod";
import { Time } from "./time.ts";

export const PromotionPolicy = z.enum(["Auto", "Manual", "Never"]);
export type PromotionPolicy = z.infer<typeof PromotionPolicy>;

const fraction = z.number().min(0).max(1);

/** How a TrainingRun's model may become the version its SentimentModel serves. */
export const PromotionSpec = z.object({
  policy: PromotionPolicy.default("Auto").describe(
    'Auto promotes when every gate check passes; Manual, once the checks pass, waits for the annotation sentiment.mlops.dev/approve on the run ("true" promotes, "false" rejects); Never only trains. Default: Auto.',
  ),
  minAccuracy: fraction
    .optional()
    .describe("Lowest test accuracy that may be promoted, 0 to 1. Unset: no threshold."),
  minF1: fraction.optional().describe("Lowest test F1 that may be promoted, 0 to 1. Unset: no threshold."),
  mustBeatServing: z
    .boolean()
    .default(true)
    .describe(
      "Compare with the metrics of the version the SentimentModel serves now: the candidate must reach them plus minImprovement. Nothing served yet passes. Default: true.",
    ),
  compareOn: z
    .enum(["accuracy", "f1"])
    .default("accuracy")
    .describe("The metric mustBeatServing compares: accuracy or f1. Default: accuracy."),
  minImprovement: fraction
    .default(0)
    .describe(
      "How much better than the served version the candidate must be, as a fraction (0.01 = one point); 0 = not worse. Default: 0.",
    ),
});
export type PromotionSpec = z.infer<typeof PromotionSpec>;

export const PromotionDecision = z.enum(["Promoted", "Rejected", "AwaitingApproval", "Skipped"]);
export type PromotionDecision = z.infer<typeof PromotionDecision>;

/** The gate's decision, recorded in status (the operator never writes a user's spec). */
export const PromotionStatus = z.object({
  decision: PromotionDecision.describe(
    "Promoted (the SentimentModel serves this version), Rejected (a gate check failed, or approval was denied), AwaitingApproval (policy Manual) or Skipped (policy Never).",
  ),
  reason: z
    .string()
    .min(1)
    .max(128)
    .describe("Why, in CamelCase: the failed check's name, such as BelowMinAccuracy, or why it passed."),
  message: z.string().max(1024).optional().describe("Why, for humans: the figures compared."),
  /** When the decision was made; the newest Promoted run of a model is the one it serves. */
  time: Time.optional().describe(
    "When the decision was made (RFC 3339); of a model's Promoted runs, the newest is the one it serves.",
  ),
});
export type PromotionStatus = z.infer<typeof PromotionStatus>;
