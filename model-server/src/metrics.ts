import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from "prom-client";
import type { ModelMetadata } from "../../common/artifact/metadata.ts";
import { ErrorCode } from "./errors.ts";

/** 0.1 ms to 1 s. */
export const PREDICTION_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
] as const;
const HTTP_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

export const ReloadResult = { Success: "success", Failure: "failure" } as const;
export type ReloadResult = (typeof ReloadResult)[keyof typeof ReloadResult];

/** The model server's metrics, all in the registry it is given (never the global one). */
export interface ServerMetrics {
  readonly registry: Registry;
  /** One call per predictor call: counts every text and observes the call's duration. */
  recordPredictions(metadata: ModelMetadata, probabilities: Float64Array, seconds: number): void;
  /** A failed or refused request on a predict endpoint, by error code. */
  recordPredictionError(reason: string): void;
  /** Sets `model_info` to 1 for this model only. */
  setModelInfo(metadata: ModelMetadata): void;
  recordReload(result: ReloadResult): void;
  recordHttp(method: string, route: string, status: number, seconds: number): void;
}

/** Test accuracy if the trainer recorded it, else validation accuracy, else "unknown". */
export function accuracyLabel(metadata: ModelMetadata): string {
  const acc = metadata.metrics.test?.accuracy ?? metadata.metrics.validation?.accuracy;
  return acc === undefined ? "unknown" : acc.toFixed(4);
}

export function createMetrics(registry: Registry): ServerMetrics {
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const predictions = new Counter({
    name: "model_predictions_total",
    help: "Texts scored, by model and version.",
    labelNames: ["model", "version"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "model_prediction_duration_seconds",
    help: "Duration of one predictor call (one request, or one micro-batch), by model and version.",
    labelNames: ["model", "version"] as const,
    buckets: [...PREDICTION_BUCKETS],
    registers,
  });
  const positive = new Counter({
    name: "model_positive_predictions_total",
    help: "Texts scored positive (P(positive) >= 0.5), by model and version.",
    labelNames: ["model", "version"] as const,
    registers,
  });
  const negative = new Counter({
    name: "model_negative_predictions_total",
    help: "Texts scored negative (P(positive) < 0.5), by model and version.",
    labelNames: ["model", "version"] as const,
    registers,
  });
  const errors = new Counter({
    name: "model_prediction_errors_total",
    help: "Failed or refused requests on the predict endpoints, by error code.",
    labelNames: ["reason"] as const,
    registers,
  });
  const info = new Gauge({
    name: "model_info",
    help: "1 for the model being served, labelled with its identity and test accuracy.",
    labelNames: ["model", "version", "architecture", "accuracy"] as const,
    registers,
  });
  const reloads = new Counter({
    name: "model_reloads_total",
    help: "Model loads (startup and hot reloads), by result; a failure keeps the old model serving.",
    labelNames: ["result"] as const,
    registers,
  });
  // Its _count is the request count by method, route and status: no separate counter repeats it.
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration, by method, route template and status.",
    labelNames: ["method", "route", "status"] as const,
    buckets: [...HTTP_BUCKETS],
    registers,
  });
  // Every series starts at 0: a counter series first seen at 6 has no increase for rate() or
  // increase(), so the first burst of errors (or failed reloads) would be invisible to alerts.
  for (const r of Object.values(ReloadResult)) reloads.inc({ result: r }, 0);
  for (const reason of Object.values(ErrorCode)) errors.inc({ reason }, 0);

  // Labelled children are cached: building the label key costs more than the increment itself.
  type Children = {
    predictions: Counter.Internal;
    duration: Histogram.Internal<"model" | "version">;
    positive: Counter.Internal;
    negative: Counter.Internal;
  };
  let cachedFor: ModelMetadata | undefined;
  let children: Children | undefined;
  const childrenFor = (m: ModelMetadata): Children => {
    if (cachedFor !== m || !children) {
      const labels = { model: m.name, version: m.version };
      children = {
        predictions: predictions.labels(labels),
        duration: duration.labels(labels),
        positive: positive.labels(labels),
        negative: negative.labels(labels),
      };
      cachedFor = m;
    }
    return children;
  };

  return {
    registry,
    recordPredictions(metadata, probabilities, seconds) {
      const c = childrenFor(metadata);
      let pos = 0;
      for (const p of probabilities) if (p >= 0.5) pos++;
      c.predictions.inc(probabilities.length);
      if (pos > 0) c.positive.inc(pos);
      if (probabilities.length - pos > 0) c.negative.inc(probabilities.length - pos);
      c.duration.observe(seconds);
    },
    recordPredictionError(reason) {
      errors.inc({ reason });
    },
    setModelInfo(metadata) {
      info.reset();
      info.set(
        {
          model: metadata.name,
          version: metadata.version,
          architecture: metadata.architecture,
          accuracy: accuracyLabel(metadata),
        },
        1,
      );
      // Counters start at 0 for a new version, so rate() and dashboards see the series at once.
      const c = childrenFor(metadata);
      c.predictions.inc(0);
      c.positive.inc(0);
      c.negative.inc(0);
      duration.zero({ model: metadata.name, version: metadata.version });
    },
    recordReload(result) {
      reloads.inc({ result });
    },
    recordHttp(method, route, status, seconds) {
      httpDuration.observe({ method, route, status }, seconds);
    },
  };
}
