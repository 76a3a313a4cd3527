import { z } from "zod";
import { Quantity } from "./quantity.ts";

/**
 * The pod settings a user may set on a TrainingRun or a SentimentModel's server, modelled (not
 * `x-kubernetes-preserve-unknown-fields`) and bounded, so the apiserver validates them and CEL
 * cost estimates stay finite.
 */

/** Names of Kubernetes objects referenced from a spec (DNS-1123 subdomain). */
export const ObjectName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a lowercase DNS name such as my-secret");

/**
 * A path relative to a volume's root, without `..` segments. The rule is both a zod refinement and
 * a CEL rule, because Kubernetes patterns are RE2 (no lookahead).
 */
export const RelativePath = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[^/]/, "must be relative (no leading /)")
  .refine((p) => !p.split("/").includes(".."), "must not contain a .. segment")
  .meta({
    "x-kubernetes-validations": [
      { rule: "!self.split('/').exists(s, s == '..')", message: "must not contain a .. segment" },
    ],
  });

/** Container image reference. */
export const Image = z.string().min(1).max(512).regex(/^\S+$/, "must be an image reference without spaces");

const ResourceList = z
  .record(z.string().max(253), Quantity)
  .meta({ maxProperties: 16 })
  .describe("Resource name (cpu, memory, ...) to quantity.");

export const ResourceRequirements = z
  .object({ limits: ResourceList.optional(), requests: ResourceList.optional() })
  .describe("Compute resources of the container, as in a Pod.");
export type ResourceRequirements = z.infer<typeof ResourceRequirements>;

export const Toleration = z.object({
  key: z.string().max(317).optional(),
  operator: z.enum(["Exists", "Equal"]).optional(),
  value: z.string().max(63).optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
  tolerationSeconds: z.int().optional(),
});
export type Toleration = z.infer<typeof Toleration>;

export const Tolerations = z.array(Toleration).max(32);

export const NodeSelector = z.record(z.string().max(317), z.string().max(63)).meta({ maxProperties: 32 });

const KeyRef = z.object({
  name: ObjectName,
  key: z.string().min(1).max(253),
  optional: z.boolean().optional(),
});

export const EnvVar = z.object({
  name: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, "must be an environment variable name such as LOG_LEVEL"),
  value: z.string().max(32768).optional(),
  valueFrom: z
    .object({ secretKeyRef: KeyRef.optional(), configMapKeyRef: KeyRef.optional() })
    .meta({
      "x-kubernetes-validations": [
        {
          rule: "has(self.secretKeyRef) != has(self.configMapKeyRef)",
          message: "valueFrom needs exactly one of secretKeyRef or configMapKeyRef",
        },
      ],
    })
    .optional(),
});
export type EnvVar = z.infer<typeof EnvVar>;

export const EnvVars = z.array(EnvVar).max(64);
