/**
 * The fixed names of the API (clients, charts and docs depend on them): group, version, kinds,
 * plurals, short names, category, and the annotations a user sets.
 */
export const GROUP = "sentiment.mlops.dev";
export const VERSION = "v1alpha1";
export const API_VERSION = `${GROUP}/${VERSION}` as const;
export const CATEGORY = "mlops";

export const TRAINING_RUN = {
  kind: "TrainingRun",
  listKind: "TrainingRunList",
  plural: "trainingruns",
  singular: "trainingrun",
  shortNames: ["tr", "trun"],
} as const;

export const SENTIMENT_MODEL = {
  kind: "SentimentModel",
  listKind: "SentimentModelList",
  plural: "sentimentmodels",
  singular: "sentimentmodel",
  shortNames: ["smodel", "sm"],
} as const;

/**
 * Manual promotion: the user (or Git) sets this annotation on a TrainingRun in phase
 * AwaitingApproval. `"true"` promotes, `"false"` rejects; anything else is ignored.
 * The operator never writes it (GitOps rule: it never writes a user's resource).
 */
export const APPROVE_ANNOTATION = `${GROUP}/approve`;
