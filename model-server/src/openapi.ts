import { z } from "zod";
import type { Route } from "./router.ts";
import { apiSchemas } from "./schemas.ts";

type Json = Record<string, unknown>;

const ref = (id: string): Json => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string): Json => ({
  description,
  content: { "application/json": { schema: ref(id) } },
});
const error = (description: string): Json => json("Error", description);

/** Per-route documentation, keyed by `${method} ${template}`. */
const OPERATIONS: Record<string, Json> = {
  "POST /predict": {
    summary: "Score one review (text) or a batch (texts).",
    requestBody: {
      required: true,
      content: {
        "application/json": { schema: { oneOf: [ref("SinglePredictRequest"), ref("BatchPredictRequest")] } },
      },
    },
    responses: {
      "200": {
        description: "A Prediction for `text`, or {predictions} for `texts`.",
        content: {
          "application/json": { schema: { oneOf: [ref("Prediction"), ref("BatchPredictResponse")] } },
        },
      },
    },
  },
  "GET /health": { summary: "Liveness.", responses: { "200": json("Health", "The process answers.") } },
  "GET /ready": {
    summary: "Readiness: a model is loaded and the server is not draining.",
    responses: { "200": json("Ready", "Ready."), "503": error("Loading or draining.") },
  },
  "GET /metrics": {
    summary: "Prometheus metrics.",
    responses: {
      "200": {
        description: "Prometheus text format.",
        content: { "text/plain": { schema: { type: "string" } } },
      },
    },
  },
  "GET /openapi.json": {
    summary: "This document.",
    responses: {
      "200": { description: "OpenAPI 3.1.", content: { "application/json": { schema: { type: "object" } } } },
    },
  },
  "GET /v1/models": {
    summary: "KServe V1: served models.",
    responses: { "200": json("V1ModelList", "Model names.") },
  },
  "GET /v1/models/{name}": {
    summary: "KServe V1: model readiness.",
    responses: {
      "200": json("V1ModelStatus", "Ready."),
      "404": error("Not served here."),
      "503": error("Not ready."),
    },
  },
  "POST /v1/models/{name}:predict": {
    summary: "KServe V1 predict.",
    requestBody: { required: true, content: { "application/json": { schema: ref("V1PredictRequest") } } },
    responses: { "200": json("V1PredictResponse", "One Prediction per instance.") },
  },
  "GET /v2": {
    summary: "Open Inference Protocol: server metadata.",
    responses: { "200": json("V2ServerMetadata", "Server.") },
  },
  "GET /v2/health/live": {
    summary: "Open Inference Protocol: liveness.",
    responses: { "200": json("V2Live", "Live.") },
  },
  "GET /v2/health/ready": {
    summary: "Open Inference Protocol: readiness.",
    responses: { "200": json("V2Ready", "Ready."), "503": error("Not ready.") },
  },
  "GET /v2/models/{name}[/versions/{version}]": {
    summary: "Open Inference Protocol: model metadata.",
    responses: { "200": json("V2ModelMetadata", "Metadata."), "404": error("Not served here.") },
  },
  "GET /v2/models/{name}[/versions/{version}]/ready": {
    summary: "Open Inference Protocol: model readiness.",
    responses: {
      "200": json("V2ModelReady", "Ready."),
      "404": error("Not served here."),
      "503": error("Not ready."),
    },
  },
  "POST /v2/models/{name}[/versions/{version}]/infer": {
    summary: "Open Inference Protocol: infer with one BYTES tensor of texts.",
    requestBody: { required: true, content: { "application/json": { schema: ref("V2InferRequest") } } },
    responses: {
      "200": json("V2InferResponse", "Outputs sentiment (BYTES), probability and confidence (FP64)."),
    },
  },
};

const COMMON_ERRORS: Json = {
  "400": error("Malformed JSON or an invalid body (code MalformedJson or InvalidRequest)."),
  "401": error("A bearer token is configured and the request lacks it (code Unauthorized)."),
  "413": error("Body, batch or a text over its limit (BodyTooLarge, BatchTooLarge, TextTooLong)."),
  "415": error("Content type other than JSON (UnsupportedMediaType)."),
  "503": error("No model loaded yet (ModelNotReady)."),
};

/** `/v2/models/{name}[/versions/{version}]/x` is one route here but two OpenAPI paths. */
function openApiPaths(template: string): string[] {
  const optional = /\[([^\]]+)\]/.exec(template);
  if (!optional) return [template];
  return [template.replace(optional[0], ""), template.replace(optional[0], optional[1]!)];
}

/** The OpenAPI 3.1 document of the routes, with schemas generated from the zod schemas. */
export function buildOpenApi(routes: readonly Route[], version: string): Json {
  const generated = z.toJSONSchema(apiSchemas, {
    target: "draft-2020-12",
    io: "input",
    uri: (id) => `#/components/schemas/${id}`,
  }).schemas;
  const schemas: Record<string, Json> = {};
  for (const [id, s] of Object.entries(generated)) {
    const { $schema: _s, $id: _i, ...rest } = s as Json;
    schemas[id] = rest;
  }
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const doc = OPERATIONS[`${r.method} ${r.template}`] ?? { summary: r.template, responses: {} };
    for (const path of openApiPaths(r.template)) {
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: "path",
        required: true,
        schema: { type: "string" },
      }));
      const responses = { ...(doc["responses"] as Json) };
      if (r.method === "POST") {
        for (const [status, e] of Object.entries(COMMON_ERRORS))
          if (!(status in responses)) responses[status] = e;
      }
      (paths[path] ??= {})[r.method.toLowerCase()] = {
        ...doc,
        operationId: `${r.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
        ...(params.length > 0 ? { parameters: params } : {}),
        ...(r.predict ? { security: [{}, { bearer: [] }] } : {}),
        responses,
      };
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "sentiment-serve",
      version,
      description:
        "Sentiment model server: REST, KServe V1 and Open Inference Protocol (V2). Errors are {error: {code, message}}.",
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "Only when the server has a token." },
      },
    },
  };
}
