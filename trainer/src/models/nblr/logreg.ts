import { rowCount, type SparseRows } from "./sparse.ts";
import type { Objective } from "./lbfgs.ts";

/**
 * Mean logistic loss of binary rows whose feature j has value `scale[j]`, plus (λ/2)·|w|².
 * Parameters: x = [w_0 .. w_{dim-1}, bias]; the bias is not regularised.
 */
export function logisticObjective(rows: SparseRows, labels: Uint8Array, scale: Float64Array, lambda: number): Objective {
  const dim = scale.length;
  const n = rowCount(rows);
  const { rowPtr, cols } = rows;
  const u = new Float64Array(dim);
  const acc = new Float64Array(dim);
  return {
    dim: dim + 1,
    evaluate(x, grad) {
      const b = x[dim]!;
      for (let j = 0; j < dim; j++) u[j] = x[j]! * scale[j]!;
      acc.fill(0);
      let loss = 0;
      let gb = 0;
      for (let i = 0; i < n; i++) {
        let m = b;
        const end = rowPtr[i + 1]!;
        for (let k = rowPtr[i]!; k < end; k++) m += u[cols[k]!]!;
        const ym = labels[i] === 1 ? m : -m;
        // log(1 + e^{-ym}), stable
        loss += ym > 0 ? Math.log1p(Math.exp(-ym)) : -ym + Math.log1p(Math.exp(ym));
        const p = 1 / (1 + Math.exp(-m));
        const e = p - labels[i]!;
        gb += e;
        for (let k = rowPtr[i]!; k < end; k++) acc[cols[k]!]! += e;
      }
      let reg = 0;
      for (let j = 0; j < dim; j++) {
        const w = x[j]!;
        reg += w * w;
        grad[j] = (acc[j]! * scale[j]!) / n + lambda * w;
      }
      grad[dim] = gb / n;
      return loss / n + 0.5 * lambda * reg;
    },
  };
}
