import { ErrorCode, httpError } from "../errors.ts";
import { batchTooLarge, checkLimits, modelRef, toPrediction } from "../prediction.ts";
import type { Route } from "../router.ts";
import {
  BatchPredictRequest,
  describeRequestIssue,
  PredictRequest,
  PredictResponse,
  SinglePredictRequest,
} from "../schemas.ts";
import type { RouteDeps } from "./deps.ts";
import { predictHandler, type Protocol } from "./predict-endpoint.ts";

const USAGE = 'send {"text": "..."} or {"texts": ["...", ...]}';

interface Call {
  readonly texts: readonly string[];
  /** `text` was sent: the answer is one Prediction, not {predictions}. */
  readonly single: boolean;
}

/** POST /predict: one text (`text`) or a batch (`texts`). */
export const restProtocol: Protocol<Call> = {
  usage: USAGE,
  parse(body, limits) {
    if (!("texts" in body)) {
      const parsed = SinglePredictRequest.safeParse(body);
      if (!parsed.success) throw invalid(describeRequestIssue(parsed.error));
      checkLimits([parsed.data.text], limits, "text");
      return { texts: [parsed.data.text], single: true };
    }
    if ("text" in body)
      throw httpError(400, ErrorCode.InvalidRequest, `The body has both text and texts; ${USAGE}.`);
    const texts = body["texts"];
    if (Array.isArray(texts) && texts.length > limits.maxBatchSize)
      throw batchTooLarge(texts.length, limits, "texts");
    const parsed = BatchPredictRequest.safeParse(body);
    if (!parsed.success) throw invalid(describeRequestIssue(parsed.error));
    checkLimits(parsed.data.texts, limits, "texts");
    return { texts: parsed.data.texts, single: false };
  },
  respond({ model, probabilities }, call) {
    const ref = modelRef(model);
    if (call.single) return toPrediction(probabilities[0]!, ref);
    return { predictions: Array.from(probabilities, (p) => toPrediction(p, ref)) };
  },
};

const invalid = (issue: string) => httpError(400, ErrorCode.InvalidRequest, `Invalid ${issue}; ${USAGE}.`);

export function predictRoutes(d: RouteDeps): Route[] {
  return [
    {
      method: "POST",
      template: "/predict",
      predict: true,
      summary: "Score one review (text) or a batch (texts).",
      request: PredictRequest,
      responses: {
        200: {
          description: "A Prediction for `text`, or {predictions} for `texts`.",
          schema: PredictResponse,
        },
      },
      handle: predictHandler(d, restProtocol),
    },
  ];
}
