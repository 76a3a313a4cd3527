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
import { matching, withoutDotDot } from "./rules.ts";

/** A model version: a Kubernetes label value, as the trainer's versions are. */
export const ModelVersion = matching(
  z.string().max(63),
  /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/,
  "must be a model version, a label value such as 20250102-030405-1a2b3c4d: letters, digits, '.', '_' and '-', starting and ending with a letter or digit, at most 63 characters",
);

/** An artifact outside the model's own history: `pvc://<claim>/<path to the model directory>`. */
const ARTIFACT_URI = /^pvc:\/\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[^/]\S*$/;
export const ArtifactUri = withoutDotDot(
  matching(
    z.string().max(1024),
    ARTIFACT_URI,
    "spec.artifactUri must be pvc://<claim>/<path to a model directory>",
  ),
);

const percent = z.int().min(1).max(100);

export const Autoscaling = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        "Create a HorizontalPodAutoscaler; spec.replicas is then ignored and the Deployment leaves replicas to the HPA. Default: false.",
      ),
    minReplicas: z
      .int()
      .min(1)
      .max(1000)
      .default(1)
      .describe("Fewest server replicas the HPA keeps, 1 to 1000, at most maxReplicas. Default: 1."),
    maxReplicas: z
      .int()
      .min(1)
      .max(1000)
      .default(5)
      .describe("Most server replicas the HPA creates, 1 to 1000. Default: 5."),
    targetCPUUtilizationPercentage: percent
      .default(70)
      .describe("Average CPU use the HPA aims for, in percent of the CPU request (1 to 100). Default: 70."),
    targetMemoryUtilizationPercentage: percent
      .default(80)
      .describe(
        "Average memory use the HPA aims for, in percent of the memory request (1 to 100). Default: 80.",
      ),
    scaleDownStabilizationSeconds: z
      .int()
      .min(0)
      .max(3600)
      .optional()
      .describe(
        "Seconds load must stay low before the HPA removes replicas (its scale-down stabilization window), 0 to 3600. Unset: Kubernetes' default, 300.",
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
    .describe(
      "Most texts in one predict request (the server's --max-batch-size); more is a 413. Unset: the server's default.",
    ),
  maxTextLength: z
    .int()
    .min(1)
    .max(10000000)
    .optional()
    .describe(
      "Most characters in one text (the server's --max-text-length); longer is a 413. Unset: the server's default.",
    ),
  maxBodyBytes: z
    .int()
    .min(64)
    .max(1073741824)
    .optional()
    .describe(
      "Most bytes in one request body (the server's --max-body-bytes), at least 64; larger is a 413. Unset: the server's default.",
    ),
});

export const ServerSpec = z.object({
  image: Image.optional().describe("Model server container image. Default: the operator's --server-image."),
  resources: ResourceRequirements.optional().describe(
    "Compute resources of the server container, as in a Pod; the HPA's utilization targets are relative to the requests. Default: the operator's defaultServerResources.",
  ),
  env: EnvVars.optional().describe(
    "Extra environment variables of the server container (at most 64), after the operator's own, as in a Pod.",
  ),
  limits: ServerLimits.optional().describe(
    "Request size limits of the server. Unset: the server's defaults.",
  ),
  auth: z
    .object({
      secretName: ObjectName.describe(
        "Secret, in the model's namespace, holding the bearer token required by the predict endpoints.",
      ),
      key: z
        .string()
        .min(1)
        .max(253)
        .default("token")
        .describe("The key of the Secret that holds the token. Default: token."),
    })
    .optional()
    .describe(
      "Require a bearer token on the predict endpoints. Unset: no authentication (the NetworkPolicy still applies).",
    ),
});

