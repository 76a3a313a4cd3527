import type { z } from "zod";

/**
 * An object field that defaults to itself fully defaulted (`{}` parsed). In the CRD the default is
 * that whole object, not `{}`: the apiserver checks a default against the CEL rules as written,
 * before nested defaults, so `{}` would fail rules such as `self.minReplicas <= self.maxReplicas`.
 */
export function defaulted<T extends z.ZodObject>(schema: T): z.ZodDefault<T> {
  const withDefault = schema as unknown as { default(value: () => unknown): z.ZodDefault<T> };
  return withDefault.default(() => schema.parse({}));
}
