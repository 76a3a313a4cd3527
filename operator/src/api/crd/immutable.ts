import type { z } from "zod";

/** A CEL rule with a readable message, as `x-kubernetes-validations` holds them. */
export interface CelRule {
  readonly rule: string;
  readonly message: string;
}

/**
 * Transition rules that freeze every field of an object schema except `mutable`: one rule per
 * field so the apiserver's message names it. A required or defaulted field compares directly; an
 * optional one must also keep being set or unset (`has(self.x) == has(oldSelf.x)`).
 */
export function immutableExcept(
  shape: Readonly<Record<string, z.ZodType>>,
  mutable: readonly string[],
  prefix: string,
  hint: string,
): CelRule[] {
  return Object.entries(shape)
    .filter(([field]) => !mutable.includes(field))
    .map(([field, schema]) => {
      const alwaysSet =
        !schema.safeParse(undefined).success || schema.safeParse(undefined).data !== undefined;
      const rule = alwaysSet
        ? `self.${field} == oldSelf.${field}`
        : `has(self.${field}) == has(oldSelf.${field}) && (!has(self.${field}) || self.${field} == oldSelf.${field})`;
      return { rule, message: `${prefix}.${field} is immutable: ${hint}` };
    });
}