export const ServiceSpec = z.object({
  type: z
    .enum(["ClusterIP", "NodePort", "LoadBalancer"])
    .default("ClusterIP")
    .describe("The Service type: ClusterIP, NodePort or LoadBalancer. Default: ClusterIP."),
  port: z
    .int()
    .min(1)
    .max(65535)
    .default(80)
    .describe(
      "The Service port predict requests go to (the server listens on its own port behind it). Default: 80.",
    ),
});

const Duration = matching(
  z.string().max(32),
  /^([0-9]+(ms|s|m|h))+$/,
  "must be a duration such as 15s, 1m or 1m30s (units ms, s, m, h)",
);
const LabelMap = z.record(z.string().max(317), z.string().max(63)).meta({ maxProperties: 32 });

export const ServiceMonitorSpec = z.object({
  enabled: z
    .boolean()
    .default(true)
    .describe(
      "Create a ServiceMonitor when the Prometheus Operator's CRD is installed (otherwise the condition says it is missing). Default: true.",
    ),
  interval: Duration.default("15s").describe(
    "How often Prometheus scrapes the server, such as 15s or 1m. Default: 15s.",
  ),
  labels: LabelMap.optional().describe(
    "Extra labels of the ServiceMonitor (at most 32), e.g. the release label a Prometheus selects.",
  ),
});

export const MonitoringSpec = z.object({
  serviceMonitor: defaulted(ServiceMonitorSpec).describe(
    "The Prometheus Operator ServiceMonitor that scrapes the server's /metrics.",
  ),
});

export const PodDisruptionBudgetSpec = z.object({
  enabled: z
    .boolean()
    .default(true)
    .describe("Create a PodDisruptionBudget for the server pods. Default: true."),
  maxUnavailable: IntOrPercent.default(1).describe(
    "Most server pods a voluntary disruption (a node drain) may take down at once: a number or a percentage such as 25%. Default: 1.",
  ),
});

export const NetworkPolicySpec = z.object({
  enabled: z
    .boolean()
    .default(true)
    .describe(
      "Create a NetworkPolicy that allows ingress to the server port only from the sources below. Default: true.",
    ),
  allowSameNamespace: z
    .boolean()
    .default(true)
    .describe("Allow every pod of the model's namespace. Default: true."),
  allowNamespaces: z
    .array(z.string().min(1).max(63))
    .max(32)
    .default(["monitoring"])
    .describe(
      "Namespaces (by name, at most 32) whose pods are allowed in, e.g. where Prometheus runs; the operator's monitoring namespaces are added. Default: [monitoring].",
    ),
});

export const StorageSpec = z.object({
  size: Quantity.default("2Gi").describe(
    "Capacity requested for the model PVC, a quantity such as 2Gi. Default: 2Gi.",
  ),
  storageClassName: z
    .string()
    .max(253)
    .optional()
    .describe("StorageClass of the model PVC. Unset: the cluster's default StorageClass."),
  accessModes: z
    .array(z.enum(["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"]))
    .min(1)
    .max(4)
    .default(["ReadWriteOnce"])
    .describe(
      "Access modes of the model PVC; ReadWriteMany lets training Jobs and servers on different nodes share it. Default: [ReadWriteOnce].",
    ),
  claimName: ObjectName.optional().describe(
    "Use this existing PersistentVolumeClaim instead of creating <model>-models; size, storageClassName and accessModes are then ignored.",
  ),
});

/**
 * Which model to serve: by default the newest version promoted by TrainingRuns whose spec.model
 * names this model; or a pinned `version` (rollback = pin the previous version in Git); or an
 * external `artifactUri`.
 */
