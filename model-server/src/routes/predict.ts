import { readJsonBody } from "../body.ts";
import { ErrorCode, httpError } from "../errors.ts";
import { batchTooLarge, checkLimits, modelRef, toPrediction } from "../prediction.ts";
import type { Route } from "../router.ts";
import { BatchPredictRequest, describeIssues, SinglePredictRequest } from "../schemas.ts";
import { isObject, sendJson, type RouteDeps } from "./deps.ts";

const USAGE = 'send {"text": "..."} or {"texts": ["...", ...]}';

/** POST /predict: one text (`text`) or a batch (`texts`). */
export function predictRoutes(d: RouteDeps): Route[] {
  return [
    {
      method: "POST",
      template: "/predict",
      path: "/predict",
      predict: true,
      async handle(ctx) {
        const body = await readJsonBody(ctx, d.maxBodyBytes);
        if (!isObject(body))
          throw httpError(400, ErrorCode.InvalidRequest, `The body must be a JSON object; ${USAGE}.`);
        if ("texts" in body) {
          if ("text" in body)
            throw httpError(400, ErrorCode.InvalidRequest, `The body has both text and texts; ${USAGE}.`);
          if (Array.isArray(body["texts"]) && body["texts"].length > d.limits.maxBatchSize) {
            throw batchTooLarge(body["texts"].length, d.limits, "texts");
          }
          const parsed = BatchPredictRequest.safeParse(body);
          if (!parsed.success) {
            throw httpError(
              400,
              ErrorCode.InvalidRequest,
              `Invalid ${describeIssues(parsed.error)}; ${USAGE}.`,
            );
          }
          checkLimits(parsed.data.texts, d.limits, "texts");
          const { model, probabilities } = await d.predictions.predictMany(parsed.data.texts);
          const ref = modelRef(model);
          sendJson(ctx, { predictions: Array.from(probabilities, (p) => toPrediction(p, ref)) });
          return;
        }
        const parsed = SinglePredictRequest.safeParse(body);
        if (!parsed.success) {
          throw httpError(
            400,
            ErrorCode.InvalidRequest,
            `Invalid ${describeIssues(parsed.error)}; ${USAGE}.`,
          );
        }
        checkLimits([parsed.data.text], d.limits, "text");
        const { model, probability } = await d.predictions.predictOne(parsed.data.text);
        sendJson(ctx, toPrediction(probability, modelRef(model)));
      },
    },
  ];
}
