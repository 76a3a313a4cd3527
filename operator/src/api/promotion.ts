import { z } from "zod";
import { Time } from "./time.ts";

export const PromotionPolicy = z.enum(["Auto", "Manual", "Never"]);
export type PromotionPolicy = z.infer<typeof PromotionPolicy>;

const fraction = z.number().min(0).max(1);

/** How a TrainingRun's model may become the version its SentimentModel serves. */
export const PromotionSpec = z.object({
  policy: PromotionPolicy.default("Auto").describe(
    'Auto promotes when every gate check passes; Manual waits for the annotation sentiment.mlops.dev/approve: "true"; Never only trains.',
  ),
  minAccuracy: fraction.optional().describe("Lowest test accuracy that may be promoted."),
  minF1: fraction.optional().describe("Lowest test F1 that may be promoted."),
  mustBeatServing: z
    .boolean()
    .default(true)
    .describe(
      "Compare with the metrics of the version the SentimentModel serves now: the candidate must reach them plus minImprovement.",
    ),
  compareOn: z.enum(["accuracy", "f1"]).default("accuracy").describe("The metric mustBeatServing compares."),
  minImprovement: fraction
    .default(0)
    .describe("How much better than the served version the candidate must be (0 = not worse)."),
});
export type PromotionSpec = z.infer<typeof PromotionSpec>;

export const PromotionDecision = z.enum(["Promoted", "Rejected", "AwaitingApproval", "Skipped"]);
export type PromotionDecision = z.infer<typeof PromotionDecision>;

/** The gate's decision, recorded in status (the operator never writes a user's spec). */
export const PromotionStatus = z.object({
  decision: PromotionDecision,
  reason: z.string().min(1).max(128),
  message: z.string().max(1024).optional(),
  /** When the decision was made; the newest Promoted run of a model is the one it serves. */
  time: Time.optional(),
});
export type PromotionStatus = z.infer<typeof PromotionStatus>;
