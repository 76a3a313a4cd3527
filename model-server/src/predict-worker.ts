/**
 * Worker-thread side of `createWorkerLoader`: loads one model directory with the shared loader,
 * then answers `{id, texts}` messages with `{id, probabilities}` (the buffer is transferred).
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadModel } from "../../common/artifact/loader.ts";

export type WorkerReply =
  | {
      readonly type: "loaded";
      readonly metadata: unknown;
      readonly sha256: string;
      readonly architecture: string;
    }
  | { readonly type: "failed"; readonly reason: string; readonly message: string }
  | { readonly type: "scored"; readonly id: number; readonly probabilities: Float64Array }
  | { readonly type: "error"; readonly id: number; readonly message: string };

const port = parentPort!;
const reply = (m: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
const loaded = await loadModel((workerData as { dir: string }).dir);
if (!loaded.ok) {
  reply({ type: "failed", reason: loaded.error.reason, message: loaded.error.message });
} else {
  const { metadata, sha256, predictor } = loaded.value;
  port.on("message", (m: { id: number; texts: string[] }) => {
    predictor.predictProba(m.texts).then(
      (probabilities) =>
        reply({ type: "scored", id: m.id, probabilities }, [probabilities.buffer as ArrayBuffer]),
      (e: unknown) => reply({ type: "error", id: m.id, message: (e as Error).message }),
    );
  });
  reply({ type: "loaded", metadata, sha256, architecture: predictor.architecture });
}
