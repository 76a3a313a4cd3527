import { readJsonBody } from "../body.ts";
import { ErrorCode, httpError } from "../errors.ts";
import type { LoadedModel } from "../model-holder.ts";
import { batchTooLarge, checkLimits, type Limits } from "../prediction.ts";
import type { Route } from "../router.ts";
import { describeIssues, V2InferRequest, type V2OutputTensor } from "../schemas.ts";
import { isObject, readiness, requireModel, sendJson, type RouteDeps } from "./deps.ts";

export const SERVER_NAME = "sentiment-serve";
export const V2_INPUT = "text";
export const V2_OUTPUTS = ["sentiment", "probability", "confidence"] as const;
type V2OutputName = (typeof V2_OUTPUTS)[number];

const USAGE = 'send {"inputs": [{"name": "text", "shape": [n], "datatype": "BYTES", "data": ["...", ...]}]}';

/** `/v2/models/{name}` and `/v2/models/{name}/versions/{version}`, followed by `suffix`. */
const modelPath = (suffix: string): RegExp =>
  new RegExp(`^/v2/models/([^/]+)(?:/versions/([^/]+))?${suffix.replaceAll("/", "\\/")}$`);

/** Open Inference Protocol (KServe V2) over REST, with one BYTES input tensor of texts. */
export function kserveV2Routes(d: RouteDeps, serverVersion: string): Route[] {
  return [
    {
      method: "GET",
      template: "/v2",
      path: "/v2",
      handle(ctx) {
        ctx.body = { name: SERVER_NAME, version: serverVersion, extensions: [] };
      },
    },
    {
      method: "GET",
      template: "/v2/health/live",
      path: "/v2/health/live",
      handle(ctx) {
        ctx.body = { live: true };
      },
    },
    {
      method: "GET",
      template: "/v2/health/ready",
      path: "/v2/health/ready",
      handle(ctx) {
        const r = readiness(d);
        if (!r.ready) throw httpError(503, r.code, r.message);
        ctx.body = { ready: true };
      },
    },
    {
      method: "GET",
      template: "/v2/models/{name}[/versions/{version}]",
      path: modelPath(""),
      handle(ctx, [name, version]) {
        ctx.body = v2Metadata(requireModel(d, name!, version));
      },
    },
    {
      method: "GET",
      template: "/v2/models/{name}[/versions/{version}]/ready",
      path: modelPath("/ready"),
      handle(ctx, [name, version]) {
        const model = requireModel(d, name!, version);
        const r = readiness(d);
        if (!r.ready) throw httpError(503, r.code, r.message);
        ctx.body = { name: model.metadata.name, ready: true };
      },
    },
    {
      method: "POST",
      template: "/v2/models/{name}[/versions/{version}]/infer",
      path: modelPath("/infer"),
      predict: true,
      async handle(ctx, [name, version]) {
        requireModel(d, name!, version);
        const body = await readJsonBody(ctx, d.maxBodyBytes);
        if (!isObject(body))
          throw httpError(400, ErrorCode.InvalidRequest, `The body must be a JSON object; ${USAGE}.`);
        const request = parseInfer(body, d.limits);
        const { model, probabilities } = await d.predictions.predictMany(request.texts);
        sendJson(ctx, {
          model_name: model.metadata.name,
          model_version: model.metadata.version,
          ...(request.id === undefined ? {} : { id: request.id }),
          outputs: request.outputs.map((o) => outputTensor(o, probabilities)),
        });
      },
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
    throw httpError(400, ErrorCode.InvalidRequest, `Invalid ${describeIssues(parsed.error)}; ${USAGE}.`);
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
