/**
 * Invalid specs and the text the apiserver refuses them with (from the generated CRDs: OpenAPI
 * bounds, enums, patterns, CEL rules). Shared by the apiserver test (validation.int.test.ts) and
 * compose mode's admission test, so both modes are held to the same messages.
 */
import {
  sentimentModelManifest,
  trainingRunManifest,
  withPromotion,
  withModel,
  withRawSpec,
  type ModelDraft,
  type RunDraft,
} from "./resources.ts";

export const INVALID_SPECS: readonly { name: string; obj: RunDraft | ModelDraft; message: RegExp }[] = [
  {
    name: "an unknown architecture",
    obj: trainingRunManifest("bad-arch", withModel("m"), withRawSpec({ architecture: "transformer" })),
    message: /spec\.architecture: Unsupported value: "transformer": supported values: "nblr", "bilstm"/,
  },
  {
    name: "zero epochs",
    obj: trainingRunManifest("zero-epochs", withModel("m"), withRawSpec({ hyperparameters: { epochs: 0 } })),
    message:
      /spec\.hyperparameters\.epochs: Invalid value: 0: spec\.hyperparameters\.epochs in body should be greater than or equal to 1/,
  },
  {
    name: "a learning rate of zero",
    obj: trainingRunManifest(
      "zero-lr",
      withModel("m"),
      withRawSpec({ hyperparameters: { learningRate: 0 } }),
    ),
    message: /spec\.hyperparameters\.learningRate: .*should be greater than 0/,
  },
  {
    name: "a url dataset without a url",
    obj: trainingRunManifest("no-url", withModel("m"), withRawSpec({ dataset: { source: "url" } })),
    message: /spec\.dataset\.url is required when source is url/,
  },
  {
    name: "a malformed dataset checksum",
    obj: trainingRunManifest(
      "bad-sha",
      withModel("m"),
      withRawSpec({ dataset: { source: "imdb", sha256: "xyz" } }),
    ),
    message: /spec\.dataset\.sha256/,
  },
  {
    name: "automatic promotion without a model",
    obj: trainingRunManifest(
      "no-model",
      withPromotion({ policy: "Auto" }),
      withRawSpec({ output: { claimName: "scratch" } }),
    ),
    message: /spec\.promotion\.policy Auto or Manual requires spec\.model/,
  },
  {
    name: "a minimum accuracy above 1",
    obj: trainingRunManifest("acc-too-high", withModel("m"), withPromotion({ minAccuracy: 1.5 })),
    message: /spec\.promotion\.minAccuracy: Invalid value: 1\.5: .*less than or equal to 1/,
  },
  {
    name: "minReplicas above maxReplicas",
    obj: sentimentModelManifest(
      "bad-hpa",
      withRawSpec({ autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 2 } }),
    ),
    message: /spec\.autoscaling\.minReplicas must be <= maxReplicas/,
  },
  {
    name: "a pinned version and an artifact URI together",
    obj: sentimentModelManifest("both", withRawSpec({ version: "v1", artifactUri: "pvc://models/m/v1" })),
    message: /spec\.version and spec\.artifactUri are mutually exclusive/,
  },
  {
    name: "an artifact URI that is not on a volume claim",
    obj: sentimentModelManifest("s3", withRawSpec({ artifactUri: "s3://bucket/model" })),
    message: /spec\.artifactUri: .*spec\.artifactUri must be pvc:\/\/<claim>\/<path to a model directory>/,
  },
  {
    name: "negative replicas",
    obj: sentimentModelManifest("negative", withRawSpec({ replicas: -1 })),
    message: /spec\.replicas: Invalid value: -1: .*greater than or equal to 0/,
  },
  {
    name: "an unknown Service type",
    obj: sentimentModelManifest("ingress", withRawSpec({ service: { type: "Ingress" } })),
    message: /spec\.service\.type: Unsupported value: "Ingress"/,
  },
  {
    name: "a scrape interval that is not a duration",
    obj: sentimentModelManifest(
      "interval",
      withRawSpec({ monitoring: { serviceMonitor: { interval: "often" } } }),
    ),
    message: /spec\.monitoring\.serviceMonitor\.interval/,
  },
];
