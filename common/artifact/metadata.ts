import { z } from "zod";
import { Hyperparameters, Preprocessing } from "../hyperparameters.ts";

/** Bumped when the on-disk layout changes incompatibly; the loader refuses other versions. */
export const ARTIFACT_SCHEMA_VERSION = 1 as const;
export const METADATA_FILE = "metadata.json";

export const EvaluationMetrics = z.object({
  accuracy: z.number().min(0).max(1),
  precision: z.number().min(0).max(1),
  recall: z.number().min(0).max(1),
  f1: z.number().min(0).max(1),
  auc: z.number().min(0).max(1),
  loss: z.number().min(0),
  /** [[trueNeg, falsePos], [falseNeg, truePos]] */
  confusionMatrix: z.tuple([z.tuple([z.int(), z.int()]), z.tuple([z.int(), z.int()])]),
  examples: z.int().min(0),
});
export type EvaluationMetrics = z.infer<typeof EvaluationMetrics>;

export const EpochRecord = z.object({
  epoch: z.int().min(1),
  trainLoss: z.number().optional(),
  validationLoss: z.number().optional(),
  validationAccuracy: z.number().optional(),
  seconds: z.number().min(0),
});

export const ModelMetadata = z.object({
  schemaVersion: z.literal(ARTIFACT_SCHEMA_VERSION),
  name: z.string().min(1),
  /** Content-derived or user-set version string, unique per artifact. */
  version: z.string().min(1),
  architecture: z.string().min(1),
  hyperparameters: Hyperparameters.loose(),
  preprocessing: Preprocessing.extend({ tokenizer: z.string().min(1) }).loose(),
  dataset: z.object({
    source: z.string().min(1),
    sha256: z.string().optional(),
    trainSize: z.int().min(0),
    validationSize: z.int().min(0),
    testSize: z.int().min(0),
    /** Fraction of the data held out as the test split, when the data came without one (CSV, JSONL). */
    testSplit: z.number().gt(0).lt(1).optional(),
    /** Training examples sampled (seeded) from the data, when training was limited. */
    limit: z.int().min(1).optional(),
    /** Test examples sampled (seeded), when evaluation was limited. */
    testLimit: z.int().min(1).optional(),
  }),
  metrics: z.object({
    validation: EvaluationMetrics.optional(),
    test: EvaluationMetrics.optional(),
    trainSeconds: z.number().min(0),
    history: z.array(EpochRecord).default([]),
  }),
  createdAt: z.iso.datetime(),
  trainerVersion: z.string().min(1),
  backend: z.string().min(1),
  /** sha256 of every other file in the directory, by relative path. */
  files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
});
export type ModelMetadata = z.infer<typeof ModelMetadata>;
