import { z } from "zod";
import { rfc3339, Time } from "./time.ts";

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

/** A condition as a decision states it; the helpers add the time and generation. */
export interface ConditionInput {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

export const findCondition = (
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined => conditions?.find((c) => c.type === type);

export const isConditionTrue = (conditions: readonly Condition[] | undefined, type: string): boolean =>
  findCondition(conditions, type)?.status === "True";

/**
 * Sets one condition (cluster-api's setter rules):
 * - `observedGeneration` is stamped with the generation the decision saw;
 * - `lastTransitionTime` changes only when `status` flips (a new reason or message keeps it);
 * - the order is stable: types in `order` first, in that order, then the rest by name.
 * Returns a new array; the input is not modified.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  input: ConditionInput,
  generation: number | undefined,
  now: Date,
  order: readonly string[] = [],
): Condition[] {
  const old = findCondition(conditions, input.type);
  const next: Condition = {
    type: input.type,
    status: input.status,
    ...(generation === undefined ? {} : { observedGeneration: generation }),
    lastTransitionTime:
      old !== undefined && old.status === input.status ? old.lastTransitionTime : rfc3339(now),
    reason: input.reason,
    message: input.message,
  };
  return sortConditions([...(conditions ?? []).filter((c) => c.type !== input.type), next], order);
}

/**
 * The whole condition list rebuilt from this reconcile's inputs (conditions not listed are
 * dropped); the old list is consulted only to keep `lastTransitionTime` of unchanged statuses.
 */
export function rebuildConditions(
  old: readonly Condition[] | undefined,
  inputs: readonly ConditionInput[],
  generation: number | undefined,
  now: Date,
  order: readonly string[] = [],
): Condition[] {
  const kept = (old ?? []).filter((c) => inputs.some((i) => i.type === c.type));
  return inputs.reduce<Condition[]>((acc, input) => setCondition(acc, input, generation, now, order), kept);
}

function sortConditions(conditions: Condition[], order: readonly string[]): Condition[] {
  const rank = (t: string): number => {
    const i = order.indexOf(t);
    return i === -1 ? order.length : i;
  };
  return conditions.sort((a, b) => rank(a.type) - rank(b.type) || a.type.localeCompare(b.type));
}

/**
 * KServe-style aggregate: `Ready` is True when every dependency is True; False when any is False
 * (the first False in dependency order gives reason and message); otherwise Unknown (a missing
 * dependency counts as Unknown).
 */
export function deriveReady(
  conditions: readonly ConditionInput[],
  dependencies: readonly string[],
  type = "Ready",
): ConditionInput {
  const deps = dependencies.map(
    (d) =>
      conditions.find((c) => c.type === d) ?? {
        type: d,
        status: "Unknown" as const,
        reason: "NotObserved",
        message: `${d} has not been observed yet`,
      },
  );
  const failed = deps.find((c) => c.status === "False");
  if (failed !== undefined)
    return { type, status: "False", reason: failed.reason, message: `${failed.type}: ${failed.message}` };
  const unknown = deps.find((c) => c.status === "Unknown");
  if (unknown !== undefined)
    return {
      type,
      status: "Unknown",
      reason: unknown.reason,
      message: `${unknown.type}: ${unknown.message}`,
    };
  return { type, status: "True", reason: "Ready", message: `${dependencies.join(", ")} are True` };
}
