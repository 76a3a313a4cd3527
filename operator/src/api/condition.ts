import { z } from "zod";

/** RFC 3339 time in seconds precision, as Kubernetes writes `metav1.Time` (`2025-01-02T03:04:05Z`). */
export const Time = z.iso.datetime().max(64);

export const ConditionStatus = z.enum(["True", "False", "Unknown"]);
export type ConditionStatus = z.infer<typeof ConditionStatus>;

/**
 * A condition in the KEP-1623 shape (`metav1.Condition`): the standard for status conditions.
 * `reason` is CamelCase and machine-readable; `message` is for humans.
 */
export const Condition = z.object({
  type: z
    .string()
    .min(1)
    .max(316)
    .regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9_.-]+$/),
  status: ConditionStatus,
  observedGeneration: z.int().min(0).optional(),
  lastTransitionTime: Time,
  reason: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/),
  message: z.string().max(32768),
});
export type Condition = z.infer<typeof Condition>;

export const Conditions = z.array(Condition).max(16);

/** Formats a time the way Kubernetes does: RFC 3339, UTC, whole seconds. */
export const rfc3339 = (t: Date): string => `${t.toISOString().slice(0, 19)}Z`;
