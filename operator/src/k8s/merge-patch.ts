/**
 * The JSON merge patch (RFC 7386) that turns `live` into `desired`: only changed keys, `null` for
 * keys to remove, arrays replaced whole. `undefined` when nothing changed, so callers can skip
 * the write altogether.
 */
export function mergePatch(live: unknown, desired: unknown): unknown {
  if (!isPlainObject(live) || !isPlainObject(desired)) {
    return deepEqual(live, desired) ? undefined : desired;
  }
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(desired)) {
    if (v === undefined) continue;
    const sub = mergePatch(live[k], v);
    if (sub !== undefined) patch[k] = sub;
  }
  for (const k of Object.keys(live)) {
    if (live[k] !== undefined && desired[k] === undefined) patch[k] = null;
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values; `undefined` object fields count as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
