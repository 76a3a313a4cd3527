import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { remapInPlace, TokenCounter } from "../../../common/text/token-counter.ts";
import { basicEnglish } from "../../../common/text/tokenizer.ts";
import type { Vocabulary, VocabularyOptions } from "../../../common/text/vocab.ts";

interface WorkerResult {
  readonly tokens: string[];
  readonly counts: Int32Array;
  readonly flat: Int32Array;
  readonly offsets: Int32Array;
}

/** Below this many texts a second thread costs more than it saves. */
const PARALLEL_MIN_TEXTS = 4000;

/**
 * Tokenizes `texts` with basic_english, builds the vocabulary and encodes every text: the same
 * result as `buildAndEncode(texts.map(basicEnglish), options)`, but a worker thread
 * does the second half on the second core. Only distinct tokens cross threads. Falls back to one
 * thread for small inputs, on one core, or when the worker fails.
 */
export async function encodeInParallel(
  texts: readonly string[],
  options: VocabularyOptions = {},
  progress?: (fraction: number) => void,
  log?: (message: string, fields?: Record<string, unknown>) => void,
): Promise<{ vocabulary: Vocabulary; encoded: Int32Array[] }> {
  const parallel = texts.length >= PARALLEL_MIN_TEXTS && availableParallelism() >= 2;
  const half = parallel ? Math.floor(texts.length / 2) : texts.length;
  const worker = parallel
    ? new Worker(new URL("./encode-worker.ts", import.meta.url), { workerData: { texts: texts.slice(half) } })
    : undefined;
  const helped = worker
    ? new Promise<WorkerResult>((resolve, reject) => {
        worker.once("message", (m: WorkerResult) => resolve(m));
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`the encoding worker exited with code ${code}`)));
      })
    : undefined;
  helped?.catch(() => undefined);

  const counter = new TokenCounter();
  const encoded: Int32Array[] = [];
  for (let i = 0; i < half; i++) {
    if ((i & 1023) === 0) progress?.((0.9 * i) / texts.length);
    encoded.push(counter.add(basicEnglish(texts[i]!)));
  }
  if (helped !== undefined) {
    try {
      const w = await helped;
      const remap = counter.merge(w.tokens, w.counts);
      remapInPlace(w.flat, remap);
      for (let i = 0; i < w.offsets.length - 1; i++)
        encoded.push(w.flat.subarray(w.offsets[i], w.offsets[i + 1]));
    } catch (e) {
      log?.("Encoded without the worker thread", { error: (e as Error).message });
      for (let i = half; i < texts.length; i++) encoded.push(counter.add(basicEnglish(texts[i]!)));
    } finally {
      await worker?.terminate();
    }
  }
  const { vocabulary, remap } = counter.vocabulary(options);
  for (const ids of encoded) remapInPlace(ids, remap);
  progress?.(1);
  return { vocabulary, encoded };
}
