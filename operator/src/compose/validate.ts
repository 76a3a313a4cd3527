import { Environment } from "@marcbachmann/cel-js";
import { GROUP } from "../api/group.ts";
import { QUANTITY_PATTERN } from "../api/quantity.ts";
import { buildCrd, type CrdDefinition } from "../api/crd/build.ts";
import type { CelRule } from "../api/crd/immutable.ts";
import type { SchemaNode } from "../api/crd/structural.ts";

/**
 * Admission for compose mode, from the SAME generated CRD schema the apiserver enforces (OpenAPI
 * bounds, enums, defaults and the CEL rules, transition rules included; the CRDs have no
 * `pattern`, see api/rules.ts) with the apiserver's wording, so a refusal reads the same in both
 * modes:
 * `TrainingRun.sentiment.mlops.dev "x" is invalid: spec.architecture: Unsupported value: ...`.
 * Order as in the apiserver: prune unknown fields, apply defaults, validate schema, then CEL unless
 * a schema error blocks it (a wrong type, enum, required field, length or count).
 * CEL runs on @marcbachmann/cel-js (the Kubernetes `split` string extension included), with
 * Kubernetes' `isQuantity` given QUANTITY_PATTERN; integers are CEL ints, as the apiserver has them.
 */
export interface Admitted {
  readonly object: Record<string, unknown>;
}

type Json = unknown;

const cel = new Environment({ unlistedVariablesAreDyn: true }).registerFunction(
  "isQuantity(string): bool",
  (q: string) => QUANTITY_PATTERN.test(q),
);

/** The value as CEL sees it: numbers of integer (or int-or-string) fields are ints, not doubles. */
function celValue(node: SchemaNode | undefined, value: Json): Json {
  if (node === undefined) return value;
  const intField = node["type"] === "integer" || node["x-kubernetes-int-or-string"] === true;
  if (typeof value === "number" && intField && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map((v) => celValue(node["items"] as SchemaNode | undefined, v));
  if (isObject(value)) {
    const props = node["properties"] as Record<string, SchemaNode> | undefined;
    const additional = node["additionalProperties"];
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        celValue(props?.[k] ?? (isObject(additional) ? additional : undefined), v),
      ]),
    );
  }
  return value;
}
const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const schemaCache = new Map<string, SchemaNode>();
function schemaOf(def: CrdDefinition): SchemaNode {
  let s = schemaCache.get(def.names.kind);
  if (s === undefined) {
    const crd = buildCrd(def) as { spec: { versions: { schema: { openAPIV3Schema: SchemaNode } }[] } };
    s = crd.spec.versions[0]!.schema.openAPIV3Schema;
    schemaCache.set(def.names.kind, s);
  }
  return s;
}

/** How the apiserver prints a value in "Invalid value: X". */
function shown(v: Json): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (isObject(v)) return '"object"';
  if (Array.isArray(v)) return '"array"';
  return String(v);
}

function typeOf(v: Json): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** Drops fields the schema does not know (the apiserver prunes them) and fills defaults. */
function pruneAndDefault(node: SchemaNode, value: Json): Json {
  if (isObject(value) && node["type"] === "object") {
    const props = node["properties"] as Record<string, SchemaNode> | undefined;
    const additional = node["additionalProperties"] as SchemaNode | undefined;
    const preserve = node["x-kubernetes-preserve-unknown-fields"] === true;
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const child = props?.[k] ?? (typeof additional === "object" ? additional : undefined);
      if (child !== undefined) out[k] = pruneAndDefault(child, v);
      else if (preserve || props === undefined) out[k] = v;
    }
    for (const [k, child] of Object.entries(props ?? {}))
      if (out[k] === undefined && child["default"] !== undefined)
        out[k] = pruneAndDefault(child, structuredClone(child["default"]));
    return out;
  }
  if (Array.isArray(value) && node["type"] === "array" && isObject(node["items"]))
    return value.map((v) => pruneAndDefault(node["items"] as SchemaNode, v));
  return value;
}

