/**
 * Invalid specs and the text the apiserver refuses them with (from the generated CRDs: OpenAPI
 * bounds, enums, CEL rules). Shared by the apiserver test (validation.int.test.ts) and compose
 * mode's admission test, so both modes are held to the same messages. Every string form (what a
 * `pattern` would have checked) has a case with its sentence: the CEL rules of api/rules.ts.
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
    message:
      /spec\.dataset\.sha256: Invalid value: "string": must be a sha256 digest: 64 lowercase hex digits/,
  },
  {
    name: "a model name that is no DNS label",
    obj: trainingRunManifest("bad-model", withModel("Reviews_1")),
    message:
      /spec\.model: Invalid value: "string": must be the name of a SentimentModel, a DNS-1035 label such as reviews/,
  },
  {
    name: "an image with a space",
    obj: trainingRunManifest("bad-image", withModel("m"), withRawSpec({ image: "trainer :1" })),
    message: /spec\.image: Invalid value: "string": must be an image reference without spaces/,
  },
  {
    name: "a CPU limit that is no quantity",
    obj: trainingRunManifest(
      "bad-cpu",
      withModel("m"),
      withRawSpec({ resources: { limits: { cpu: "2 cores" } } }),
    ),
    message: /spec\.resources\.limits\[cpu\]: Invalid value: "": must be a quantity such as 500m, 2Gi or 1/,
  },
  {
    name: "a service account name with capitals",
    obj: trainingRunManifest("bad-sa", withModel("m"), withRawSpec({ serviceAccountName: "Trainer" })),
    message:
      /spec\.serviceAccountName: Invalid value: "string": must be a lowercase DNS name such as my-claim/,
  },
  {
    name: "a dataset URL that is not http(s)",
    obj: trainingRunManifest(
      "ftp-url",
      withModel("m"),
      withRawSpec({ dataset: { source: "url", url: "ftp://example.com/reviews.csv" } }),
    ),
    message:
      /spec\.dataset\.url: Invalid value: "string": must be an http\(s\) URL such as https:\/\/example\.com/,
  },
  {
    name: "an absolute dataset path",
    obj: trainingRunManifest(
      "abs-path",
      withModel("m"),
      withRawSpec({ dataset: { source: "pvc", claimName: "data", path: "/reviews.csv" } }),
    ),
    message: /spec\.dataset\.path: Invalid value: "string": must be a relative path \(no leading \/\)/,
  },
  {
    name: "an MLflow alias starting with a digit",
    obj: trainingRunManifest(
      "bad-alias",
      withModel("m"),
      withRawSpec({ tracking: { mlflow: { trackingUri: "http://mlflow:5000", alias: "1st" } } }),
    ),
    message:
      /spec\.tracking\.mlflow\.alias: Invalid value: "string": must be an MLflow alias such as production/,
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
    message:
      /spec\.artifactUri: Invalid value: "string": spec\.artifactUri must be pvc:\/\/<claim>\/<path to a model directory>/,
  },
  {
    name: "a pinned version that is no label value",
    obj: sentimentModelManifest("bad-version", withRawSpec({ version: "v1!" })),
    message: /spec\.version: Invalid value: "string": must be a model version, a label value such as/,
  },
  {
    name: "an environment variable name starting with a digit",
    obj: sentimentModelManifest("bad-env", withRawSpec({ server: { env: [{ name: "1ST", value: "x" }] } })),
    message:
      /spec\.server\.env\[0\]\.name: Invalid value: "string": must be an environment variable name such as LOG_LEVEL/,
  },
  {
    name: "an auth Secret name with capitals",
    obj: sentimentModelManifest("bad-secret", withRawSpec({ server: { auth: { secretName: "Token" } } })),
    message: /spec\.server\.auth\.secretName: Invalid value: "string": must be a lowercase DNS name/,
  },
  {
    name: "a storage size that is no quantity",
    obj: sentimentModelManifest("bad-size", withRawSpec({ storage: { size: "2 GB" } })),
    message: /spec\.storage\.size: Invalid value: "": must be a quantity such as 500m, 2Gi or 1/,
  },
  {
    name: "a disruption budget that is neither a number nor a percentage",
    obj: sentimentModelManifest("bad-pdb", withRawSpec({ podDisruptionBudget: { maxUnavailable: "half" } })),
    message:
      /spec\.podDisruptionBudget\.maxUnavailable: Invalid value: "": must be an integer or a percentage such as 25%/,
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
    message:
      /spec\.monitoring\.serviceMonitor\.interval: Invalid value: "string": must be a duration such as 15s, 1m or 1m30s/,
  },
];
