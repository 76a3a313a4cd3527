import { SENTIMENT_MODEL, TRAINING_RUN } from "../group.ts";
import { SentimentModelSpec, SentimentModelStatus } from "../sentiment-model.ts";
import { TrainingRunSpec, TrainingRunStatus } from "../training-run.ts";
import type { CrdDefinition } from "./build.ts";
import { immutableExcept } from "./immutable.ts";

const nameRule = (what: string) => ({
  rule: "self.metadata.name.size() <= 63 && self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
  message: `metadata.name must be a DNS-1035 label (lowercase letters, digits and -, starting with a letter, at most 63 characters): it ${what}`,
});

export const TRAINING_RUN_CRD: CrdDefinition = {
  description:
    "A TrainingRun trains one sentiment model version in a Job, records its test metrics and, through a promotion gate, may make it the version a SentimentModel serves.",
  names: TRAINING_RUN,
  spec: TrainingRunSpec,
  status: TrainingRunStatus,
  rootRules: [nameRule("labels the run's Job and pods")],
  specRules: immutableExcept(
    TrainingRunSpec.shape,
    ["suspend"],
    "spec",
    "create a new TrainingRun instead (only spec.suspend may change)",
  ),
  printerColumns: [
    { name: "Model", type: "string", jsonPath: ".spec.model" },
    { name: "Arch", type: "string", jsonPath: ".spec.architecture" },
    { name: "Phase", type: "string", jsonPath: ".status.phase" },
    { name: "Accuracy", type: "number", jsonPath: ".status.metrics.accuracy" },
    { name: "F1", type: "number", jsonPath: ".status.metrics.f1" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    { name: "MLflow", type: "string", jsonPath: ".status.tracking.mlflow.url", priority: 1 },
  ],
};

export const SENTIMENT_MODEL_CRD: CrdDefinition = {
  description:
    "A SentimentModel serves the newest promoted version of a sentiment model (or a pinned one) over HTTP, with its Service, autoscaler, disruption budget, network policy and monitoring.",
  names: SENTIMENT_MODEL,
  spec: SentimentModelSpec,
  status: SentimentModelStatus,
  rootRules: [nameRule("names the model's Service")],
  specRules: [],
  scale: {
    specReplicasPath: ".spec.replicas",
    statusReplicasPath: ".status.replicas",
    labelSelectorPath: ".status.selector",
  },
  printerColumns: [
    { name: "Version", type: "string", jsonPath: ".status.currentVersion" },
    { name: "Ready", type: "string", jsonPath: ".status.readyDisplay" },
    { name: "Accuracy", type: "number", jsonPath: ".status.metrics.accuracy" },
    { name: "Phase", type: "string", jsonPath: ".status.phase" },
    { name: "URL", type: "string", jsonPath: ".status.url" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};

export const CRD_DEFINITIONS: readonly CrdDefinition[] = [TRAINING_RUN_CRD, SENTIMENT_MODEL_CRD];
