/**
 * Limited-memory BFGS minimisation with a backtracking (Armijo) line search. Deterministic: the
 * same objective and start give the same iterates.
 */
export interface Objective {
  readonly dim: number;
  /** Writes the gradient at `x` into `grad` and returns the value. */
  evaluate(x: Float64Array, grad: Float64Array): number;
}

export interface LbfgsOptions {
  readonly maxIterations: number;
  /** Stops when the relative decrease of the value falls below this. @default 1e-6 */
  readonly tolerance?: number;
  /** Correction pairs kept. @default 6 */
  readonly memory?: number;
  /** Called after every iteration; return false to stop. */
  readonly onIteration?: (iteration: number, value: number, x: Float64Array) => boolean | void;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

export function minimizeLbfgs(f: Objective, x: Float64Array, options: LbfgsOptions): { value: number; iterations: number } {
  const n = f.dim;
  const m = options.memory ?? 6;
  const tol = options.tolerance ?? 1e-6;
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  let g = new Float64Array(n);
  let gNew = new Float64Array(n);
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const alpha = new Float64Array(m);
  let value = f.evaluate(x, g);
  let it = 0;
  for (; it < options.maxIterations; it++) {
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    const k = s.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = rho[j]! * dot(s[j]!, d);
      alpha[j] = a;
      const yj = y[j]!;
      for (let i = 0; i < n; i++) d[i]! -= a * yj[i]!;
    }
    if (k > 0) {
      const gamma = dot(s[k - 1]!, y[k - 1]!) / dot(y[k - 1]!, y[k - 1]!);
      for (let i = 0; i < n; i++) d[i]! *= gamma;
    } else {
      const gn = Math.sqrt(dot(g, g));
      if (gn === 0) break;
      for (let i = 0; i < n; i++) d[i]! /= gn;
    }
    for (let j = 0; j < k; j++) {
      const b = rho[j]! * dot(y[j]!, d);
      const sj = s[j]!;
      const c = alpha[j]! - b;
      for (let i = 0; i < n; i++) d[i]! += c * sj[i]!;
    }
    let slope = dot(g, d);
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      s.length = y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      slope = dot(g, d);
    }
    let step = 1;
    let next = 0;
    for (let tries = 0; ; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * d[i]!;
      next = f.evaluate(xNew, gNew);
      if (next <= value + 1e-4 * step * slope || tries >= 30) break;
      step *= 0.5;
    }
    const sNew = s.length === m ? s.shift()! : new Float64Array(n);
    const yNew = y.length === m ? y.shift()! : new Float64Array(n);
    if (rho.length === m) rho.shift();
    for (let i = 0; i < n; i++) {
      sNew[i] = xNew[i]! - x[i]!;
      yNew[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12) {
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / sy);
    }
    x.set(xNew);
    [g, gNew] = [gNew, g];
    const decrease = value - next;
    value = next;
    if (options.onIteration?.(it + 1, value, x) === false) {
      it++;
      break;
    }
    if (decrease <= tol * Math.max(1, Math.abs(value))) {
      it++;
      break;
    }
  }
  return { value, iterations: it };
}
