import { z } from "zod";
import { Quantity } from "./quantity.ts";
import { matching, withoutDotDot } from "./rules.ts";

/**
 * The pod settings a user may set on a TrainingRun or a SentimentModel's server, modelled (not
 * `x-kubernetes-preserve-unknown-fields`) and bounded, so the apiserver validates them and CEL
 * cost estimates stay finite.
 */

/** Names of Kubernetes objects referenced from a spec (DNS-1123 subdomain). */
export const ObjectName = matching(
  z.string().max(253),
  /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
  "must be a lowercase DNS name such as my-claim: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
);

/**
 * A path relative to a volume's root, without `..` segments. The `..` rule is a CEL rule of its
 * own, because Kubernetes patterns are RE2 (no lookahead).
 */
export const RelativePath = withoutDotDot(
  matching(z.string().max(1024), /^[^/]/, "must be a relative path (no leading /)"),
);

/** Container image reference. */
export const Image = matching(
  z.string().max(512),
  /^\S+$/,
  "must be an image reference without spaces, such as registry.example.com/sentiment:0.1.0",
);

/**
 * At most 8 entries: the apiserver estimates the cost of the quantity rule (`isQuantity` on an
 * int-or-string, which CEL sizes as a whole request) per entry, and refuses the CRD with 16.
 */
const ResourceList = z
  .record(z.string().max(253), Quantity)
  .meta({ maxProperties: 8 })
  .describe(
    "Resource name (cpu, memory, ephemeral-storage, ...) to quantity: an integer or a string such as 500m or 2Gi. At most 8 entries.",
  );

export const ResourceRequirements = z
  .object({
    limits: ResourceList.optional().describe(
      "The most of each resource the container may use. Unset: no limit (or the namespace's LimitRange default).",
    ),
    requests: ResourceList.optional().describe(
      "The amount of each resource the scheduler reserves for the container. Unset: the limits, or the namespace's LimitRange default.",
    ),
  })
  .describe("Compute resources of the container, as in a Pod.");
export type ResourceRequirements = z.infer<typeof ResourceRequirements>;

export const Toleration = z
  .object({
    key: z
      .string()
      .max(317)
      .optional()
      .describe("The taint key the toleration applies to. Empty with operator Exists: matches every taint."),
    operator: z
      .enum(["Exists", "Equal"])
      .optional()
      .describe("Exists (any value) or Equal (the taint's value equals value). Default: Equal."),
    value: z
      .string()
      .max(63)
      .optional()
      .describe("The taint value matched with operator Equal; empty with Exists."),
    effect: z
      .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"])
      .optional()
      .describe("The taint effect to match: NoSchedule, PreferNoSchedule or NoExecute. Unset: every effect."),
    tolerationSeconds: z
      .int()
      .optional()
      .describe(
        "With effect NoExecute: how long the pod stays bound to a node after the taint appears. Unset: forever.",
      ),
  })
  .describe("Lets the pod be scheduled onto nodes with a matching taint, as in a Pod.");
export type Toleration = z.infer<typeof Toleration>;

export const Tolerations = z.array(Toleration).max(32);

export const NodeSelector = z.record(z.string().max(317), z.string().max(63)).meta({ maxProperties: 32 });

const KeyRef = z.object({
  name: ObjectName.describe("Name of the Secret or ConfigMap, in the same namespace."),
  key: z.string().min(1).max(253).describe("The key whose value becomes the variable's value."),
  optional: z
    .boolean()
    .optional()
    .describe(
      "Start the container even when the object or key is missing (the variable is then unset). Default: false.",
    ),
});

export const EnvVar = z.object({
  name: matching(
    z.string().max(256),
    /^[-._a-zA-Z][-._a-zA-Z0-9]*$/,
    "must be an environment variable name such as LOG_LEVEL: letters, digits, '_', '-' and '.', not starting with a digit",
  ).describe("Name of the environment variable."),
  value: z
    .string()
    .max(32768)
    .optional()
    .describe("The value. $(VAR) references to earlier variables are expanded, as in a Pod. Default: empty."),
  valueFrom: z
    .object({
      secretKeyRef: KeyRef.optional().describe("Take the value from a key of a Secret."),
      configMapKeyRef: KeyRef.optional().describe("Take the value from a key of a ConfigMap."),
    })
    .meta({
      "x-kubernetes-validations": [
        {
          rule: "has(self.secretKeyRef) != has(self.configMapKeyRef)",
          message: "valueFrom needs exactly one of secretKeyRef or configMapKeyRef",
        },
      ],
    })
    .optional()
    .describe("Take the value from a Secret or ConfigMap instead of value: exactly one of the two."),
});
export type EnvVar = z.infer<typeof EnvVar>;

export const EnvVars = z.array(EnvVar).max(64);
