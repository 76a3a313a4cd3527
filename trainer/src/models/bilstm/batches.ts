import { shuffleInPlace } from "../../random.ts";

/**
 * One epoch's batches of example indices, bucketed by length the way torchtext's BucketIterator
 * does for the reference: shuffle, cut into pools of `poolBatches` batches, sort each pool by
 * length, cut it into batches, then shuffle the batch order. Batches then hold reviews of similar
 * length, so little compute goes to padding, while the epoch stays randomised. Every index
 * appears exactly once.
 */
export function bucketedBatches(
  lengths: ArrayLike<number>,
  batchSize: number,
  random: () => number,
  poolBatches = 50,
): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`batchSize must be a positive integer, got ${batchSize}.`);
  const order = shuffleInPlace(
    Array.from({ length: lengths.length }, (_, i) => i),
    random,
  );
  const pool = batchSize * Math.max(1, poolBatches);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += pool) {
    const sorted = order.slice(start, start + pool).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
    for (let b = 0; b < sorted.length; b += batchSize) batches.push(sorted.slice(b, b + batchSize));
  }
  return shuffleInPlace(batches, random);
}
