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
  /** Passes over the training data. @default architecture-specific */
  epochs: z.int().min(1).max(1000).optional(),
  /** Examples per gradient step. @default architecture-specific */
  batchSize: z.int().min(1).max(65536).optional(),
  /** Optimizer step size. @default architecture-specific */
  learningRate: z.number().gt(0).max(10).optional(),
  /** Seed for the validation split, initialisation and shuffling. @default 42 */
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  /** Fraction of the training split held out for validation and early stopping. @default 0.1 */
  validationSplit: z.number().gt(0).lt(0.5).optional(),
});
export type Hyperparameters = z.infer<typeof Hyperparameters>;

export const Preprocessing = z.object({
  /** Tokens seen fewer times than this in the training split map to `<unk>`. @default 5 */
  minFreq: z.int().min(1).max(1000).optional(),
  /** Tokens kept per review (truncation/padding for sequence models). @default 256 */
  maxLength: z.int().min(8).max(4096).optional(),
});
export type Preprocessing = z.infer<typeof Preprocessing>;

export const PREPROCESSING_DEFAULTS = { minFreq: 5, maxLength: 256 } as const;
export const SEED_DEFAULT = 42;
export const VALIDATION_SPLIT_DEFAULT = 0.1;
