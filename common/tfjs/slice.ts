/**
 * tfjs-backend-wasm 4.22's `Slice` reads its input with `readSync`, which COPIES the whole tensor
 * out of the wasm heap on every call; `Unpack` (unstack) and `SplitV` (split) call it once per
 * output. Unstacking a [256, …] tensor therefore copies it 256 times, which made a sequence
 * model's steps cost O(T²). These kernels copy only the selected elements, reading the heap in
 * place.
 */
import type { DataType, KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs";
import * as tf from "@tensorflow/tfjs";

export type Numeric = Float32Array | Int32Array | Uint8Array;

/**
 * Pure core: copies the box `begin`…`begin+size` of row-major `x` (shape `shape`) into `out`.
 * Trailing dimensions taken whole are merged, so each copy is one contiguous run.
 */
export function sliceInto(
  x: Numeric,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  out: Numeric,
): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1]! * shape[d + 1]!;
  // Dimensions k+1… are taken whole, so a run covers size[k] × stride[k] elements.
  let k = rank - 1;
  while (k > 0 && size[k] === shape[k] && begin[k] === 0) k--;
  const run = size[k]! * strides[k]!;
  const outer = size.slice(0, k).reduce((a, b) => a * b, 1);
  const index = new Array<number>(k).fill(0);
  let dst = 0;
  for (let n = 0; n < outer; n++) {
    let src = begin[k]! * strides[k]!;
    for (let d = 0; d < k; d++) src += (begin[d]! + index[d]!) * strides[d]!;
    out.set(x.subarray(src, src + run), dst);
    dst += run;
    for (let d = k - 1; d >= 0; d--) {
      if (++index[d]! < size[d]!) break;
      index[d] = 0;
    }
  }
}

interface WasmBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Numeric;
}

function sliceInfo(backend: WasmBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  // Allocate first: a heap growth would detach views taken before it.
  const out = backend.makeOutput(size, x.dtype);
  const outView = backend.typedArrayFromHeap(out);
  sliceInto(backend.typedArrayFromHeap(x), x.shape, begin, size, outView);
  return out;
}

function input(inputs: Parameters<KernelFunc>[0]["inputs"], name: string): TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new Error(`Kernel input ${name} is missing.`);
  return t;
}

/** Replacements for the wasm backend; string tensors go to the originals. */
export function wasmSliceKernels(originals: {
  readonly slice: KernelConfig;
  readonly unpack: KernelConfig;
  readonly splitV: KernelConfig;
}): KernelConfig[] {
  const slice: KernelFunc = (params) => {
    const x = input(params.inputs, "x");
    if (x.dtype === "string") return originals.slice.kernelFunc(params);
    const attrs = params.attrs ?? {};
    const [begin, size] = tf.slice_util.parseSliceParams(
      x,
      attrs["begin"] as number[],
      attrs["size"] as number[],
    );
    return sliceInfo(params.backend as WasmBackend, x, begin!, size!);
  };
  const unpack: KernelFunc = (params) => {
    const x = input(params.inputs, "value");
    if (x.dtype === "string") return originals.unpack.kernelFunc(params);
    const rank = x.shape.length;
    const axis = ((params.attrs?.["axis"] as number) + rank) % rank;
    const outShape = x.shape.filter((_, d) => d !== axis);
    const begin = new Array<number>(rank).fill(0);
    const size = [...x.shape];
    size[axis] = 1;
    return Array.from({ length: x.shape[axis]! }, (_, i) => {
      begin[axis] = i;
      const out = sliceInfo(params.backend as WasmBackend, x, begin, size);
      return { dataId: out.dataId, dtype: out.dtype, shape: outShape };
    });
  };
  const splitV: KernelFunc = (params) => {
    const x = input(params.inputs, "x");
    if (x.dtype === "string") return originals.splitV.kernelFunc(params);
    const attrs = params.attrs ?? {};
    const axis = tf.util.parseAxisParam(attrs["axis"] as number, x.shape)[0]!;
    const splits = tf.backend_util.prepareSplitSize(x, attrs["numOrSizeSplits"] as number[] | number, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return splits.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const out = sliceInfo(params.backend as WasmBackend, x, begin, size);
      begin[axis]! += s;
      return out;
    });
  };
  return [
    { ...originals.slice, kernelFunc: slice },
    { ...originals.unpack, kernelFunc: unpack },
    { ...originals.splitV, kernelFunc: splitV },
  ];
}
