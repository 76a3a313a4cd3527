/**
 * Two slow paths of tfjs-backend-wasm 4.22's `BatchMatMul`, measured on this project's machines:
 *
 * - with `transposeA`/`transposeB` it is 10–40× slower than an explicit `Transpose` followed by a
 *   plain `BatchMatMul`, and every matMul gradient uses the transposed form;
 * - with a batch dimension above 1 it leaves its fast (XNNPACK) path: [2,16,256]×[2,256,1024]
 *   takes ~34 ms where two [16,256]×[256,1024] products take ~0.6 ms.
 *
 * `fastBatchMatMul` wraps the backend's own kernel: it transposes first, and runs a batched
 * product as one fast product per batch entry, concatenated.
 */
import { broadcast_util, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";

interface DisposingBackend {
  disposeData(dataId: object): boolean;
}

/** The permutation that swaps the two innermost axes of a rank-`rank` tensor. */
export function innerTransposePerm(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** The kernels the wrapper composes, all from the same backend. */
export interface MatMulParts {
  readonly batchMatMul: KernelConfig;
  readonly transpose: KernelFunc;
  readonly slice: KernelFunc;
  readonly concat: KernelFunc;
  readonly reshape: KernelFunc;
}

function one(out: TensorInfo | TensorInfo[]): TensorInfo {
  if (Array.isArray(out)) throw new Error("Expected a kernel to return one tensor.");
  return out;
}

/**
 * Returns a BatchMatMul kernel config with the fast paths described above. Temporaries are freed
 * before it returns. Shapes it cannot split (outer dims that broadcast other than 1 against n)
 * go to the original kernel after the transposes.
 */
export function fastBatchMatMul(parts: MatMulParts): KernelConfig {
  const original = parts.batchMatMul;
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const a = inputs["a"];
    const b = inputs["b"];
    if (a === undefined || b === undefined) throw new Error("BatchMatMul needs inputs a and b.");
    const temporaries: TensorInfo[] = [];
    const temp = (t: TensorInfo | TensorInfo[]): TensorInfo => {
      const info = one(t);
      temporaries.push(info);
      return info;
    };
    const flip = (t: TensorInfo): TensorInfo =>
      temp(
        parts.transpose({ inputs: { x: t }, backend, attrs: { perm: innerTransposePerm(t.shape.length) } }),
      );
    const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
    try {
      const left = attrs?.["transposeA"] === true ? flip(a) : a;
      const right = attrs?.["transposeB"] === true ? flip(b) : b;
      const outerA = left.shape.slice(0, -2);
      const outerB = right.shape.slice(0, -2);
      const batchA = product(outerA);
      const batchB = product(outerB);
      const batch = Math.max(batchA, batchB);
      const splittable = batch > 1 && (batchA === batchB || batchA === 1 || batchB === 1);
      if (!splittable)
        return original.kernelFunc({ inputs: { a: left, b: right }, backend, attrs: plainAttrs });
      const [m, k] = left.shape.slice(-2) as [number, number];
      const n = right.shape[right.shape.length - 1]!;
      const left3 = temp(parts.reshape({ inputs: { x: left }, backend, attrs: { shape: [batchA, m, k] } }));
      const right3 = temp(parts.reshape({ inputs: { x: right }, backend, attrs: { shape: [batchB, k, n] } }));
      const pieces: TensorInfo[] = [];
      for (let i = 0; i < batch; i++) {
        const ai = temp(
          parts.slice({
            inputs: { x: left3 },
            backend,
            attrs: { begin: [batchA === 1 ? 0 : i, 0, 0], size: [1, m, k] },
          }),
        );
        const bi = temp(
          parts.slice({
            inputs: { x: right3 },
            backend,
            attrs: { begin: [batchB === 1 ? 0 : i, 0, 0], size: [1, k, n] },
          }),
        );
        pieces.push(temp(original.kernelFunc({ inputs: { a: ai, b: bi }, backend, attrs: plainAttrs })));
      }
      const joined = temp(
        parts.concat({
          inputs: pieces as unknown as Record<string, TensorInfo>,
          backend,
          attrs: { axis: 0 },
        }),
      );
      const outer = broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
      return one(parts.reshape({ inputs: { x: joined }, backend, attrs: { shape: [...outer, m, n] } }));
    } finally {
      for (const t of temporaries) (backend as DisposingBackend).disposeData(t.dataId);
    }
  };
  return { ...original, kernelFunc };
}
