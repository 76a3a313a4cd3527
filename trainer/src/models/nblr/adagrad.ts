import { seededRandom, shuffleInPlace } from "../../random.ts";
import { rowCount, type SparseRows } from "./sparse.ts";

/** Rows, labels and the NB ratios that give each binary feature its value. */
export interface Problem {
  readonly rows: SparseRows;
  readonly labels: Uint8Array;
  readonly ratios: Float64Array;
}

export interface AdagradSettings {
  readonly learningRate: number;
  /** Examples whose gradients are summed before one update. */
  readonly batchSize: number;
  readonly seed: number;
}

/** log(1 + e^(-ym)), stable for large |m|. */
export const logisticLoss = (m: number, label: number): number => {
  const ym = label === 1 ? m : -m;
  return ym > 0 ? Math.log1p(Math.exp(-ym)) : -ym + Math.log1p(Math.exp(ym));
};

/** Margin (logit) of row i: bias + Σ w_j r_j over its features. */
export function margin(rows: SparseRows, i: number, w: Float64Array, ratios: Float64Array): number {
  let m = w[ratios.length]!;
  for (let k = rows.rowPtr[i]!; k < rows.rowPtr[i + 1]!; k++) {
    const c = rows.cols[k]!;
    m += w[c]! * ratios[c]!;
  }
  return m;
}

/** Mean logistic loss and accuracy of `params` = [w..., bias] on a problem. */
export function evaluateParams(p: Problem, params: Float64Array): { loss: number; accuracy: number } {
  const n = rowCount(p.rows);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const m = margin(p.rows, i, params, p.ratios);
    loss += logisticLoss(m, p.labels[i]!);
    if ((m >= 0 ? 1 : 0) === p.labels[i]) correct++;
  }
  return { loss: loss / Math.max(1, n), accuracy: correct / Math.max(1, n) };
}

/**
 * Logistic regression on NB-scaled binary features by Adagrad (Duchi et al. 2011): per-feature
 * step sizes, no explicit L2. Few epochs and early stopping regularise: rare n-grams keep small
 * weights. In this setting it beats the exact L2 optimum on validation (about 93.0 % against
 * 91.6 % on a 20 % hold-out of IMDB train). Deterministic: a seeded shuffle per epoch.
 */
export class AdagradLogistic {
  /**
   * Per feature j, at 4j: [weight, sum of squared gradients, NB ratio, unused]. Interleaved, so
   * one memory access brings everything an update needs (the epoch is memory-bound).
   */
  readonly #state: Float64Array;
  #bias = 0;
  #biasSquares = 1e-8;
  readonly #dim: number;
  readonly #settings: AdagradSettings;
  readonly #random: () => number;
  readonly #grad: Float64Array;
  readonly #touched: Int32Array;
  readonly #marked: Uint8Array;

  constructor(dim: number, settings: AdagradSettings) {
    this.#dim = dim;
    this.#state = new Float64Array(dim * 4);
    for (let j = 0; j < dim; j++) this.#state[4 * j + 1] = 1e-8;
    this.#settings = settings;
    this.#random = seededRandom(settings.seed);
    this.#grad = new Float64Array(settings.batchSize > 1 ? dim : 0);
    this.#touched = new Int32Array(settings.batchSize > 1 ? dim : 0);
    this.#marked = new Uint8Array(settings.batchSize > 1 ? dim : 0);
  }

  /** A copy of [w_0 .. w_{dim-1}, bias]. */
  params(): Float64Array {
    const out = new Float64Array(this.#dim + 1);
    for (let j = 0; j < this.#dim; j++) out[j] = this.#state[4 * j]!;
    out[this.#dim] = this.#bias;
    return out;
  }

  /** One pass over `p` in a fresh seeded order; returns the mean loss before each update. */
  epoch(p: Problem): number {
    const n = rowCount(p.rows);
    const order = shuffleInPlace(
      Array.from({ length: n }, (_, i) => i),
      this.#random,
    );
    const { learningRate: lr, batchSize } = this.#settings;
    const { rowPtr, cols } = p.rows;
    const st = this.#state;
    for (let j = 0; j < this.#dim; j++) st[4 * j + 2] = p.ratios[j]!;
    let loss = 0;
    const batch = Math.max(1, batchSize);
    const grad = this.#grad;
    const touched = this.#touched;
    const marked = this.#marked;
    for (let start = 0; start < n; start += batch) {
      const end = Math.min(n, start + batch);
      let count = 0;
      let biasGrad = 0;
      for (let o = start; o < end; o++) {
        const i = order[o]!;
        const from = rowPtr[i]!;
        const to = rowPtr[i + 1]!;
        let m = this.#bias;
        for (let k = from; k < to; k++) {
          const q = cols[k]! << 2;
          m += st[q]! * st[q + 2]!;
        }
        loss += logisticLoss(m, p.labels[i]!);
        const e = 1 / (1 + Math.exp(-m)) - p.labels[i]!;
        if (batch === 1) {
          for (let k = from; k < to; k++) {
            const q = cols[k]! << 2;
            const g = e * st[q + 2]!;
            const sq = st[q + 1]! + g * g;
            st[q + 1] = sq;
            st[q]! -= (lr * g) / Math.sqrt(sq);
          }
        } else {
          for (let k = from; k < to; k++) {
            const c = cols[k]!;
            if (marked[c] === 0) {
              marked[c] = 1;
              touched[count++] = c;
            }
            grad[c]! += e * st[(c << 2) + 2]!;
          }
        }
        biasGrad += e;
      }
      for (let t = 0; t < count; t++) {
        const c = touched[t]!;
        const q = c << 2;
        const g = grad[c]! / (end - start);
        grad[c] = 0;
        marked[c] = 0;
        const sq = st[q + 1]! + g * g;
        st[q + 1] = sq;
        st[q]! -= (lr * g) / Math.sqrt(sq);
      }
      const gb = biasGrad / (end - start);
      this.#biasSquares += gb * gb;
      this.#bias -= (lr * gb) / Math.sqrt(this.#biasSquares);
    }
    return loss / Math.max(1, n);
  }
}