export const SentimentModelSpec = z
  .object({
    version: ModelVersion.optional().describe(
      "Serve this version (the artifact version of one of this model's TrainingRuns) instead of the newest promoted; pin the previous version to roll back. Unset: the newest promoted.",
    ),
    artifactUri: ArtifactUri.optional().describe(
      "Serve this artifact instead of a TrainingRun's: pvc://<claim>/<path to the model directory>, on a claim in the model's namespace. Refused together with version.",
    ),
    replicas: z
      .int()
      .min(0)
      .max(1000)
      .default(2)
      .describe(
        "Server replicas when autoscaling is off, 0 to 1000; kubectl scale sets it (the scale subresource). Default: 2.",
      ),
    autoscaling: defaulted(Autoscaling).describe(
      "Scale the server on CPU and memory with an HPA. Default: off.",
    ),
    server: defaulted(ServerSpec).describe(
      "The model server's container: image, resources, environment, limits, auth.",
    ),
    service: defaulted(ServiceSpec).describe("The Service in front of the server, named like the model."),
    monitoring: defaulted(MonitoringSpec).describe("Prometheus scraping of the server's metrics."),
    podDisruptionBudget: defaulted(PodDisruptionBudgetSpec).describe(
      "The PodDisruptionBudget that keeps server pods up during node drains.",
    ),
    networkPolicy: defaulted(NetworkPolicySpec).describe("Who may reach the server."),
    storage: defaulted(StorageSpec).describe(
      "The model PVC (<model>-models) that this model's TrainingRuns write to and its servers read from.",
    ),
  })
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "!(has(self.version) && has(self.artifactUri))",
        message: "spec.version and spec.artifactUri are mutually exclusive: pin one",
      },
    ],
  })
  .describe(
    "Which model version to serve and how: replicas or autoscaling, the server, its Service, monitoring, disruption budget, network policy and storage.",
  );
export type SentimentModelSpec = z.infer<typeof SentimentModelSpec>;

export const SentimentModelPhase = z.enum(["Pending", "Progressing", "Ready", "Degraded", "Failed"]);
export type SentimentModelPhase = z.infer<typeof SentimentModelPhase>;

export const HISTORY_LIMIT = 10;

export const HistoryEntry = z.object({
  version: ModelVersion.describe("The version served."),
  uri: z.string().max(2048).describe("Its artifact: pvc://<claim>/<path>."),
  trainingRun: z
    .string()
    .max(253)
    .optional()
    .describe("The TrainingRun that trained it; unset for spec.artifactUri."),
  metrics: ModelMetrics.optional().describe("Its test-split figures, when known."),
  servedAt: Time.describe("When the operator first rolled this version out (RFC 3339)."),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const SentimentModelStatus = z
  .object({
    phase: SentimentModelPhase.optional().describe(
      "Where the model is: Pending (nothing to serve yet), Progressing (rolling out), Ready, Degraded (a stuck rollout or an unresolvable spec while an old version serves) or Failed (nothing servable). A summary of the conditions.",
    ),
    conditions: Conditions.optional().describe(
      "The latest observations of the model's state (KEP-1623), one per type; Ready derives from the others.",
    ),
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .describe("The metadata.generation this status was computed from."),
    currentVersion: ModelVersion.optional().describe("The version the server runs (or is rolling out)."),
    currentUri: z
      .string()
      .max(2048)
      .optional()
      .describe("The artifact of currentVersion: pvc://<claim>/<path>."),
    metrics: ModelMetrics.optional().describe("Test-split figures of the served version."),
    history: z
      .array(HistoryEntry)
      .max(HISTORY_LIMIT)
      .optional()
      .describe(`Versions served, newest first (at most ${HISTORY_LIMIT}).`),
    replicas: z.int().min(0).optional().describe("Server pods the Deployment has (the scale subresource)."),
    readyReplicas: z.int().min(0).optional().describe("Server pods that are ready."),
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
      "The served version in the MLflow model registry (when its TrainingRun was tracked).",
    ),
  })
  .describe("The observed state of the model, written by the operator.");
export type SentimentModelStatus = z.infer<typeof SentimentModelStatus>;

export const SentimentModel = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(SENTIMENT_MODEL.kind),
  metadata: ObjectMeta,
  spec: SentimentModelSpec,
  status: SentimentModelStatus.optional(),
});
export type SentimentModel = z.infer<typeof SentimentModel>;
