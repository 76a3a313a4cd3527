import { z } from "zod";
import { describeIssues } from "../../common/zod-issues.ts";

/**
 * Request and response shapes of the API. Requests are validated with these; responses are built
 * to match them; /openapi.json is generated from them. Size limits (batch, text length, body) are
 * checked separately because they answer 413, not 400.
 */

/** Schemas with an id become `components.schemas` of /openapi.json. */
export const apiSchemas = z.registry<{ id: string }>();

const NonEmptyText = z.string({ error: "must be a non-empty string" }).min(1, "must be a non-empty string");

export const SinglePredictRequest = z
  .object({ text: NonEmptyText.meta({ description: "The review to score." }) })
  .register(apiSchemas, { id: "SinglePredictRequest" });

export const BatchPredictRequest = z
  .object({
    texts: z.array(NonEmptyText).min(1, "must hold at least one text").meta({
      description: "Reviews to score, at most the server's maximum batch size (default 256).",
    }),
  })
  .register(apiSchemas, { id: "BatchPredictRequest" });

export const PredictRequest = z
  .union([SinglePredictRequest, BatchPredictRequest])
  .register(apiSchemas, { id: "PredictRequest" });
export type PredictRequest = z.infer<typeof PredictRequest>;

export const ModelRef = z
  .object({ name: z.string(), version: z.string() })
  .register(apiSchemas, { id: "ModelRef" });

export const Prediction = z
  .object({
    sentiment: z.enum(["positive", "negative"]).meta({ description: "positive when probability >= 0.5" }),
    confidence: z.number().min(0.5).max(1).meta({ description: "max(probability, 1 - probability)" }),
    probability: z.number().min(0).max(1).meta({ description: "P(positive)" }),
    model: ModelRef,
  })
  .register(apiSchemas, { id: "Prediction" });
export type Prediction = z.infer<typeof Prediction>;

export const BatchPredictResponse = z
  .object({ predictions: z.array(Prediction) })
  .register(apiSchemas, { id: "BatchPredictResponse" });

export const PredictResponse = z
  .union([Prediction, BatchPredictResponse])
  .register(apiSchemas, { id: "PredictResponse" });

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Stable, machine-readable code, e.g. TextTooLong." }),
      message: z.string().meta({ description: "What went wrong and what to send instead." }),
    }),
  })
  .register(apiSchemas, { id: "Error" });

// KServe V1 ---------------------------------------------------------------------------------------

export const V1Instance = z.union([NonEmptyText, z.object({ text: NonEmptyText })]);

export const V1PredictRequest = z
  .object({
    instances: z
      .array(V1Instance)
      .min(1, "must hold at least one instance")
      .meta({ description: 'Texts, or objects {"text": "..."}.' }),
  })
  .register(apiSchemas, { id: "V1PredictRequest" });

export const V1PredictResponse = z
  .object({ predictions: z.array(Prediction) })
  .register(apiSchemas, { id: "V1PredictResponse" });

export const V1ModelStatus = z
  .object({ name: z.string(), ready: z.boolean() })
  .register(apiSchemas, { id: "V1ModelStatus" });

export const V1ModelList = z
  .object({ models: z.array(z.string()) })
  .register(apiSchemas, { id: "V1ModelList" });

// Open Inference Protocol (KServe V2) -------------------------------------------------------------

const Parameters = z.record(z.string(), z.unknown());

export const V2RequestInput = z.object({
  name: z.string().min(1),
  shape: z.array(z.int().min(0)),
  datatype: z.string().min(1),
  parameters: Parameters.optional(),
  data: z.array(z.unknown()).meta({ description: "Row-major, flat or nested; BYTES elements are strings." }),
});

export const V2InferRequest = z
  .object({
    id: z.string().optional(),
    parameters: Parameters.optional(),
    inputs: z.array(V2RequestInput).length(1, "must hold exactly one BYTES tensor of texts"),
    outputs: z
      .array(z.object({ name: z.string().min(1), parameters: Parameters.optional() }))
      .optional()
      .meta({ description: "Outputs to return (default all): sentiment, probability, confidence." }),
  })
  .register(apiSchemas, { id: "V2InferRequest" });
export type V2InferRequest = z.infer<typeof V2InferRequest>;

export const V2OutputTensor = z.object({
  name: z.string(),
  shape: z.array(z.int()),
  datatype: z.string(),
  data: z.array(z.union([z.string(), z.number()])),
});
export type V2OutputTensor = z.infer<typeof V2OutputTensor>;

export const V2InferResponse = z
  .object({
    model_name: z.string(),
    model_version: z.string(),
    id: z.string().optional(),
    outputs: z.array(V2OutputTensor),
  })
  .register(apiSchemas, { id: "V2InferResponse" });

const V2TensorMetadata = z.object({ name: z.string(), datatype: z.string(), shape: z.array(z.int()) });

export const V2ModelMetadata = z
  .object({
    name: z.string(),
    versions: z.array(z.string()),
    platform: z.string(),
    inputs: z.array(V2TensorMetadata),
    outputs: z.array(V2TensorMetadata),
  })
  .register(apiSchemas, { id: "V2ModelMetadata" });

export const V2ServerMetadata = z
  .object({ name: z.string(), version: z.string(), extensions: z.array(z.string()) })
  .register(apiSchemas, { id: "V2ServerMetadata" });

export const V2Live = z.object({ live: z.boolean() }).register(apiSchemas, { id: "V2Live" });
export const V2Ready = z.object({ ready: z.boolean() }).register(apiSchemas, { id: "V2Ready" });
export const V2ModelReady = z
  .object({ name: z.string(), ready: z.boolean() })
  .register(apiSchemas, { id: "V2ModelReady" });

// Probes ------------------------------------------------------------------------------------------

export const HealthResponse = z.object({ status: z.literal("ok") }).register(apiSchemas, { id: "Health" });
export const ReadyResponse = z
  .object({ status: z.literal("ready"), model: ModelRef })
  .register(apiSchemas, { id: "Ready" });

/** A bad request body's first zod issue as one line: `texts[2]: must be a non-empty string`. */
export const describeRequestIssue = (error: z.ZodError): string =>
  describeIssues(error, { max: 1, root: "body" });
