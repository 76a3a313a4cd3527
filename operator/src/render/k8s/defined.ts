/**
 * zod infers optional fields as `x?: T | undefined`; client-node types (under
 * `exactOptionalPropertyTypes`) want `x?: T`. `defined` copies a JSON-like value without its
 * undefined fields, and its type says so.
 */
export type Defined<T> = T extends readonly (infer U)[]
  ? Defined<U>[]
  : T extends object
    ? { [K in keyof T]: Defined<Exclude<T[K], undefined>> }
    : T;

export function defined<T>(value: T): Defined<T> {
  if (Array.isArray(value)) return value.map((v: unknown) => defined(v)) as Defined<T>;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = defined(v);
    return out as Defined<T>;
  }
  return value as Defined<T>;
}
