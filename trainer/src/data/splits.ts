import type { LabeledText } from "../models/types.ts";
import type { Dataset } from "./dataset.ts";
import { stratifiedSplit } from "./split.ts";

export interface SplitSettings {
  readonly seed: number;
  readonly validationSplit: number;
  /** Held out as test when the data has no test split. */
  readonly testSplit: number;
  readonly limit?: number | undefined;
  readonly testLimit?: number | undefined;
}

export interface Splits {
  readonly train: LabeledText[];
  readonly validation: LabeledText[];
  readonly test: LabeledText[];
  /** True when the test split was held out of the data (not the data's own test split). */
  readonly heldOutTest: boolean;
}

/** A seeded, stratified sample of `count` examples (all of them when there are fewer). */
function sample(examples: LabeledText[], count: number | undefined, seed: number): LabeledText[] {
  if (count === undefined || count >= examples.length) return examples;
  return stratifiedSplit(examples, count / examples.length, seed).validation;
}

/**
 * The train / validation / test examples of a dataset, the same for the same data and settings
 * (training and `evaluate` both use it, so evaluate finds the very test split training used).
 * Each derived part uses its own seed offset so the choices are independent.
 */
export function deriveSplits(dataset: Dataset, s: SplitSettings): Splits {
  let pool = dataset.train;
  let test = dataset.test;
  const heldOutTest = test === undefined;
  if (test === undefined) {
    const held = stratifiedSplit(pool, s.testSplit, s.seed + 1);
    pool = held.train;
    test = held.validation;
  }
  pool = sample(pool, s.limit, s.seed + 2);
  test = sample(test, s.testLimit ?? s.limit, s.seed + 3);
  const { train, validation } = stratifiedSplit(pool, s.validationSplit, s.seed);
  return { train, validation, test, heldOutTest };
}
