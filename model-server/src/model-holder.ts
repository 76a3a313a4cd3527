import type { LoadedModel } from "../../common/artifact/loader.ts";
import { err, failure, type Failure, type Result } from "../../common/result.ts";

export type { LoadedModel };

/** The shared artifact loader's signature (`loadModel` of common/artifact/loader.ts). */
export type LoadModel = (dir: string) => Promise<Result<LoadedModel, Failure>>;

/** A hold on the model that served a request. The model is not disposed before every lease is released. */
export interface ModelLease {
  readonly model: LoadedModel;
  release(): void;
}

export type HolderEvent =
  | {
      readonly type: "Loaded";
      readonly model: LoadedModel;
      readonly previous: LoadedModel | undefined;
      readonly seconds: number;
    }
  | {
      readonly type: "LoadFailed";
      readonly dir: string;
      readonly failure: Failure;
      readonly kept: LoadedModel | undefined;
      readonly seconds: number;
    }
  | { readonly type: "DisposeFailed"; readonly model: LoadedModel; readonly message: string };

/**
 * Holds the serving model and swaps it atomically on reload.
 *
 * - `load` reads the new model beside the old one; only a successful load replaces it. A failed
 *   load leaves the old model serving and is reported as a `LoadFailed` event.
 * - Loads run one at a time, in call order.
 * - Requests take a lease; a replaced model is disposed once its last lease is released, so no
 *   request sees its model disposed under it.
 */
export interface ModelHolder {
  /** The serving model, or undefined until the first load succeeds. */
  current(): LoadedModel | undefined;
  /** True while a load is running. */
  loading(): boolean;
  /** Leases the serving model, or undefined when there is none. */
  acquire(): ModelLease | undefined;
  load(dir: string): Promise<Result<LoadedModel, Failure>>;
  subscribe(listener: (event: HolderEvent) => void): () => void;
  /** Retires the serving model (disposed when its leases are released). */
  close(): void;
}

interface Entry {
  readonly model: LoadedModel;
  users: number;
  retired: boolean;
  disposed: boolean;
}

export function createModelHolder(
  loadModel: LoadModel,
  now: () => number = performance.now.bind(performance),
): ModelHolder {
  let active: Entry | undefined;
  let pending = 0;
  let chain: Promise<unknown> = Promise.resolve();
  const listeners = new Set<(event: HolderEvent) => void>();

  const emit = (event: HolderEvent): void => {
    for (const l of listeners) {
      try {
        l(event);
      } catch {
        // A listener (metrics, logging) must never break a load or a swap.
      }
    }
  };

  const retire = (e: Entry): void => {
    e.retired = true;
    if (e.users > 0 || e.disposed) return;
    e.disposed = true;
    try {
      e.model.predictor.dispose();
    } catch (error) {
      emit({ type: "DisposeFailed", model: e.model, message: (error as Error).message });
    }
  };

  const loadNow = async (dir: string): Promise<Result<LoadedModel, Failure>> => {
    const start = now();
    let result: Result<LoadedModel, Failure>;
    try {
      result = await loadModel(dir);
    } catch (error) {
      result = err(failure("LoadFailed", `Loading ${dir} threw: ${(error as Error).message}`));
    }
    const seconds = (now() - start) / 1000;
    if (!result.ok) {
      emit({ type: "LoadFailed", dir, failure: result.error, kept: active?.model, seconds });
      return result;
    }
    const previous = active;
    active = { model: result.value, users: 0, retired: false, disposed: false };
    if (previous) retire(previous);
    emit({ type: "Loaded", model: result.value, previous: previous?.model, seconds });
    return result;
  };

  return {
    current: () => active?.model,
    loading: () => pending > 0,
    acquire() {
      const e = active;
      if (!e) return undefined;
      e.users++;
      let released = false;
      return {
        model: e.model,
        release() {
          if (released) return;
          released = true;
          e.users--;
          if (e.retired) retire(e);
        },
      };
    },
    load(dir) {
      pending++;
      const run = chain.then(() => loadNow(dir)).finally(() => pending--);
      chain = run;
      return run;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      const e = active;
      active = undefined;
      if (e) retire(e);
    },
  };
}
