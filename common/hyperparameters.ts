import { z } from "zod";

/**
 * The training configuration. These names are THE names: the trainer's CLI flags
 * (kebab-case of each key), its JSON/YAML config file and the TrainingRun resource
 * (`spec.architecture`, `spec.hyperparameters`, `spec.preprocessing`) all use them.
 */
export const Architecture = z.enum(["nblr", "bilstm"]);
export type Architecture = z.infer<typeof Architecture>;

/** The architecture with the best accuracy per minute on CPU; see README "Models". */
export const DEFAULT_ARCHITECTURE: Architecture = "nblr";

export const Hyperparameters = z.object({
  epochs: z
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe(
      "Passes over the training data at most; early stopping on validation keeps the best (default: per architecture).",
    ),
  batchSize: z
    .int()
    .min(1)
    .max(65536)
    .optional()
    .describe("Examples per gradient step (default: per architecture)."),
  learningRate: z
    .number()
    .gt(0)
    .max(10)
    .optional()
    .describe("Optimizer step size (default: per architecture)."),
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional()
    .describe("Seed of the splits, initialisation and shuffling (default 42)."),
  validationSplit: z
    .number()
    .gt(0)
    .lt(0.5)
    .optional()
    .describe("Fraction of the training split held out for validation and early stopping (default 0.1)."),
});
export type Hyperparameters = z.infer<typeof Hyperparameters>;

export const Preprocessing = z.object({
  minFreq: z
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe("Tokens seen fewer times than this in the training split map to <unk> (default 5)."),
  maxLength: z
    .int()
    .min(8)
    .max(4096)
    .optional()
    .describe("Tokens kept per review by sequence models (default 256; nblr reads whole reviews)."),
});
export type Preprocessing = z.infer<typeof Preprocessing>;

export const PREPROCESSING_DEFAULTS = { minFreq: 5, maxLength: 256 } as const;
export const SEED_DEFAULT = 42;
export const VALIDATION_SPLIT_DEFAULT = 0.1;