function checkValue(node: SchemaNode, value: Json, path: string, errors: string[]): void {
  const type = node["type"] as string | undefined;
  if (node["anyOf"] !== undefined) {
    // x-kubernetes-int-or-string
    if (typeof value !== "string" && !Number.isInteger(value)) {
      errors.push(
        `${path}: Invalid value: ${shown(value)}: ${path} in body must be of type integer,string: "${typeOf(value)}"`,
      );
      return;
    }
  } else if (type !== undefined) {
    const actual = typeOf(value);
    const ok = actual === type || (type === "number" && actual === "integer");
    if (!ok) {
      errors.push(
        `${path}: Invalid value: "${actual}": ${path} in body must be of type ${type}: "${actual}"`,
      );
      return;
    }
  }
  const en = node["enum"] as Json[] | undefined;
  if (en !== undefined && !en.includes(value)) {
    errors.push(
      `${path}: Unsupported value: ${shown(value)}: supported values: ${en.map((e) => JSON.stringify(e)).join(", ")}`,
    );
  }
  if (typeof value === "number") {
    const min = node["minimum"] as number | undefined;
    const max = node["maximum"] as number | undefined;
    if (min !== undefined) {
      if (node["exclusiveMinimum"] === true ? value <= min : value < min)
        errors.push(
          `${path}: Invalid value: ${value}: ${path} in body should be greater than ${node["exclusiveMinimum"] === true ? "" : "or equal to "}${min}`,
        );
    }
    if (max !== undefined) {
      if (node["exclusiveMaximum"] === true ? value >= max : value > max)
        errors.push(
          `${path}: Invalid value: ${value}: ${path} in body should be less than ${node["exclusiveMaximum"] === true ? "" : "or equal to "}${max}`,
        );
    }
  }
  if (typeof value === "string") {
    const maxLength = node["maxLength"] as number | undefined;
    const minLength = node["minLength"] as number | undefined;
    if (maxLength !== undefined && value.length > maxLength)
      errors.push(`${path}: Too long: may not be more than ${maxLength} bytes`);
    if (minLength !== undefined && value.length < minLength)
      errors.push(
        `${path}: Invalid value: ${shown(value)}: ${path} in body should be at least ${minLength} chars long`,
      );
  }
  if (Array.isArray(value)) {
    const maxItems = node["maxItems"] as number | undefined;
    if (maxItems !== undefined && value.length > maxItems)
      errors.push(`${path}: Too many: ${value.length}: must have at most ${maxItems} items`);
    const items = node["items"] as SchemaNode | undefined;
    if (items !== undefined) value.forEach((v, i) => checkValue(items, v, `${path}[${i}]`, errors));
  }
  if (isObject(value)) {
    for (const req of (node["required"] as string[] | undefined) ?? [])
      if (value[req] === undefined) errors.push(`${path ? `${path}.` : ""}${req}: Required value`);
    const props = node["properties"] as Record<string, SchemaNode> | undefined;
    const additional = node["additionalProperties"] as SchemaNode | undefined;
    for (const [k, v] of Object.entries(value)) {
      const child = props?.[k] ?? (isObject(additional) ? additional : undefined);
      if (child !== undefined) checkValue(child, v, path ? `${path}.${k}` : k, errors);
    }
  }
}

/**
 * Evaluates the x-kubernetes-validations of every node (transition rules only on update, when
 * oldSelf exists), on values as CEL sees them (celValue). As the apiserver, a refusal shows the
 * node's type, not the value
 * (`Invalid value: "string"`; `""` for an int-or-string), and map entries are `path[key]`.
 */
function checkRules(node: SchemaNode, value: Json, old: Json, path: string, errors: string[]): void {
  if (value === undefined) return;
  const shownType = JSON.stringify(node["type"] ?? "");
  for (const r of (node["x-kubernetes-validations"] as CelRule[] | undefined) ?? []) {
    const transition = /\boldSelf\b/.test(r.rule);
    if (transition && old === undefined) continue;
    let passed: unknown;
    try {
      passed = cel.evaluate(r.rule, transition ? { self: value, oldSelf: old } : { self: value });
    } catch (e) {
      passed = false;
      errors.push(`${path || "<nil>"}: Invalid value: ${shownType}: ${r.message} (${(e as Error).message})`);
      continue;
    }
    if (passed !== true) errors.push(`${path || "<nil>"}: Invalid value: ${shownType}: ${r.message}`);
  }
  if (isObject(value)) {
    const props = node["properties"] as Record<string, SchemaNode> | undefined;
    for (const [k, child] of Object.entries(props ?? {}))
      checkRules(child, value[k], isObject(old) ? old[k] : undefined, path ? `${path}.${k}` : k, errors);
    const additional = node["additionalProperties"];
    if (isObject(additional))
      for (const [k, v] of Object.entries(value))
        if (props?.[k] === undefined) checkRules(additional, v, undefined, `${path}[${k}]`, errors);
  } else if (Array.isArray(value) && isObject(node["items"])) {
    value.forEach((v, i) => checkRules(node["items"] as SchemaNode, v, undefined, `${path}[${i}]`, errors));
  }
}

/** The apiserver's 422 text: one error inline, several in brackets. */
export function invalidMessage(kind: string, name: string, errors: readonly string[]): string {
  const list = errors.length === 1 ? errors[0]! : `[${errors.join(", ")}]`;
  return `${kind}.${GROUP} "${name}" is invalid: ${list}`;
}

/** Schema errors after which the apiserver runs no CEL rule (its hasBlockingErr), and what it says. */
const BLOCKING = /: (Unsupported value|Required value|Too long|Too many)|in body must be of type/;
const NOT_CHECKED =
  '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

export class AdmissionError extends Error {
  override readonly name = "AdmissionError";
}

/**
 * Admits `obj` (status dropped: it is a subresource) as a create, or as an update of `old`.
 * Returns the pruned, defaulted object, or throws an AdmissionError with the apiserver's text.
 */
export function admit(
  def: CrdDefinition,
  obj: Record<string, unknown>,
  old?: Record<string, unknown>,
): Admitted {
  const schema = schemaOf(def);
  const { status: _status, ...rest } = obj;
  const meta = isObject(rest["metadata"]) ? rest["metadata"] : {};
  const name = typeof meta["name"] === "string" ? meta["name"] : "";
  if (name === "")
    throw new AdmissionError(
      invalidMessage(def.names.kind, name, [
        "metadata.name: Required value: name or generateName is required",
      ]),
    );
  const object = pruneAndDefault(schema, { ...rest, metadata: meta }) as Record<string, unknown>;
  object["metadata"] = meta;
  const errors: string[] = [];
  const { metadata: _m, ...checked } = object;
  checkValue(schema, checked, "", errors);
  if (errors.some((e) => BLOCKING.test(e))) errors.push(NOT_CHECKED);
  else {
    const self = { ...object, metadata: { name } };
    const oldSelf = old === undefined ? undefined : { ...old, metadata: { name } };
    checkRules(schema, celValue(schema, self), celValue(schema, oldSelf), "", errors);
  }
  if (errors.length > 0) throw new AdmissionError(invalidMessage(def.names.kind, name, errors));
  return { object };
}
