import { z } from "zod";
import type { Route, RouteResponse } from "./router.ts";
import { apiSchemas, ErrorResponse } from "./schemas.ts";

type Json = Record<string, unknown>;

/** A registered schema by reference, any other inline. */
function schemaOf(schema: z.ZodType): Json {
  const id = apiSchemas.get(schema)?.id;
  if (id !== undefined) return { $ref: `#/components/schemas/${id}` };
  const { $schema: _s, ...inline } = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" });
  return inline;
}

const response = ({ description, schema }: RouteResponse): Json => ({
  description,
  content: schema
    ? { "application/json": { schema: schemaOf(schema) } }
    : { "text/plain": { schema: { type: "string" } } },
});

/** What every predict endpoint may answer besides its own responses. */
const PREDICT_ERRORS: Record<number, string> = {
  400: "Malformed JSON or an invalid body (code MalformedJson or InvalidRequest).",
  401: "A bearer token is configured and the request lacks it (code Unauthorized).",
  413: "Body, batch or a text over its limit (BodyTooLarge, BatchTooLarge, TextTooLong).",
  415: "Content type other than JSON (UnsupportedMediaType).",
  503: "No model loaded yet (ModelNotReady).",
};

/** `/v2/models/{name}[/versions/{version}]/x` is one route here but two OpenAPI paths. */
function openApiPaths(template: string): string[] {
  const optional = /\[([^\]]+)\]/.exec(template);
  if (!optional) return [template];
  return [template.replace(optional[0], ""), template.replace(optional[0], optional[1]!)];
}

/** The OpenAPI 3.1 document of the routes: every path, body and response from the routes' zod schemas. */
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
    const responses: Record<string, Json> = {};
    for (const [status, res] of Object.entries(r.responses)) responses[status] = response(res);
    if (r.predict) {
      for (const [status, description] of Object.entries(PREDICT_ERRORS))
        responses[status] ??= response({ description, schema: ErrorResponse });
    }
    for (const path of openApiPaths(r.template)) {
      const parameters = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: "path",
        required: true,
        schema: { type: "string" },
      }));
      (paths[path] ??= {})[r.method.toLowerCase()] = {
        summary: r.summary,
        operationId: `${r.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(r.request
          ? {
              requestBody: {
                required: true,
                content: { "application/json": { schema: schemaOf(r.request) } },
              },
            }
          : {}),
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
