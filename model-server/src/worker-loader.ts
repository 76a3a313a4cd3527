import { Worker } from "node:worker_threads";
import type { ModelMetadata } from "../../common/artifact/metadata.ts";
import type { SentimentPredictor } from "../../common/model.ts";
import { err, failure, ok } from "../../common/result.ts";
import type { LoadModel } from "./model-holder.ts";
import type { WorkerReply } from "./predict-worker.ts";

/** A predictor whose model lives in a worker thread. */
export interface WorkerPredictor extends SentimentPredictor {
  readonly worker: Worker;
}

export interface WorkerLoaderOptions {
  /**
   * Called when the worker of a loaded model stops without being disposed (a crash). Its calls
   * fail from then on, so the caller should load the model again.
   */
  readonly onCrash?: (dir: string, error: Error) => void;
}

/**
 * A `LoadModel` that loads each model in its own worker thread (through the same shared loader)
 * and scores texts there, so the model's CPU work runs beside the HTTP work on another core.
 * Disposing the predictor stops the worker.
 */
export function createWorkerLoader(options: WorkerLoaderOptions = {}): LoadModel {
  return (dir) =>
    new Promise((resolve) => {
      const worker = new Worker(new URL("./predict-worker.ts", import.meta.url), { workerData: { dir } });
      const pending = new Map<number, { resolve: (p: Float64Array) => void; reject: (e: Error) => void }>();
      let nextId = 0;
      let dead: Error | undefined;
      let loaded = false;
      let settled = false;
      const stop = (e: Error): void => {
        if (dead) return;
        dead = e;
        for (const p of pending.values()) p.reject(e);
        pending.clear();
        if (!settled) {
          settled = true;
          resolve(err(failure("LoadFailed", `The model worker for ${dir} stopped: ${e.message}`)));
        } else if (loaded) {
          options.onCrash?.(dir, e);
        }
      };
      worker.on("error", stop);
      worker.on("exit", (code) => stop(new Error(`model worker exited with code ${code}`)));
      worker.on("message", (m: WorkerReply) => {
        switch (m.type) {
          case "scored":
          case "error": {
            const p = pending.get(m.id);
            pending.delete(m.id);
            if (m.type === "scored") p?.resolve(m.probabilities);
            else p?.reject(new Error(m.message));
            return;
          }
          case "failed":
            settled = true;
            void worker.terminate();
            resolve(err(failure(m.reason, m.message)));
            return;
          case "loaded": {
            settled = true;
            loaded = true;
            const predictor: WorkerPredictor = {
              architecture: m.architecture,
              worker,
              predictProba(texts) {
                if (dead) return Promise.reject(dead);
                return new Promise((res, rej) => {
                  const id = nextId++;
                  pending.set(id, { resolve: res, reject: rej });
                  worker.postMessage({ id, texts });
                });
              },
              dispose() {
                loaded = false; // an exit from here on is expected, not a crash
                void worker.terminate();
              },
            };
            resolve(ok({ dir, metadata: m.metadata as ModelMetadata, sha256: m.sha256, predictor }));
            return;
          }
        }
      });
    });
}
