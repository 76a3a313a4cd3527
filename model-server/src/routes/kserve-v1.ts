import { readJsonBody } from "../body.ts";
import { ErrorCode, httpError } from "../errors.ts";
import { batchTooLarge, checkLimits, modelRef, toPrediction } from "../prediction.ts";
import type { Route } from "../router.ts";
import { describeIssues, V1PredictRequest } from "../schemas.ts";
import { isObject, requireModel, sendJson, type RouteDeps } from "./deps.ts";

const USAGE = 'send {"instances": ["...", ...]} or {"instances": [{"text": "..."}, ...]}';

/** KServe V1 data plane: model status and `:predict`. */
export function kserveV1Routes(d: RouteDeps): Route[] {
  return [
    {
      method: "GET",
      template: "/v1/models",
      path: "/v1/models",
      handle(ctx) {
        const model = d.holder.current();
        ctx.body = { models: model ? [model.metadata.name] : [] };
      },
    },
    {
      method: "GET",
      template: "/v1/models/{name}",
      path: /^\/v1\/models\/([^/:]+)$/,
      handle(ctx, [name]) {
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
      path: /^\/v1\/models\/([^/:]+):predict$/,
      predict: true,
      async handle(ctx, [name]) {
        requireModel(d, name!);
        const body = await readJsonBody(ctx, d.maxBodyBytes);
        if (!isObject(body))
          throw httpError(400, ErrorCode.InvalidRequest, `The body must be a JSON object; ${USAGE}.`);
        const instances = body["instances"];
        if (Array.isArray(instances) && instances.length > d.limits.maxBatchSize) {
          throw batchTooLarge(instances.length, d.limits, "instances");
        }
        const parsed = V1PredictRequest.safeParse(body);
        if (!parsed.success) {
          throw httpError(
            400,
            ErrorCode.InvalidRequest,
            `Invalid ${describeIssues(parsed.error)}; ${USAGE}.`,
          );
        }
        const texts = parsed.data.instances.map((i) => (typeof i === "string" ? i : i.text));
        checkLimits(texts, d.limits, "instances");
        const { model, probabilities } = await d.predictions.predictMany(texts);
        const ref = modelRef(model);
        sendJson(ctx, { predictions: Array.from(probabilities, (p) => toPrediction(p, ref)) });
      },
    },
  ];
}
