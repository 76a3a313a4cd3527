import { z } from "zod";

/** A JSON Schema node as zod emits it and the CRD wants it. */
export type SchemaNode = { [k: string]: unknown };

const SAFE_INT = Number.MAX_SAFE_INTEGER;
/** Keys an OpenAPI v3 structural schema may not carry (or that Kubernetes rejects). */
const DROPPED = new Set(["$schema", "id", "$id", "propertyNames", "examples"]);

const VALUE_VALIDATIONS = new Set(["maxLength", "minLength", "minimum", "maximum"]);

export class StructuralError extends Error {
  override readonly name = "StructuralError";
}

/**
 * zod 4 → JSON Schema (OpenAPI 3.0 flavour, input side so defaulted fields are optional) →
 * a Kubernetes structural schema:
 * - no `$ref` (schemas are inlined), no `anyOf` except under `x-kubernetes-int-or-string`, where it
 *   becomes `[{type: integer}, {type: string}]`, keeps the branches' value validations, and loses its
 *   `default` (the apiserver refuses one there; the parent's default or zod's applies);
 * - `const` becomes a one-value `enum`; zod's ±MAX_SAFE_INTEGER bounds and the date-time pattern go
 *   (the apiserver checks int64 and `format: date-time` itself); `additionalProperties: false` goes;
 * - every node has a `type`, every string a `maxLength` (or an enum/format), every array a
 *   `maxItems` and every map a `maxProperties`, so CEL cost estimates are finite.
 * Any other shape is a StructuralError naming the path: fix the zod schema.
 */
export function toStructural(schema: z.ZodType): SchemaNode {
  const json = z.toJSONSchema(schema, {
    target: "openapi-3.0",
    io: "input",
    unrepresentable: "throw",
    reused: "inline",
  });
  return convert(json, "");
}

function convert(node: SchemaNode, path: string): SchemaNode {
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) if (!DROPPED.has(k)) out[k] = v;
  if ("$ref" in out || "$defs" in out || "definitions" in out)
    throw new StructuralError(`${path || "(root)"}: $ref is not structural`);
  if (out["x-kubernetes-int-or-string"] === true) {
    // The one anyOf Kubernetes allows (as kubebuilder emits it). The branches' value validations
    // move up: the apiserver applies string ones (maxLength) to strings only and numeric ones
    // (minimum, maximum) to numbers only. A string's form is a CEL rule on the union
    // (intOrStringRule of api/rules.ts), not a pattern.
    const branches = ((out["anyOf"] ?? out["oneOf"] ?? []) as SchemaNode[]).flatMap((b) => Object.entries(b));
    for (const [k, v] of branches) {
      if (k === "pattern")
        throw new StructuralError(`${path}: a pattern is refused with the raw regex; use intOrStringRule()`);
      if (VALUE_VALIDATIONS.has(k) && !(SAFE_INT === Math.abs(v as number))) out[k] = v;
    }
    delete out["oneOf"];
    delete out["type"];
    // kube-apiserver 1.33 rejects a `default` here ("type ... must not be empty"): the operator
    // applies the zod default when it parses the resource instead.
    delete out["default"];
    out["anyOf"] = [{ type: "integer" }, { type: "string" }];
    return out;
  }
  if ("anyOf" in out || "oneOf" in out || "allOf" in out || "not" in out) {
    throw new StructuralError(
      `${path || "(root)"}: anyOf/oneOf/allOf/not are not allowed here; use a single type or x-kubernetes-int-or-string`,
    );
  }
  if ("nullable" in out) throw new StructuralError(`${path}: nullable is not used in this API`);
  if ("const" in out) {
    out["enum"] = [out["const"]];
    delete out["const"];
  }
  if (out["minimum"] === -SAFE_INT) delete out["minimum"];
  if (out["maximum"] === SAFE_INT) delete out["maximum"];
  if (out["format"] === "date-time") delete out["pattern"];
  if ("pattern" in out)
    throw new StructuralError(
      `${path || "(root)"}: a pattern is refused with the raw regex; use matching() of api/rules.ts for a sentence`,
    );
  if (out["additionalProperties"] === false) delete out["additionalProperties"];
  const type = out["type"];
  if (typeof type !== "string")
    throw new StructuralError(`${path || "(root)"}: every node needs a single type`);
  if (type === "string" && out["maxLength"] === undefined && out["enum"] === undefined) {
    throw new StructuralError(`${path}: strings need maxLength (CEL cost limits)`);
  }
  if (type === "array") {
    if (out["maxItems"] === undefined)
      throw new StructuralError(`${path}: arrays need maxItems (CEL cost limits)`);
    out["items"] = convert(out["items"] as SchemaNode, `${path}[]`);
  }
  if (type === "object") {
    const props = out["properties"] as Record<string, SchemaNode> | undefined;
    if (props !== undefined) {
      out["properties"] = Object.fromEntries(
        Object.entries(props).map(([k, v]) => [k, convert(v, `${path}.${k}`)]),
      );
    }
    const extra = out["additionalProperties"];
    if (extra !== undefined && typeof extra === "object") {
      if (out["maxProperties"] === undefined)
        throw new StructuralError(`${path}: maps need maxProperties (CEL cost limits)`);
      out["additionalProperties"] = convert(extra as SchemaNode, `${path}.*`);
    }
  }
  return out;
}
