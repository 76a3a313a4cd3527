import { z } from "zod";
import {
  Architecture,
  DEFAULT_ARCHITECTURE,
  Hyperparameters,
  Preprocessing,
} from "../../../common/hyperparameters.ts";
import { Conditions } from "./conditions.ts";
import { Time } from "./time.ts";
import { Dataset } from "./dataset.ts";
import { defaulted } from "./defaults.ts";
import { ArtifactRef, ModelMetrics } from "./metrics.ts";
import { ObjectMeta } from "./object-meta.ts";
import {
  Image,
  NodeSelector,
  ObjectName,
  RelativePath,
  ResourceRequirements,
  Tolerations,
} from "./pod-settings.ts";
import { matching } from "./rules.ts";
import { PromotionSpec, PromotionStatus } from "./promotion.ts";
import { TrackingSpec, TrackingStatus } from "./tracking.ts";
import { API_VERSION, TRAINING_RUN } from "./group.ts";

/** A SentimentModel's name: a DNS-1035 label, because it names the model's Service. */
export const ModelName = matching(
  z.string().max(63),
  /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
  "must be the name of a SentimentModel, a DNS-1035 label such as reviews: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters",
);

export const TrainingOutput = z.object({
  claimName: ObjectName.optional().describe(
    "The PersistentVolumeClaim the artifact is written to, in the run's namespace. Default: the model PVC of spec.model (<model>-models, or its spec.storage.claimName); required when spec.model is unset.",
  ),
  path: RelativePath.optional().describe(
    "Directory inside the claim: relative, without .. segments. Default: <spec.model or experiments>/<run name>.",
  ),
});

/**
 * TrainingRun spec. Immutable after creation except `suspend` (CEL rules generated in
 * crd/immutable.ts). Hyperparameter and preprocessing names are the trainer's (common/hyperparameters.ts).
 */
export const TrainingRunSpec = z
  .object({
    model: ModelName.optional().describe(
      "The SentimentModel (in the same namespace) this run trains a version of and may promote into. Unset: an experiment, which is never promoted and needs spec.output.claimName.",
    ),
    dataset: defaulted(Dataset).describe("The training data. Default: the IMDB archive (source imdb)."),
    preprocessing: Preprocessing.optional().describe(
      "Tokenizer settings, as the trainer's --min-freq and --max-length. Unset: the trainer's defaults.",
    ),
    architecture: Architecture.default(DEFAULT_ARCHITECTURE).describe(
      `The model to train (the trainer's --arch): nblr (naive Bayes features and logistic regression, fast on CPU) or bilstm (a bidirectional LSTM). Default: ${DEFAULT_ARCHITECTURE}.`,
    ),
    hyperparameters: Hyperparameters.optional().describe(
      "The trainer's --epochs, --batch-size, --learning-rate, --seed and --validation-split. Unset fields: the architecture's defaults.",
    ),
    image: Image.optional().describe("Trainer container image. Default: the operator's --trainer-image."),
    resources: ResourceRequirements.optional().describe(
      "Compute resources of the trainer container, as in a Pod. Default: the operator's defaultTrainerResources.",
    ),
    serviceAccountName: ObjectName.optional().describe(
      "ServiceAccount the training pod runs as (its token is not mounted). Default: the namespace's default ServiceAccount.",
    ),
    nodeSelector: NodeSelector.optional().describe(
      "Node labels the training pod must be scheduled onto, as a Pod's nodeSelector (at most 32).",
    ),
    tolerations: Tolerations.optional().describe(
      "Taints the training pod tolerates, as a Pod's tolerations (at most 32).",
    ),
    backoffLimit: z
      .int()
      .min(0)
      .max(20)
      .default(1)
      .describe(
        "Times a failed training pod is retried before the run fails with BackoffLimitExceeded (the Job's backoffLimit), 0 to 20. Default: 1.",
      ),
    activeDeadlineSeconds: z
      .int()
      .min(1)
      .max(604800)
      .optional()
      .describe(
        "Wall-time limit of the Job in seconds, retries included (at most 7 days); when it passes the run fails with DeadlineExceeded. Unset: no limit.",
      ),
    ttlSecondsAfterFinished: z
      .int()
      .min(0)
      .max(31536000)
      .optional()
      .describe(
        "Seconds after the run finishes before its Job and pods are deleted (at most a year); the run and its status are kept. Unset: the Job is kept.",
      ),
    suspend: z
      .boolean()
      .default(false)
      .describe(
        "Pause the run: its Job is suspended and running pods are stopped; false resumes it. The only field that may change after creation. Default: false.",
      ),
    output: TrainingOutput.optional().describe(
      "Where the trained artifact is written. Default: the model PVC of spec.model, under <model>/<run name>.",
    ),
    promotion: PromotionSpec.optional().describe(
      "The gate that decides whether the trained version becomes the one spec.model serves. Default: policy Auto when spec.model is set, Never otherwise.",
    ),
    tracking: TrackingSpec.optional().describe(
      "Experiment tracking and model registry (MLflow); best effort, never a reason to fail the run. Unset: the operator's default tracking server, if it has one.",
    ),
  })
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "!has(self.promotion) || self.promotion.policy == 'Never' || has(self.model)",
        message:
          "spec.promotion.policy Auto or Manual requires spec.model: name the SentimentModel or set policy: Never",
      },
      {
        rule: "has(self.model) || (has(self.output) && has(self.output.claimName))",
        message:
          "spec.output.claimName is required when spec.model is not set (an experiment has no model PVC)",
      },
    ],
  })
  .describe(
    "What to train and how: the data, the architecture and its settings, the pod, where the artifact goes and whether it may be promoted. Immutable after creation except suspend.",
  );
