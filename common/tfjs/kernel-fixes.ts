/**
 * Registers the kernel fixes tfjs needs to train here (see segment-sum.ts, batch-matmul.ts and
 * slice.ts). Idempotent per backend; must run before the backend's first op for the
 * wasm BatchMatMul wrapper to inherit the kernel's setup.
 */
import * as tf from "@tensorflow/tfjs";
import { fastBatchMatMul } from "./batch-matmul.ts";
import { segmentSumKernels } from "./segment-sum.ts";
import { wasmSliceKernels } from "./slice.ts";

export type FixableBackend = "cpu" | "wasm";

const installed = new Set<FixableBackend>();

function replaceKernel(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) !== undefined) {
    tf.unregisterKernel(config.kernelName, config.backendName);
  }
  tf.registerKernel(config);
}

/** Installs the fixes for `backend`. Returns the names of the kernels it replaced or added. */
export function installKernelFixes(backend: FixableBackend): string[] {
  if (installed.has(backend)) return [];
  installed.add(backend);
  const changed: string[] = [];
  replaceKernel({ ...segmentSumKernels[backend], backendName: backend });
  changed.push("UnsortedSegmentSum");
  if (backend === "wasm") {
    const kernel = (name: string): tf.KernelConfig => {
      const found = tf.getKernel(name, "wasm");
      if (found === undefined)
        throw new Error(
          `The wasm backend has no ${name} kernel: import @tensorflow/tfjs-backend-wasm first.`,
        );
      return found;
    };
    replaceKernel(
      fastBatchMatMul({
        batchMatMul: kernel("BatchMatMul"),
        transpose: kernel("Transpose").kernelFunc,
        slice: kernel("Slice").kernelFunc,
        concat: kernel("Concat").kernelFunc,
        reshape: kernel("Reshape").kernelFunc,
      }),
    );
    changed.push("BatchMatMul");
    for (const config of wasmSliceKernels({
      slice: kernel("Slice"),
      unpack: kernel("Unpack"),
      splitV: kernel("SplitV"),
    })) {
      replaceKernel(config);
      changed.push(config.kernelName);
    }
  }
  return changed;
}
