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
import { PromotionSpec, PromotionStatus } from "./promotion.ts";
import { TrackingSpec, TrackingStatus } from "./tracking.ts";
import { API_VERSION, TRAINING_RUN } from "./group.ts";

/** A SentimentModel's name: a DNS-1035 label, because it names the model's Service. */
export const ModelName = z
  .string()
  .min(1)
  .max(63)
  .regex(
    /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    "must be a DNS-1035 label: lowercase letters, digits and -, starting with a letter",
  );

export const TrainingOutput = z.object({
  claimName: ObjectName.optional().describe(
    "The PersistentVolumeClaim the artifact is written to. Default: the model PVC of spec.model.",
  ),
  path: RelativePath.optional().describe(
    "Directory inside the claim. Default: <spec.model or experiments>/<run name>.",
  ),
});

/**
 * TrainingRun spec. Immutable after creation except `suspend` (CEL rules generated in
 * crd/immutable.ts). Hyperparameter and preprocessing names are the trainer's (common/hyperparameters.ts).
 */
export const TrainingRunSpec = z
  .object({
    model: ModelName.optional().describe(
      "The SentimentModel this run may promote into; unset for an experiment.",
    ),
    dataset: defaulted(Dataset).describe("The training data."),
    preprocessing: Preprocessing.optional().describe(
      "Tokenizer settings, as the trainer's --min-freq and --max-length.",
    ),
    architecture: Architecture.default(DEFAULT_ARCHITECTURE).describe("The trainer's --arch."),
    hyperparameters: Hyperparameters.optional().describe(
      "The trainer's --epochs, --batch-size, --learning-rate, --seed, --validation-split.",
    ),
    image: Image.optional().describe("Trainer image. Default: the operator's --trainer-image."),
    resources: ResourceRequirements.optional(),
    serviceAccountName: ObjectName.optional(),
    nodeSelector: NodeSelector.optional(),
    tolerations: Tolerations.optional(),
    backoffLimit: z.int().min(0).max(20).default(1).describe("Retries of a failed training pod."),
    activeDeadlineSeconds: z
      .int()
      .min(1)
      .max(604800)
      .optional()
      .describe("Wall-time limit of the Job; DeadlineExceeded fails the run."),
    ttlSecondsAfterFinished: z
      .int()
      .min(0)
      .max(31536000)
      .optional()
      .describe("Delete the finished Job after this long; the run's status is kept."),
    suspend: z
      .boolean()
      .default(false)
      .describe("Pause the run (the only field that may change after creation)."),
    output: TrainingOutput.optional().describe("Where the artifact goes."),
    promotion: PromotionSpec.optional().describe(
      "Promotion gate. Default: policy Auto when spec.model is set, Never otherwise.",
    ),
    tracking: TrackingSpec.optional().describe(
      "Experiment tracking and model registry (MLflow); best effort, never a reason to fail the run.",
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
  });
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

export const TrainingRunStatus = z.object({
  phase: TrainingRunPhase.optional(),
  conditions: Conditions.optional(),
  observedGeneration: z.int().min(0).optional(),
  jobName: z.string().max(63).optional(),
  startTime: Time.optional(),
  completionTime: Time.optional(),
  attempts: z.int().min(0).optional().describe("Training pods started (failed + succeeded + active)."),
  metrics: ModelMetrics.optional(),
  artifact: ArtifactRef.optional(),
  promotion: PromotionStatus.optional(),
  tracking: TrackingStatus.optional(),
});
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
