import { ErrorCode, httpError } from "../errors.ts";
import { batchTooLarge, checkLimits, modelRef, toPrediction } from "../prediction.ts";
import type { Route } from "../router.ts";
import {
  describeRequestIssue,
  ErrorResponse,
  V1ModelList,
  V1ModelStatus,
  V1PredictRequest,
  V1PredictResponse,
} from "../schemas.ts";
import type { RouteDeps } from "./deps.ts";
import { predictHandler, type Protocol } from "./predict-endpoint.ts";
import { requireModel } from "./readiness.ts";

const USAGE = 'send {"instances": ["...", ...]} or {"instances": [{"text": "..."}, ...]}';

/** KServe V1 `:predict`: instances are texts or {text} objects; predictions are /predict's objects. */
export const v1Protocol: Protocol<{ readonly texts: readonly string[] }> = {
  usage: USAGE,
  parse(body, limits) {
    const instances = body["instances"];
    if (Array.isArray(instances) && instances.length > limits.maxBatchSize) {
      throw batchTooLarge(instances.length, limits, "instances");
    }
    const parsed = V1PredictRequest.safeParse(body);
    if (!parsed.success) {
      throw httpError(
        400,
        ErrorCode.InvalidRequest,
        `Invalid ${describeRequestIssue(parsed.error)}; ${USAGE}.`,
      );
    }
    const texts = parsed.data.instances.map((i) => (typeof i === "string" ? i : i.text));
    checkLimits(texts, limits, "instances");
    return { texts };
  },
  respond({ model, probabilities }) {
    const ref = modelRef(model);
    return { predictions: Array.from(probabilities, (p) => toPrediction(p, ref)) };
  },
};

/** KServe V1 data plane: model status and `:predict`. */
export function kserveV1Routes(d: RouteDeps): Route[] {
  return [
    {
      method: "GET",
      template: "/v1/models",
      summary: "KServe V1: served models.",
      responses: { 200: { description: "Model names.", schema: V1ModelList } },
      handle(ctx) {
        const model = d.holder.current();
        ctx.body = { models: model ? [model.metadata.name] : [] };
      },
    },
    {
      method: "GET",
      template: "/v1/models/{name}",
      summary: "KServe V1: model readiness.",
      responses: {
        200: { description: "Ready.", schema: V1ModelStatus },
        404: { description: "Not served here.", schema: ErrorResponse },
        503: { description: "Not ready.", schema: ErrorResponse },
      },
      handle(ctx, { name }) {
        const model = requireModel(d, name!);
        if (d.lifecycle.draining()) {
          throw httpError(
            503,
            ErrorCode.NotReady,
            "The server is shutting down; send requests to another replica.",
          );
        }
        ctx.body = { name: model.metadata.name, ready: true };
      },
    },
    {
      method: "POST",
      template: "/v1/models/{name}:predict",
      predict: true,
      summary: "KServe V1 predict.",
      request: V1PredictRequest,
      responses: { 200: { description: "One Prediction per instance.", schema: V1PredictResponse } },
      handle: predictHandler(d, v1Protocol),
    },
  ];
}
