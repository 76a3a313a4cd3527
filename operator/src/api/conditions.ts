import { z } from "zod";
import { matching } from "./rules.ts";
import { rfc3339, Time } from "./time.ts";

export const ConditionStatus = z.enum(["True", "False", "Unknown"]);
export type ConditionStatus = z.infer<typeof ConditionStatus>;

/**
 * A condition in the KEP-1623 shape (`metav1.Condition`): the standard for status conditions.
 * `reason` is CamelCase and machine-readable; `message` is for humans.
 */
export const Condition = z.object({
  type: matching(
    z.string().max(316),
    /^([a-z0-9.-]+\/)?[A-Za-z0-9_.-]+$/,
    "must be a condition type such as Ready or example.com/Ready",
  ).describe("The aspect of the object this condition is about, in CamelCase, such as Ready."),
  status: ConditionStatus.describe("True, False or Unknown (could not be observed)."),
  observedGeneration: z
    .int()
    .min(0)
    .optional()
    .describe(
      "The metadata.generation the condition was set from; older than the object's means it is stale.",
    ),
  lastTransitionTime: Time.describe("When status last changed (RFC 3339); a new reason or message keeps it."),
  reason: matching(
    z.string().max(1024),
    /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/,
    "must be a CamelCase reason such as JobComplete: letters, digits, '_', ',' and ':', starting with a letter",
  ).describe(
    "Why the condition has this status: a CamelCase word for programs, such as BackoffLimitExceeded.",
  ),
  message: z.string().max(32768).describe("Why the condition has this status, for humans; may be empty."),
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
