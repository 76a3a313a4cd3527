/**
 * A bidirectional LSTM over a whole sequence, in two forms with the same forward result:
 *
 * - `bilstmPlain`: ordinary tf ops, differentiated by the tape. Used for inference (it frees each
 *   step's temporaries as it goes) and as the reference the fused form is tested against.
 * - `bilstmFused`: a `tf.customGrad` op with a hand-written backward pass (BPTT). It keeps only
 *   the gate activations and cell states per step (7·H floats per example, step and direction)
 *   instead of every intermediate tensor the tape would hold, runs both directions in one batched
 *   matMul per step, and computes the input projections and the weight gradients as a few large
 *   matMuls over all steps at once. This is what lets the reference BiLSTM train at sequence
 *   length 256 inside the 4 GiB wasm heap.
 *
 * Semantics are PyTorch's packed sequences: a step whose mask is 0 leaves the state unchanged, so
 * the forward direction ends at the last real token and the backward direction starts at it.
 * Gate activations are sigmoid/tanh (not tfjs's default hard sigmoid).
 *
 * Weight layout (H = units, In = input features):
 * - `kernel` [In, 8H]: forward gates then backward gates, each in the order i, f, o, g;
 * - `recurrent` [2, H, 4H]: forward then backward, same gate order;
 * - `bias` [8H].
 */
import * as tf from "@tensorflow/tfjs";

export interface BilstmWeights {
  readonly kernel: tf.Tensor;
  readonly recurrent: tf.Tensor;
  readonly bias: tf.Tensor;
}

