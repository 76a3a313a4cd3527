import type { LabeledText } from "../models/types.ts";
import { seededRandom, shuffleInPlace } from "../random.ts";

export interface Split {
  readonly train: LabeledText[];
  readonly validation: LabeledText[];
}

/**
 * A seeded, stratified hold-out: `fraction` of each class goes to validation. The same examples
 * and seed always give the same split; each side keeps the input order.
 */
export function stratifiedSplit(examples: readonly LabeledText[], fraction: number, seed: number): Split {
  const random = seededRandom(seed);
  const held = new Uint8Array(examples.length);
  for (const label of [0, 1] as const) {
    const idx: number[] = [];
    examples.forEach((e, i) => {
      if (e.label === label) idx.push(i);
    });
    shuffleInPlace(idx, random);
    const take = Math.round(idx.length * fraction);
    for (let k = 0; k < take; k++) held[idx[k]!] = 1;
  }
  const train: LabeledText[] = [];
  const validation: LabeledText[] = [];
  examples.forEach((e, i) => (held[i] ? validation : train).push(e));
  return { train, validation };
}
