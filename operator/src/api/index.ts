/**
 * The operator's API: zod schemas defined once, from which types, runtime validation and the CRD
 * YAML (scripts/gen-crds.ts) all come.
 */
export * from "./group.ts";
export * from "./names.ts";
export {
  TrainingRun,
  TrainingRunSpec,
  TrainingRunStatus,
  TrainingRunPhase,
  ModelName,
} from "./training-run.ts";
export {
  SentimentModel,
  SentimentModelSpec,
  SentimentModelStatus,
  SentimentModelPhase,
  HISTORY_LIMIT,
  type HistoryEntry,
} from "./sentiment-model.ts";
export { Condition } from "./conditions.ts";
export { rfc3339 } from "./time.ts";
export {
  setCondition,
  rebuildConditions,
  deriveReady,
  findCondition,
  isConditionTrue,
  type ConditionInput,
} from "./conditions.ts";
export { ModelMetrics, ArtifactRef } from "./metrics.ts";
export { PromotionSpec, PromotionStatus, PromotionPolicy } from "./promotion.ts";