/** Per step t: the input projection of both directions [2, B, 4H]; direction 1 runs backwards in time. */
function inputProjections(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor[] {
  const [batch, steps, features] = x.shape as [number, number, number];
  return tf.tidy(() => {
    const xTimeMajor = tf.reshape(tf.transpose(x, [1, 0, 2]), [steps * batch, features]);
    const proj = tf.reshape(tf.add(tf.matMul(xTimeMajor, kernel), bias), [steps, batch, -1]);
    const [forward, backward] = tf.split(proj, 2, 2) as [tf.Tensor, tf.Tensor];
    return tf.unstack(tf.stack([forward, tf.reverse(backward, 0)], 1));
  });
}

/** Per step t: the mask of both directions [2, B, 1] as 0/1 floats, aligned with `inputProjections`. */
function stepMasks(mask: tf.Tensor): tf.Tensor[] {
  return tf.tidy(() => {
    const timeMajor = tf.transpose(tf.cast(mask, "float32"), [1, 0]);
    return tf.unstack(tf.expandDims(tf.stack([timeMajor, tf.reverse(timeMajor, 0)], 1), 3));
  });
}

/** Per-step outputs [2, B, H] → [B, T, 2H] (sequences) or the final states [B, 2H]. */
function assembleOutput(hs: readonly tf.Tensor[], returnSequences: boolean): tf.Tensor {
  return tf.tidy(() => {
    if (!returnSequences) {
      const last = hs[hs.length - 1]!;
      return tf.concat(tf.unstack(last), 1);
    }
    const [forward, backward] = tf.unstack(tf.stack(hs as tf.Tensor[]), 1) as [tf.Tensor, tf.Tensor];
    return tf.transpose(tf.concat([forward, tf.reverse(backward, 0)], 2), [1, 0, 2]);
  });
}

interface StepState {
  /** sigmoid(i, f, o) [2, B, 3H] */
  readonly s: tf.Tensor;
  /** tanh(g) [2, B, H] */
  readonly g: tf.Tensor;
  /** tanh of the new cell state, before masking [2, B, H] */
  readonly tc: tf.Tensor;
  /** masked hidden and cell state [2, B, H] */
  readonly h: tf.Tensor;
  readonly c: tf.Tensor;
}

/**
 * h [2, B, H] times each direction's own [H, K] matrix → [2, B, K]. Two plain products: a batched
 * product leaves the wasm backend's fast path, and splitting it there would copy the weights.
 */
function perDirectionMatMul(h: tf.Tensor, weights: readonly [tf.Tensor, tf.Tensor]): tf.Tensor {
  return tf.tidy(() => {
    const [forward, backward] = tf.unstack(h) as [tf.Tensor, tf.Tensor];
    return tf.stack([tf.matMul(forward, weights[0]), tf.matMul(backward, weights[1])]);
  });
}

/** One LSTM step for both directions. `m` is the step mask [2, B, 1]. */
function cellStep(p: tf.Tensor, m: tf.Tensor, h: tf.Tensor, c: tf.Tensor, recurrent: readonly [tf.Tensor, tf.Tensor], units: number): StepState {
  return tf.tidy(() => {
    const z = tf.add(p, perDirectionMatMul(h, recurrent));
    const s = tf.sigmoid(tf.slice(z, [0, 0, 0], [-1, -1, 3 * units]));
    const g = tf.tanh(tf.slice(z, [0, 0, 3 * units], [-1, -1, units]));
    const [i, f, o] = tf.split(s, 3, 2) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
    const tc = tf.tanh(cNew);
    const hNew = tf.mul(o, tc);
    const hOut = tf.add(h, tf.mul(m, tf.sub(hNew, h)));
    const cOut = tf.add(c, tf.mul(m, tf.sub(cNew, c)));
    return { s, g, tc, h: hOut, c: cOut };
  });
}

const byDirection = (recurrent: tf.Tensor): [tf.Tensor, tf.Tensor] => tf.unstack(recurrent) as [tf.Tensor, tf.Tensor];

function checkShapes(x: tf.Tensor, mask: tf.Tensor, w: BilstmWeights): number {
  const units = w.recurrent.shape[1];
  if (x.rank !== 3 || mask.rank !== 2 || units === undefined) {
    throw new Error(`bilstm expects x [batch, steps, features] and mask [batch, steps], got ${x.shape} and ${mask.shape}.`);
  }
  return units;
}

/** The forward pass with ordinary ops (see the module comment). `mask` is [B, T], 1 = real token. */
export function bilstmPlain(x: tf.Tensor, mask: tf.Tensor, w: BilstmWeights, returnSequences: boolean): tf.Tensor {
  const units = checkShapes(x, mask, w);
  return tf.tidy(() => {
    const batch = x.shape[0]!;
    const projections = inputProjections(x, w.kernel, w.bias);
    const masks = stepMasks(mask);
    const recurrent = byDirection(w.recurrent);
    let h = tf.zeros([2, batch, units]);
    let c = tf.zeros([2, batch, units]);
    const hs: tf.Tensor[] = [];
    for (let t = 0; t < projections.length; t++) {
      const step = cellStep(projections[t]!, masks[t]!, h, c, recurrent, units);
      tf.dispose([step.s, step.g, step.tc, projections[t]!, masks[t]!]);
      if (!returnSequences) tf.dispose([h, c]);
      else tf.dispose(c);
      h = step.h;
      c = step.c;
      if (returnSequences) hs.push(h);
    }
    return assembleOutput(returnSequences ? hs : [h], returnSequences);
  });
}

/** The forward pass with a hand-written backward pass (see the module comment). */
export function bilstmFused(x: tf.Tensor, mask: tf.Tensor, w: BilstmWeights, returnSequences: boolean): tf.Tensor {
  const units = checkShapes(x, mask, w);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, maskIn, kernel, recurrent, bias] = args as tf.Tensor[];
    const save = args[5] as tf.GradSaveFunc;
    const batch = xIn!.shape[0]!;
    const projections = inputProjections(xIn!, kernel!, bias!);
    const masks = stepMasks(maskIn!);
    const perDirection = byDirection(recurrent!);
    const steps = projections.length;
    const zero = tf.zeros([2, batch, units]);
    let h = zero;
    let c = zero;
    const states: StepState[] = [];
    for (let t = 0; t < steps; t++) {
      const step = cellStep(projections[t]!, masks[t]!, h, c, perDirection, units);
      projections[t]!.dispose();
      states.push(step);
      h = step.h;
      c = step.c;
    }
    const value = assembleOutput(
      states.map((s) => s.h),
      returnSequences,
    );
    // Saved: x, kernel, recurrent, then per step [mask, s, g, tc, h, c].
    save([xIn!, kernel!, recurrent!, ...states.flatMap((s, t) => [masks[t]!, s.s, s.g, s.tc, s.h, s.c])]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        bilstmBackward(Array.isArray(dy) ? dy[0]! : dy, saved, maskIn!.shape, units, returnSequences),
    };
  });
  return op(x, tf.cast(mask, "float32"), w.kernel, w.recurrent, w.bias);
}

