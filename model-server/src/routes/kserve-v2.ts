import { ErrorCode, httpError } from "../errors.ts";
import type { LoadedModel } from "../model-holder.ts";
import { batchTooLarge, checkLimits, type Limits } from "../prediction.ts";
import type { Route } from "../router.ts";
import {
  describeRequestIssue,
  ErrorResponse,
  V2InferRequest,
  V2InferResponse,
  V2Live,
  V2ModelMetadata,
  V2ModelReady,
  V2Ready,
  V2ServerMetadata,
  type V2OutputTensor,
} from "../schemas.ts";
import type { RouteDeps } from "./deps.ts";
import { predictHandler, type Protocol } from "./predict-endpoint.ts";
import { requireModel, requireReady } from "./readiness.ts";

export const SERVER_NAME = "sentiment-serve";
export const V2_INPUT = "text";
export const V2_OUTPUTS = ["sentiment", "probability", "confidence"] as const;
type V2OutputName = (typeof V2_OUTPUTS)[number];

const USAGE = 'send {"inputs": [{"name": "text", "shape": [n], "datatype": "BYTES", "data": ["...", ...]}]}';

/** Open Inference Protocol `infer`: one BYTES tensor of texts in, the asked-for outputs back. */
export const v2Protocol: Protocol<InferCall> = {
  usage: USAGE,
  parse: parseInfer,
  respond({ model, probabilities }, call) {
    return {
      model_name: model.metadata.name,
      model_version: model.metadata.version,
      ...(call.id === undefined ? {} : { id: call.id }),
      outputs: call.outputs.map((o) => outputTensor(o, probabilities)),
    };
  },
};

const notServed = { description: "Not served here.", schema: ErrorResponse };
const notReady = { description: "Not ready.", schema: ErrorResponse };

/** Open Inference Protocol (KServe V2) over REST, with one BYTES input tensor of texts. */
export function kserveV2Routes(d: RouteDeps, serverVersion: string): Route[] {
  return [
    {
      method: "GET",
      template: "/v2",
      summary: "Open Inference Protocol: server metadata.",
      responses: { 200: { description: "Server.", schema: V2ServerMetadata } },
      handle(ctx) {
        ctx.body = { name: SERVER_NAME, version: serverVersion, extensions: [] };
      },
    },
    {
      method: "GET",
      template: "/v2/health/live",
      summary: "Open Inference Protocol: liveness.",
      responses: { 200: { description: "Live.", schema: V2Live } },
      handle(ctx) {
        ctx.body = { live: true };
      },
    },
    {
      method: "GET",
      template: "/v2/health/ready",
      summary: "Open Inference Protocol: readiness.",
      responses: { 200: { description: "Ready.", schema: V2Ready }, 503: notReady },
      handle(ctx) {
        requireReady(d);
        ctx.body = { ready: true };
      },
    },
    {
      method: "GET",
      template: "/v2/models/{name}[/versions/{version}]",
      summary: "Open Inference Protocol: model metadata.",
      responses: { 200: { description: "Metadata.", schema: V2ModelMetadata }, 404: notServed },
      handle(ctx, { name, version }) {
        ctx.body = v2Metadata(requireModel(d, name!, version));
      },
    },
    {
      method: "GET",
      template: "/v2/models/{name}[/versions/{version}]/ready",
      summary: "Open Inference Protocol: model readiness.",
      responses: { 200: { description: "Ready.", schema: V2ModelReady }, 404: notServed, 503: notReady },
      handle(ctx, { name, version }) {
        const model = requireModel(d, name!, version);
        requireReady(d);
        ctx.body = { name: model.metadata.name, ready: true };
      },
    },
    {
      method: "POST",
      template: "/v2/models/{name}[/versions/{version}]/infer",
      predict: true,
      summary: "Open Inference Protocol: infer with one BYTES tensor of texts.",
      request: V2InferRequest,
      responses: {
        200: {
          description: "Outputs sentiment (BYTES), probability and confidence (FP64).",
          schema: V2InferResponse,
        },
      },
      handle: predictHandler(d, v2Protocol),
    },
  ];
}

