import { ErrorCode, httpError } from "./errors.ts";
import type { ServerMetrics } from "./metrics.ts";
import { createMicroBatcher, type MicroBatcher } from "./micro-batcher.ts";
import type { LoadedModel, ModelHolder } from "./model-holder.ts";
import { modelNotReady } from "./routes/readiness.ts";
import type { Prediction } from "./schemas.ts";

export interface Limits {
  readonly maxBatchSize: number;
  readonly maxTextLength: number;
}

export interface ModelRef {
  readonly name: string;
  readonly version: string;
}

export interface Scored {
  readonly model: LoadedModel;
  /** P(positive) of each text, in order. */
  readonly probabilities: Float64Array;
}

/** Scores texts with the serving model: the one prediction path of every protocol. */
export interface PredictionService {
  /** A single text is micro-batched with other single texts when enabled; a batch is scored at once. */
  predict(texts: readonly string[]): Promise<Scored>;
}

export interface PredictionServiceOptions {
  readonly holder: ModelHolder;
  readonly metrics: ServerMetrics;
  readonly limits: Limits;
  /** undefined: off; 0: same event-loop turn; n: wait up to n ms. */
  readonly microBatchMs: number | undefined;
  /** Most single texts per micro-batch. @default limits.maxBatchSize */
  readonly microBatchSize?: number;
}

const refs = new WeakMap<LoadedModel, ModelRef>();
/** `{name, version}` of a model, one shared object per model. */
export function modelRef(model: LoadedModel): ModelRef {
  let ref = refs.get(model);
  if (!ref) {
    ref = { name: model.metadata.name, version: model.metadata.version };
    refs.set(model, ref);
  }
  return ref;
}

/** probability = P(positive); positive when >= 0.5; confidence = max(p, 1 - p). */
export function toPrediction(probability: number, model: ModelRef): Prediction {
  const positive = probability >= 0.5;
  return {
    sentiment: positive ? "positive" : "negative",
    confidence: positive ? probability : 1 - probability,
    probability,
    model,
  };
}

/** 413 when there are more texts than the batch maximum or one text is longer than the text maximum. */
export function checkLimits(texts: readonly string[], limits: Limits, what = "texts"): void {
  if (texts.length > limits.maxBatchSize) throw batchTooLarge(texts.length, limits, what);
  for (let i = 0; i < texts.length; i++) {
    const len = texts[i]!.length;
    if (len > limits.maxTextLength) {
      throw httpError(
        413,
        ErrorCode.TextTooLong,
        `${what === "text" ? "text" : `${what}[${i}]`} has ${len} characters, over the maximum of ${limits.maxTextLength}; shorten it.`,
      );
    }
  }
}

export const batchTooLarge = (count: number, limits: Limits, what: string) =>
  httpError(
    413,
    ErrorCode.BatchTooLarge,
    `${what} holds ${count} items, over the maximum of ${limits.maxBatchSize}; split it into smaller requests.`,
  );

export function createPredictionService(opts: PredictionServiceOptions): PredictionService {
  const { holder, metrics } = opts;

  const run = async (texts: readonly string[]): Promise<Scored> => {
    const lease = holder.acquire();
    if (!lease) throw modelNotReady();
    try {
      const start = performance.now();
      let probabilities: Float64Array;
      try {
        probabilities = await lease.model.predictor.predictProba(texts);
      } catch (error) {
        throw httpError(
          500,
          ErrorCode.PredictionFailed,
          "The model failed to score the texts; see the server log.",
          {},
          error,
        );
      }
      const seconds = (performance.now() - start) / 1000;
      if (probabilities.length !== texts.length || !probabilities.every((p) => p >= 0 && p <= 1)) {
        throw httpError(
          500,
          ErrorCode.PredictionFailed,
          "The model returned invalid probabilities; see the server log.",
        );
      }
      metrics.recordPredictions(lease.model.metadata, probabilities, seconds);
      return { model: lease.model, probabilities };
    } finally {
      lease.release();
    }
  };

  const batcher: MicroBatcher<string, { model: LoadedModel; probability: number }> | undefined =
    opts.microBatchMs === undefined
      ? undefined
      : createMicroBatcher({
          waitMs: opts.microBatchMs,
          maxBatch: opts.microBatchSize ?? opts.limits.maxBatchSize,
          // One batch at the scorer at a time (there is one scorer): what arrives meanwhile becomes
          // the next batch, instead of many small batches queueing in front of the worker.
          maxInFlight: 1,
          run: async (batch) => {
            const { model, probabilities } = await run(batch);
            return Array.from(probabilities, (probability) => ({ model, probability }));
          },
        });

  return {
    async predict(texts) {
      if (!batcher || texts.length !== 1) return run(texts);
      const { model, probability } = await batcher.submit(texts[0]!);
      return { model, probabilities: Float64Array.of(probability) };
    },
  };
}
