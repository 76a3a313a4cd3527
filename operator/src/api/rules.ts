import type { z } from "zod";
import type { CelRule } from "./crd/immutable.ts";

/**
 * Value rules that the apiserver refuses with a sentence, not a regex. A CRD `pattern` answers
 * `spec.model in body should match '^[a-z]([-a-z0-9]*[a-z0-9])?$'`; a CEL rule with a `message`
 * answers `spec.model: Invalid value: "string": must be the name of a SentimentModel ...`
 * (crd/structural.ts refuses a `pattern`). Each helper is a zod
 * refinement (same sentence) plus the CEL rule, added to the rules the schema already carries.
 */

const withRule = <T extends z.ZodType>(schema: T, rule: CelRule): T => {
  const rules = (schema.meta()?.["x-kubernetes-validations"] as CelRule[] | undefined) ?? [];
  return schema.meta({ "x-kubernetes-validations": [...rules, rule] });
};

/**
 * A string matching `regex` (RE2 syntax, anchored by the regex itself), refused with `message`.
 * The CEL cost is (maxLength × regex length): give the string a maxLength.
 */
export function matching<T extends z.ZodString>(schema: T, regex: RegExp, message: string): T {
  if (regex.source.includes("'") || regex.flags !== "")
    throw new Error(`matching(): ${regex} must have no ' and no flags to be a CEL raw string`);
  return withRule<T>(
    schema.refine((s) => regex.test(s), message),
    {
      rule: `self.matches(r'${regex.source}')`,
      message,
    },
  );
}

const DOT_DOT = "must not contain a .. segment";

/** A path without `..` segments (RE2 has no lookahead, so this is a rule of its own). */
export const withoutDotDot = <T extends z.ZodString>(schema: T): T =>
  withRule<T>(
    schema.refine((p) => !p.split("/").includes(".."), DOT_DOT),
    {
      rule: "!self.split('/').exists(s, s == '..')",
      message: DOT_DOT,
    },
  );

/**
 * An `x-kubernetes-int-or-string` union whose string branch must satisfy `stringRule` (a CEL
 * expression over `self`); an integer passes. The rule is on the union because CEL sees it as
 * `dyn`, whose cost the apiserver estimates from the largest request, not from maxLength.
 */
export const intOrStringRule = <T extends z.ZodType>(schema: T, stringRule: string, message: string): T =>
  withRule(schema, { rule: `type(self) == int || ${stringRule}`, message });