export type TrainingRunSpec = z.infer<typeof TrainingRunSpec>;

export const TrainingRunPhase = z.enum([
  "Pending",
  "Running",
  "Succeeded",
  "Failed",
  "Promoted",
  "Rejected",
  "AwaitingApproval",
]);
export type TrainingRunPhase = z.infer<typeof TrainingRunPhase>;

export const TrainingRunStatus = z
  .object({
    phase: TrainingRunPhase.optional().describe(
      "Where the run is: Pending, Running, Succeeded (trained, not yet gated), Failed, Promoted, Rejected or AwaitingApproval (policy Manual). A summary of the conditions.",
    ),
    conditions: Conditions.optional().describe(
      "The latest observations of the run's state (KEP-1623), one per type.",
    ),
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .describe("The metadata.generation this status was computed from."),
    jobName: z.string().max(63).optional().describe("Name of the run's Job, in the same namespace."),
    startTime: Time.optional().describe("When the Job started (RFC 3339)."),
    completionTime: Time.optional().describe("When the Job succeeded or failed (RFC 3339)."),
    attempts: z
      .int()
      .min(0)
      .optional()
      .describe("Training pods started so far (failed + succeeded + active)."),
    metrics: ModelMetrics.optional().describe("Test-split figures of the trained model, once it succeeded."),
    artifact: ArtifactRef.optional().describe("The trained artifact, once the run succeeded."),
    promotion: PromotionStatus.optional().describe("The promotion gate's decision, once it has decided."),
    tracking: TrackingStatus.optional().describe(
      "What became of experiment tracking, when the run was tracked.",
    ),
  })
  .describe("The observed state of the run, written by the operator.");
export type TrainingRunStatus = z.infer<typeof TrainingRunStatus>;

/** A whole TrainingRun as read from the API; parse with `TrainingRun.safeParse` to get defaults. */
export const TrainingRun = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(TRAINING_RUN.kind),
  metadata: ObjectMeta,
  spec: TrainingRunSpec,
  status: TrainingRunStatus.optional(),
});
export type TrainingRun = z.infer<typeof TrainingRun>;
