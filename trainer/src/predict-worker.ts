/**
 * Worker thread for `predictInParallel`: loads the model from `dir` through the architecture
 * registry (as the server would) and returns P(positive) of its share of the texts.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ModelMetadata } from "../../common/artifact/metadata.ts";
import "../../common/models/builtin.ts";
import { architectureLoader } from "../../common/models/registry.ts";

interface PredictJob {
  readonly dir: string;
  readonly metadata: ModelMetadata;
  readonly texts: readonly string[];
}

const { dir, metadata, texts } = workerData as PredictJob;
const lazy = architectureLoader(metadata.architecture);
if (lazy === undefined) throw new Error(`unknown architecture ${metadata.architecture}`);
const predictor = await (await lazy())(dir, metadata);
try {
  const out = await predictor.predictProba(texts);
  parentPort?.postMessage(out, [out.buffer as ArrayBuffer]);
} finally {
  predictor.dispose();
}
