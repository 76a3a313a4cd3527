import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ModelMetadata } from "../../common/artifact/metadata.ts";
import type { SentimentPredictor } from "../../common/model.ts";

/** P(positive) for every text, in batches so progress can be shown (and the event loop breathes). */
export async function predictInBatches(
  predictor: Pick<SentimentPredictor, "predictProba">,
  texts: readonly string[],
  progress: (fraction: number) => void,
  batch = 512,
): Promise<Float64Array> {
  const out = new Float64Array(texts.length);
  for (let i = 0; i < texts.length; i += batch) {
    const slice = texts.slice(i, i + batch);
    out.set(await predictor.predictProba(slice), i);
    progress(Math.min(1, (i + slice.length) / texts.length));
    await new Promise<void>((r) => setImmediate(r));
  }
  return out;
}

/** A saved copy of the model that a worker thread can load. */
export interface ModelOnDisk {
  readonly dir: string;
  readonly metadata: ModelMetadata;
}

/** Below this many texts a second thread costs more (loading the model) than it saves. */
const PARALLEL_MIN_TEXTS = 2000;

/**
 * P(positive) for every text, using a second core when there is one: a worker thread loads the
 * model from `onDisk` (through the architecture registry, like the server) and predicts the second
 * half while this thread predicts the first with `predictor`. Both read the same weights, so the
 * result is exactly what `predictInBatches` gives. Falls back to this thread alone when the worker
 * fails.
 */
export async function predictInParallel(
  predictor: Pick<SentimentPredictor, "predictProba">,
  texts: readonly string[],
  onDisk: ModelOnDisk | undefined,
  progress: (fraction: number) => void,
  log?: (message: string, fields?: Record<string, unknown>) => void,
): Promise<Float64Array> {
  if (onDisk === undefined || texts.length < PARALLEL_MIN_TEXTS || availableParallelism() < 2) {
    return predictInBatches(predictor, texts, progress);
  }
  const half = Math.floor(texts.length / 2);
  const second = texts.slice(half);
  const worker = new Worker(new URL("./predict-worker.ts", import.meta.url), {
    workerData: { dir: onDisk.dir, metadata: onDisk.metadata, texts: second },
  });
  const helped = new Promise<Float64Array>((resolve, reject) => {
    worker.once("message", (m: Float64Array) => resolve(m));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the prediction worker exited with code ${code}`)));
  });
  helped.catch(() => undefined);
  const out = new Float64Array(texts.length);
  out.set(await predictInBatches(predictor, texts.slice(0, half), (f) => progress(f * 0.5)));
  try {
    out.set(await helped, half);
  } catch (e) {
    log?.("Predicted without the worker thread", { error: (e as Error).message });
    out.set(await predictInBatches(predictor, second, (f) => progress(0.5 + f * 0.5)), half);
  } finally {
    await worker.terminate();
  }
  progress(1);
  return out;
}
