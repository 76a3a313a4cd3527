import { z } from "zod";

/**
 * What the pure core needs from the operator's configuration, with defaults. Parsing flags and
 * environment variables into this shape is the shell's job (`sentiment-operator run`); the core
 * only receives a parsed `OperatorConfig`.
 */
export const OperatorConfig = z.object({
  /** Image of TrainingRun Jobs when spec.image is unset: the server image, which carries the trainer. */
  trainerImage: z.string().min(1).default("ghcr.io/sentiment-mlops/sentiment-server:0.1.0"),
  /** Image of model servers when spec.server.image is unset. */
  serverImage: z.string().min(1).default("ghcr.io/sentiment-mlops/sentiment-server:0.1.0"),
  imagePullPolicy: z.enum(["Always", "IfNotPresent", "Never"]).default("IfNotPresent"),
  /** Where the model PVC is mounted in trainer and server pods. */
  modelMountPath: z
    .string()
    .regex(/^\/[^\s]*[^/\s]$/)
    .default("/models"),
  /** Where a `pvc` dataset claim is mounted in trainer pods. */
  dataMountPath: z
    .string()
    .regex(/^\/[^\s]*[^/\s]$/)
    .default("/data"),
  /** The container port of the model server. */
  serverPort: z.int().min(1).max(65535).default(8080),
  /**
   * How status.url addresses a model's Service: `cluster-dns` (Kubernetes) or `localhost`
   * (compose mode, where the Service is a front port on this machine; see localServicePort).
   */
  serviceAddress: z.enum(["cluster-dns", "localhost"]).default("cluster-dns"),
  /** Cluster DNS domain, for status.url. */
  clusterDomain: z.string().min(1).default("cluster.local"),
  /** Namespaces (by name) whose Prometheus may scrape servers, added to spec.networkPolicy.allowNamespaces. */
  monitoringNamespaces: z.array(z.string().min(1)).default([]),
  /** Resources of trainer containers when spec.resources is unset. */
  defaultTrainerResources: z
    .object({
      requests: z.record(z.string(), z.string()).optional(),
      limits: z.record(z.string(), z.string()).optional(),
    })
    .default({ requests: { cpu: "1", memory: "2Gi" }, limits: { memory: "4Gi" } }),
  /** Resources of server containers when spec.server.resources is unset. */
  defaultServerResources: z
    .object({
      requests: z.record(z.string(), z.string()).optional(),
      limits: z.record(z.string(), z.string()).optional(),
    })
    .default({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } }),
  /** How long a completed Job's pod may stay unobserved before the run fails with MetricsMissing. */
  metricsGraceSeconds: z.int().min(0).default(60),
  /** Re-check interval while waiting on something nothing else triggers (e.g. a CRD to appear). */
  recheckSeconds: z.int().min(1).default(300),
  /** Requeue interval while a rollout or a run is in progress (events usually arrive sooner). */
  progressRequeueSeconds: z.int().min(1).default(30),
  /**
   * MLflow tracking server of TrainingRuns without `spec.tracking.mlflow` (compose mode sets it
   * from `compose up --mlflow` or MLFLOW_TRACKING_URI); unset: such runs are not tracked.
   */
  mlflowTrackingUri: z.url({ protocol: /^https?$/ }).optional(),
});
export type OperatorConfig = z.infer<typeof OperatorConfig>;

/** The config with every default, for tests and embedders. */
export const defaultOperatorConfig = (overrides: z.input<typeof OperatorConfig> = {}): OperatorConfig =>
  OperatorConfig.parse(overrides);