export function v2Metadata(model: LoadedModel) {
  return {
    name: model.metadata.name,
    versions: [model.metadata.version],
    platform: `sentiment-operator/${model.metadata.architecture}`,
    inputs: [{ name: V2_INPUT, datatype: "BYTES", shape: [-1] }],
    outputs: [
      { name: "sentiment", datatype: "BYTES", shape: [-1] },
      { name: "probability", datatype: "FP64", shape: [-1] },
      { name: "confidence", datatype: "FP64", shape: [-1] },
    ],
  };
}

interface InferCall {
  readonly id: string | undefined;
  readonly texts: string[];
  readonly outputs: readonly V2OutputName[];
}

/** Validates a V2 infer body: one BYTES tensor of non-empty strings whose shape matches its data. */
export function parseInfer(body: Record<string, unknown>, limits: Limits): InferCall {
  const parsed = V2InferRequest.safeParse(body);
  if (!parsed.success)
    throw httpError(
      400,
      ErrorCode.InvalidRequest,
      `Invalid ${describeRequestIssue(parsed.error)}; ${USAGE}.`,
    );
  const input = parsed.data.inputs[0]!;
  if (input.datatype !== "BYTES") {
    throw httpError(
      400,
      ErrorCode.InvalidRequest,
      `inputs[0].datatype is ${JSON.stringify(input.datatype)}; texts need BYTES. ${USAGE}.`,
    );
  }
  const data: unknown[] = input.data.flat(Infinity);
  if (data.length > limits.maxBatchSize) throw batchTooLarge(data.length, limits, "inputs[0].data");
  const elements = input.shape.reduce((a, b) => a * b, 1);
  if (elements !== data.length) {
    throw httpError(
      400,
      ErrorCode.InvalidRequest,
      `inputs[0].shape ${JSON.stringify(input.shape)} holds ${elements} elements but data has ${data.length}; make them agree.`,
    );
  }
  if (data.length === 0) throw httpError(400, ErrorCode.InvalidRequest, `inputs[0].data is empty; ${USAGE}.`);
  const texts: string[] = [];
  for (let i = 0; i < data.length; i++) {
    const t = data[i];
    if (typeof t !== "string" || t === "") {
      throw httpError(
        400,
        ErrorCode.InvalidRequest,
        `inputs[0].data[${i}] must be a non-empty string; ${USAGE}.`,
      );
    }
    texts.push(t);
  }
  checkLimits(texts, limits, "inputs[0].data");
  let outputs: V2OutputName[] = [...V2_OUTPUTS];
  if (parsed.data.outputs !== undefined) {
    outputs = [];
    for (const o of parsed.data.outputs) {
      if (!(V2_OUTPUTS as readonly string[]).includes(o.name)) {
        throw httpError(
          400,
          ErrorCode.InvalidRequest,
          `Unknown output ${JSON.stringify(o.name)}; ask for ${V2_OUTPUTS.join(", ")} (or omit outputs for all).`,
        );
      }
      outputs.push(o.name as V2OutputName);
    }
  }
  return { id: parsed.data.id, texts, outputs };
}

function outputTensor(name: V2OutputName, probabilities: Float64Array): V2OutputTensor {
  const shape = [probabilities.length];
  switch (name) {
    case "sentiment":
      return {
        name,
        shape,
        datatype: "BYTES",
        data: Array.from(probabilities, (p) => (p >= 0.5 ? "positive" : "negative")),
      };
    case "probability":
      return { name, shape, datatype: "FP64", data: Array.from(probabilities) };
    case "confidence":
      return {
        name,
        shape,
        datatype: "FP64",
        data: Array.from(probabilities, (p) => (p >= 0.5 ? p : 1 - p)),
      };
  }
}
