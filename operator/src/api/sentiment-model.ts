import { z } from "zod";
import { RegistryStatus } from "./tracking.ts";
import { Conditions } from "./conditions.ts";
import { Time } from "./time.ts";
import { defaulted } from "./defaults.ts";
import { API_VERSION, SENTIMENT_MODEL } from "./group.ts";
import { ModelMetrics } from "./metrics.ts";
import { ObjectMeta } from "./object-meta.ts";
import { EnvVars, Image, ObjectName, ResourceRequirements } from "./pod-settings.ts";
import { IntOrPercent, Quantity } from "./quantity.ts";

/** A model version: a Kubernetes label value, as the trainer's versions are. */
export const ModelVersion = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, "must be a label value: letters, digits, ., _ and -");

/** An artifact outside the model's own history: `pvc://<claim>/<path to the model directory>`. */
const ARTIFACT_URI = /^pvc:\/\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[^/]\S*$/;
const ARTIFACT_URI_MESSAGE = "must be pvc://<claim>/<path to a model directory>";
export const ArtifactUri = z
  .string()
  .max(1024)
  // A refinement rather than .regex(): a CRD `pattern` would answer with the raw regex, the CEL
  // rule below names the expected form.
  .refine((u) => ARTIFACT_URI.test(u), ARTIFACT_URI_MESSAGE)
  .refine((u) => !u.split("/").includes(".."), "must not contain a .. segment")
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "self.matches(r'^pvc://[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[^/]\\S*$')",
        message: `spec.artifactUri ${ARTIFACT_URI_MESSAGE}`,
      },
      {
        rule: "!self.split('/').exists(s, s == '..')",
        message: "spec.artifactUri must not contain a .. segment",
      },
    ],
  });

const percent = z.int().min(1).max(100);

export const Autoscaling = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        "Create an HPA; spec.replicas is then ignored and the Deployment leaves replicas to the HPA.",
      ),
    minReplicas: z.int().min(1).max(1000).default(1),
    maxReplicas: z.int().min(1).max(1000).default(5),
    targetCPUUtilizationPercentage: percent.default(70),
    targetMemoryUtilizationPercentage: percent.default(80),
    scaleDownStabilizationSeconds: z
      .int()
      .min(0)
      .max(3600)
      .optional()
      .describe(
        "How long load must stay low before the HPA removes replicas (its scale-down stabilization window); Kubernetes' default is 300.",
      ),
  })
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "self.minReplicas <= self.maxReplicas",
        message: "spec.autoscaling.minReplicas must be <= maxReplicas",
      },
    ],
  });

export const ServerLimits = z.object({
  maxBatchSize: z
    .int()
    .min(1)
    .max(100000)
    .optional()
    .describe("Most texts in one request (--max-batch-size)."),
  maxTextLength: z
    .int()
    .min(1)
    .max(10000000)
    .optional()
    .describe("Most characters in one text (--max-text-length)."),
  maxBodyBytes: z
    .int()
    .min(64)
    .max(1073741824)
    .optional()
    .describe("Most bytes in one request body (--max-body-bytes)."),
});

export const ServerSpec = z.object({
  image: Image.optional().describe("Model server image. Default: the operator's --server-image."),
  resources: ResourceRequirements.optional(),
  env: EnvVars.optional().describe("Extra environment variables of the server container."),
  limits: ServerLimits.optional(),
  auth: z
    .object({
      secretName: ObjectName.describe("Secret holding the bearer token required by the predict endpoints."),
      key: z.string().min(1).max(253).default("token"),
    })
    .optional(),
});

export const ServiceSpec = z.object({
  type: z.enum(["ClusterIP", "NodePort", "LoadBalancer"]).default("ClusterIP"),
  port: z.int().min(1).max(65535).default(80),
});

const Duration = z
  .string()
  .max(32)
  .regex(/^([0-9]+(ms|s|m|h))+$/, "must be a duration such as 15s or 1m");
const LabelMap = z.record(z.string().max(317), z.string().max(63)).meta({ maxProperties: 32 });

export const ServiceMonitorSpec = z.object({
  enabled: z
    .boolean()
    .default(true)
    .describe("Create a ServiceMonitor when the Prometheus Operator CRD is installed."),
  interval: Duration.default("15s"),
  labels: LabelMap.optional().describe("Extra labels, e.g. the release label a Prometheus selects."),
});

