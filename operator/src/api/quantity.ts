// Hand-written, not client-node's quantityToScalar (1.4.0), which lacks what we need: it throws on
// a fraction with a decimal or binary multiple ("1.5Gi", "0.5G", valid quantities the schema
// accepts), returns number | bigint, reads "" as 0, has no syntax check (compose admission uses
// QUANTITY_PATTERN) and is not exported from the package root. quantity.test.ts shows the gaps.
import { z } from "zod";
import { intOrStringRule } from "./rules.ts";

/** Kubernetes resource.Quantity syntax: a decimal with an optional binary, decimal or exponent suffix. */
export const QUANTITY_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;

export const QUANTITY_MESSAGE = "must be a quantity such as 500m, 2Gi or 1";

/**
 * A quantity such as `500m`, `2Gi` or `1`: a string or a number. In the CRD it becomes
 * `x-kubernetes-int-or-string` (see crd/structural.ts), as Kubernetes' own types do, and the string
 * is checked by Kubernetes' own quantity parser (CEL `isQuantity`, Kubernetes 1.29+) rather than by
 * a `pattern`, which would answer with the raw regex. Compose mode's admission gives `isQuantity`
 * QUANTITY_PATTERN (operator/src/compose/validate.ts).
 */
export const Quantity = intOrStringRule(
  z
    .union([
      z
        .string()
        .max(64)
        .refine((q) => QUANTITY_PATTERN.test(q), QUANTITY_MESSAGE),
      z.int().min(0),
    ])
    .meta({ "x-kubernetes-int-or-string": true }),
  "isQuantity(self)",
  QUANTITY_MESSAGE,
);
export type Quantity = z.infer<typeof Quantity>;

const PERCENT = /^\d{1,3}%$/;
const PERCENT_MESSAGE = "must be an integer or a percentage such as 25%";

/** An int or a percentage string (`1`, `25%`), e.g. a PDB's maxUnavailable. */
export const IntOrPercent = intOrStringRule(
  z
    .union([
      z.int().min(0).max(1_000_000),
      z
        .string()
        .max(4)
        .refine((p) => PERCENT.test(p), PERCENT_MESSAGE),
    ])
    .meta({ "x-kubernetes-int-or-string": true }),
  `self.matches(r'${PERCENT.source}')`,
  PERCENT_MESSAGE,
);
export type IntOrPercent = z.infer<typeof IntOrPercent>;

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * The numeric value of a quantity (`"500m"` → 0.5, `"2Gi"` → 2147483648), or undefined when the
 * string is not a quantity. The apiserver canonicalises quantities (`"0.5"` comes back as
 * `"500m"`), so comparisons of desired and live objects compare values, not strings.
 */
export function quantityValue(q: string | number): number | undefined {
  if (typeof q === "number") return q;
  const m = QUANTITY_PATTERN.exec(q);
  if (m === null) return undefined;
  const suffix = m[3] ?? "";
  const base = Number(q.slice(0, q.length - suffix.length));
  if (/^[eE]/.test(suffix)) return base * 10 ** Number(suffix.slice(1));
  const factor = SUFFIX[suffix];
  return factor === undefined ? undefined : base * factor;
}
