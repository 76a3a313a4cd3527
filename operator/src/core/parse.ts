import type { z } from "zod";
import { err, failure, ok, type Failure, type Result } from "../../../common/result.ts";
import { describeIssues } from "../../../common/zod-issues.ts";
import { SentimentModel } from "../api/sentiment-model.ts";
import { TrainingRun } from "../api/training-run.ts";

function parseWith<T>(
  schema: z.ZodType<T>,
  kind: string,
  obj: unknown,
): Result<T, Failure<"InvalidResource">> {
  const parsed = schema.safeParse(obj);
  if (parsed.success) return ok(parsed.data);
  const name = (obj as { metadata?: { name?: string } } | undefined)?.metadata?.name ?? "?";
  return err(
    failure(
      "InvalidResource",
      `${kind} ${name} does not match the ${kind} schema (${describeIssues(parsed.error)}): fix the resource or upgrade its CRD.`,
    ),
  );
}

/**
 * A TrainingRun from the API (as the informer gives it) → typed, with schema defaults applied.
 * The apiserver validated it already; a failure means a CRD/operator version skew.
 */
export const parseTrainingRun = (obj: unknown): Result<TrainingRun, Failure<"InvalidResource">> =>
  parseWith(TrainingRun, "TrainingRun", obj);

/** A SentimentModel from the API → typed, with schema defaults applied. */
export const parseSentimentModel = (obj: unknown): Result<SentimentModel, Failure<"InvalidResource">> =>
  parseWith(SentimentModel, "SentimentModel", obj);