export const MonitoringSpec = z.object({
  serviceMonitor: defaulted(ServiceMonitorSpec),
});

export const PodDisruptionBudgetSpec = z.object({
  enabled: z.boolean().default(true),
  maxUnavailable: IntOrPercent.default(1),
});

export const NetworkPolicySpec = z.object({
  enabled: z
    .boolean()
    .default(true)
    .describe("Allow ingress to the server port only from the sources below."),
  allowSameNamespace: z.boolean().default(true),
  allowNamespaces: z
    .array(z.string().min(1).max(63))
    .max(32)
    .default(["monitoring"])
    .describe("Namespaces (by name) allowed in, e.g. where Prometheus runs."),
});

export const StorageSpec = z.object({
  size: Quantity.default("2Gi"),
  storageClassName: z.string().max(253).optional(),
  accessModes: z
    .array(z.enum(["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"]))
    .min(1)
    .max(4)
    .default(["ReadWriteOnce"]),
  claimName: ObjectName.optional().describe("Use this existing claim instead of creating <model>-models."),
});

/**
 * Which model to serve: by default the newest version promoted by TrainingRuns whose spec.model
 * names this model; or a pinned `version` (rollback = pin the previous version in Git); or an
 * external `artifactUri`.
 */
export const SentimentModelSpec = z
  .object({
    version: ModelVersion.optional().describe(
      "Serve this version (a TrainingRun artifact version of this model) instead of the newest promoted.",
    ),
    artifactUri: ArtifactUri.optional().describe(
      "Serve this artifact instead of a TrainingRun's: pvc://<claim>/<path>.",
    ),
    replicas: z
      .int()
      .min(0)
      .max(1000)
      .default(2)
      .describe("Server replicas when autoscaling is off (the scale subresource)."),
    autoscaling: defaulted(Autoscaling),
    server: defaulted(ServerSpec),
    service: defaulted(ServiceSpec),
    monitoring: defaulted(MonitoringSpec),
    podDisruptionBudget: defaulted(PodDisruptionBudgetSpec),
    networkPolicy: defaulted(NetworkPolicySpec),
    storage: defaulted(StorageSpec),
  })
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "!(has(self.version) && has(self.artifactUri))",
        message: "spec.version and spec.artifactUri are mutually exclusive: pin one",
      },
    ],
  });
export type SentimentModelSpec = z.infer<typeof SentimentModelSpec>;

export const SentimentModelPhase = z.enum(["Pending", "Progressing", "Ready", "Degraded", "Failed"]);
export type SentimentModelPhase = z.infer<typeof SentimentModelPhase>;

export const HISTORY_LIMIT = 10;

export const HistoryEntry = z.object({
  version: ModelVersion,
  uri: z.string().max(2048),
  trainingRun: z.string().max(253).optional(),
  metrics: ModelMetrics.optional(),
  servedAt: Time.describe("When the operator first rolled this version out."),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const SentimentModelStatus = z.object({
  phase: SentimentModelPhase.optional(),
  conditions: Conditions.optional(),
  observedGeneration: z.int().min(0).optional(),
  currentVersion: ModelVersion.optional(),
  currentUri: z.string().max(2048).optional(),
  metrics: ModelMetrics.optional().describe("Metrics of the served version."),
  history: z.array(HistoryEntry).max(HISTORY_LIMIT).optional().describe("Versions served, newest first."),
  replicas: z.int().min(0).optional(),
  readyReplicas: z.int().min(0).optional(),
  readyDisplay: z
    .string()
    .max(32)
    .optional()
    .describe("readyReplicas/desired, as kubectl shows for Deployments."),
  selector: z
    .string()
    .max(1024)
    .optional()
    .describe("Label selector of the server pods (scale subresource)."),
  url: z.string().max(1024).optional().describe("In-cluster predict URL."),
  revision: z.string().max(32).optional().describe("The Deployment revision serving currentVersion."),
  registry: RegistryStatus.optional().describe(
    "The served version in the MLflow model registry (when its TrainingRun has spec.tracking.mlflow).",
  ),
});
export type SentimentModelStatus = z.infer<typeof SentimentModelStatus>;

export const SentimentModel = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(SENTIMENT_MODEL.kind),
  metadata: ObjectMeta,
  spec: SentimentModelSpec,
  status: SentimentModelStatus.optional(),
});
export type SentimentModel = z.infer<typeof SentimentModel>;