/** BPTT for `bilstmFused`: gradients for [x, mask (zeros), kernel, recurrent, bias]. */
function bilstmBackward(dy: tf.Tensor, saved: tf.Tensor[], maskShape: number[], units: number, returnSequences: boolean): tf.Tensor[] {
  const [x, kernel, recurrent] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
  const perStep = saved.slice(3);
  const steps = perStep.length / 6;
  const at = (t: number, k: number): tf.Tensor => perStep[t * 6 + k]!;
  const [batch, , features] = x.shape as [number, number, number];
  const zero = tf.zeros([2, batch, units]);
  const recurrentT = byDirection(tf.transpose(recurrent, [0, 2, 1]));

  // Gradient arriving at each step's output h, per direction [2, B, H].
  let dhOut: tf.Tensor[] | undefined;
  let dh = zero;
  if (returnSequences) {
    dhOut = tf.tidy(() => {
      const [forward, backward] = tf.split(tf.transpose(dy, [1, 0, 2]), 2, 2) as [tf.Tensor, tf.Tensor];
      return tf.unstack(tf.stack([forward, tf.reverse(backward, 0)], 1));
    });
  } else {
    dh = tf.tidy(() => tf.stack(tf.split(dy, 2, 1)));
  }
  let dc = zero;
  const dZ: tf.Tensor[] = new Array<tf.Tensor>(steps);
  for (let t = steps - 1; t >= 0; t--) {
    const [dz, dhPrev, dcPrev] = tf.tidy(() => {
      const m = at(t, 0);
      const s = at(t, 1);
      const g = at(t, 2);
      const tc = at(t, 3);
      const cPrev = t > 0 ? at(t - 1, 5) : zero;
      const keep = tf.sub(1, m);
      const dhTotal = dhOut === undefined ? dh : tf.add(dh, dhOut[t]!);
      const dhNew = tf.mul(m, dhTotal);
      const [i, f, o] = tf.split(s, 3, 2) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const dcNew = tf.add(tf.mul(m, dc), tf.mul(tf.mul(dhNew, o), tf.sub(1, tf.square(tc))));
      const dSig = tf.concat([tf.mul(dcNew, g), tf.mul(dcNew, cPrev), tf.mul(dhNew, tc)], 2);
      const dzSig = tf.mul(dSig, tf.mul(s, tf.sub(1, s)));
      const dzG = tf.mul(tf.mul(dcNew, i), tf.sub(1, tf.square(g)));
      const dzStep = tf.concat([dzSig, dzG], 2);
      const dhPrevStep = tf.add(perDirectionMatMul(dzStep, recurrentT), tf.mul(keep, dhTotal));
      const dcPrevStep = tf.add(tf.mul(dcNew, f), tf.mul(keep, dc));
      return [dzStep, dhPrevStep, dcPrevStep];
    });
    if (dh !== zero) dh.dispose();
    if (dc !== zero) dc.dispose();
    dhOut?.[t]?.dispose();
    dZ[t] = dz!;
    dh = dhPrev!;
    dc = dcPrev!;
  }
  tf.dispose([dh, dc]);
  return tf.tidy(() => {
    const dzAll = tf.stack(dZ); // [T, 2, B, 4H]
    tf.dispose(dZ);
    const hPrev = tf.stack([zero, ...Array.from({ length: steps - 1 }, (_, t) => at(t, 4))]); // [T, 2, B, H]
    const dRecurrent = tf.matMul(
      tf.reshape(tf.transpose(hPrev, [1, 3, 0, 2]), [2, units, steps * batch]),
      tf.reshape(tf.transpose(dzAll, [1, 0, 2, 3]), [2, steps * batch, 4 * units]),
    );
    const [dzForward, dzBackward] = tf.unstack(dzAll, 1) as [tf.Tensor, tf.Tensor];
    const dProj = tf.reshape(tf.concat([dzForward, tf.reverse(dzBackward, 0)], 2), [steps * batch, 8 * units]);
    const xTimeMajor = tf.reshape(tf.transpose(x, [1, 0, 2]), [steps * batch, features]);
    const dKernel = tf.matMul(tf.transpose(xTimeMajor), dProj);
    const dBias = tf.sum(dProj, 0);
    const dx = tf.transpose(tf.reshape(tf.matMul(dProj, tf.transpose(kernel)), [steps, batch, features]), [1, 0, 2]);
    return [dx, tf.zeros(maskShape), dKernel, dRecurrent, dBias];
  });
}
