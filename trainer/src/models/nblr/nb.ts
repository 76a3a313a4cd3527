import { rowCount, type SparseRows } from "./sparse.ts";

/**
 * Naive Bayes log-count ratios of binary features (Wang & Manning 2012):
 * r = log((p / |p|₁) / (q / |q|₁)) with p = α + Σ positive rows, q = α + Σ negative rows.
 */
export function nbRatios(x: SparseRows, labels: Uint8Array, dim: number, alpha = 1): Float64Array {
  const p = new Float64Array(dim).fill(alpha);
  const q = new Float64Array(dim).fill(alpha);
  const n = rowCount(x);
  for (let i = 0; i < n; i++) {
    const target = labels[i] === 1 ? p : q;
    for (let k = x.rowPtr[i]!; k < x.rowPtr[i + 1]!; k++) target[x.cols[k]!]!++;
  }
  let sp = 0;
  let sq = 0;
  for (let j = 0; j < dim; j++) {
    sp += p[j]!;
    sq += q[j]!;
  }
  const r = new Float64Array(dim);
  const norm = Math.log(sq / sp);
  for (let j = 0; j < dim; j++) r[j] = Math.log(p[j]! / q[j]!) + norm;
  return r;
}
