/**
 * A linear-time UnsortedSegmentSum, the gradient of `gather` (and so of every Embedding layer).
 *
 * tfjs-backend-wasm 4.22 has no such kernel, so an Embedding cannot train on wasm at all, and the
 * cpu backend's version is O(numSegments × N): unusable for a 30k-row vocabulary. This one reads
 * each row once and adds it into its segment.
 */
import type { DataType, KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs";

export type NumericArray = Float32Array | Int32Array;

/**
 * Pure core: `out[segmentIds[r]] += x[r]` for each row `r` of `inner` elements. Rows whose id is
 * negative or ≥ numSegments are dropped, as TensorFlow does. `out` must be zero-filled.
 */
export function segmentSumInto(
  x: ArrayLike<number>,
  segmentIds: ArrayLike<number>,
  inner: number,
  numSegments: number,
  out: NumericArray,
): void {
  const rows = segmentIds.length;
  for (let r = 0; r < rows; r++) {
    const s = segmentIds[r] ?? -1;
    if (s < 0 || s >= numSegments) continue;
    const src = r * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) out[dst + k]! += x[src + k]!;
  }
}

interface SegmentSumShape {
  readonly outShape: number[];
  readonly inner: number;
}

function segmentSumShape(x: TensorInfo, segmentIds: TensorInfo, numSegments: number): SegmentSumShape {
  const idsRank = segmentIds.shape.length;
  const rowShape = x.shape.slice(idsRank);
  const inner = rowShape.reduce((a, b) => a * b, 1);
  return { outShape: [numSegments, ...rowShape], inner };
}

function checkDtype(dtype: DataType): void {
  if (dtype !== "float32" && dtype !== "int32") {
    throw new Error(`UnsortedSegmentSum supports float32 and int32, got ${dtype}.`);
  }
}

/** The slice of a backend's API the kernels below use; both MathBackendCPU and BackendWasm have it. */
interface ReadableBackend {
  readSync(dataId: object): unknown;
}
interface CpuBackend extends ReadableBackend {
  makeTensorInfo(shape: number[], dtype: DataType, values?: NumericArray): TensorInfo;
}
interface WasmBackend extends ReadableBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): NumericArray;
}

interface SegmentSumArgs {
  readonly x: TensorInfo;
  readonly segmentIds: TensorInfo;
  readonly numSegments: number;
}

function args(params: Parameters<KernelFunc>[0]): SegmentSumArgs {
  const x = params.inputs["x"];
  const segmentIds = params.inputs["segmentIds"];
  const numSegments = params.attrs?.["numSegments"];
  if (x === undefined || segmentIds === undefined || typeof numSegments !== "number") {
    throw new Error("UnsortedSegmentSum needs inputs x, segmentIds and attr numSegments.");
  }
  checkDtype(x.dtype);
  return { x, segmentIds, numSegments };
}

const cpuSegmentSum: KernelFunc = (params) => {
  const { x, segmentIds, numSegments } = args(params);
  const backend = params.backend as CpuBackend;
  const { outShape, inner } = segmentSumShape(x, segmentIds, numSegments);
  const size = outShape.reduce((a, b) => a * b, 1);
  const out = x.dtype === "int32" ? new Int32Array(size) : new Float32Array(size);
  const xs = backend.readSync(x.dataId) as NumericArray;
  const ids = backend.readSync(segmentIds.dataId) as NumericArray;
  segmentSumInto(xs, ids, inner, numSegments, out);
  return backend.makeTensorInfo(outShape, x.dtype, out);
};

const wasmSegmentSum: KernelFunc = (params) => {
  const { x, segmentIds, numSegments } = args(params);
  const backend = params.backend as WasmBackend;
  const { outShape, inner } = segmentSumShape(x, segmentIds, numSegments);
  // Allocate first: a heap growth would detach views taken before it.
  const outInfo = backend.makeOutput(outShape, x.dtype);
  const out = backend.typedArrayFromHeap(outInfo);
  out.fill(0);
  const xs = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  segmentSumInto(xs, ids, inner, numSegments, out);
  return outInfo;
};

export const segmentSumKernels: Readonly<Record<"cpu" | "wasm", Omit<KernelConfig, "backendName">>> = {
  cpu: { kernelName: "UnsortedSegmentSum", kernelFunc: cpuSegmentSum },
  wasm: { kernelName: "UnsortedSegmentSum", kernelFunc: wasmSegmentSum },
};
