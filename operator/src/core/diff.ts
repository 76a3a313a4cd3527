import { createHash } from "node:crypto";
import stringify from "fast-json-stable-stringify";
import { DESIRED_HASH_ANNOTATION } from "../api/names.ts";
import { quantityValue } from "../api/quantity.ts";
import type { KubeObject, NamedKubeObject } from "../api/kube-object.ts";
import type { ChildAction, ObjectRef } from "./types.ts";

/**
 * Desired vs live, KServe style: a pure comparison that returns one action or none. Steady state
 * must make ZERO writes, so "matches" is lenient where the apiserver legitimately differs:
 * - fields absent from desired are ignored (server defaults, status, other managers' fields, and
 *   `replicas` when the Deployment leaves them to an HPA);
 * - a desired zero value (`false`, `0`, `""`, `[]`, `{}`) matches an absent live field (omitempty);
 * - quantities under `resources`/`storage` compare by value (`0.5` == `500m`).
 * Removals (a label the spec no longer wants) are caught by the desired-hash annotation: the hash
 * of the desired object, stamped on every applied child.
 */

/**
 * sha256 (first 16 hex) of the desired object as JSON with sorted keys (fast-json-stable-stringify),
 * without the hash annotation itself. The hash is stamped on live children: a change in how it is
 * computed rolls every Deployment on upgrade, so diff.test.ts pins one value.
 */
export function desiredHash(desired: NamedKubeObject): string {
  const annotations = { ...desired.metadata.annotations };
  delete annotations[DESIRED_HASH_ANNOTATION];
  const copy = { ...desired, metadata: { ...desired.metadata, annotations } };
  return createHash("sha256").update(stringify(copy)).digest("hex").slice(0, 16);
}

/** The desired object with its hash annotation: what `apply` sends. */
export function withDesiredHash<T extends NamedKubeObject>(desired: T): T {
  const annotations = desired.metadata.annotations ?? {};
  return {
    ...desired,
    metadata: {
      ...desired.metadata,
      annotations: { ...annotations, [DESIRED_HASH_ANNOTATION]: desiredHash(desired) },
    },
  };
}

const QUANTITY_KEYS = new Set(["resources", "storage", "requests", "limits"]);
const isZero = (v: unknown): boolean =>
  v === false ||
  v === 0 ||
  v === "" ||
  (Array.isArray(v) && v.length === 0) ||
  (v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    Object.keys(v).every((k) => (v as Record<string, unknown>)[k] === undefined));

/** Whether every field set in `desired` has the same value in `live` (see the rules above). */
export function matchesDesired(desired: unknown, live: unknown, path: readonly string[] = []): boolean {
  if (desired === undefined) return true;
  if (live === undefined || live === null) return desired === null || isZero(desired);
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) &&
      live.length === desired.length &&
      desired.every((d, i) => matchesDesired(d, live[i], path))
    );
  }
  if (desired !== null && typeof desired === "object") {
    if (typeof live !== "object" || Array.isArray(live)) return false;
    return Object.entries(desired as Record<string, unknown>).every(([k, d]) =>
      matchesDesired(d, (live as Record<string, unknown>)[k], [...path, k]),
    );
  }
  if (desired === live) return true;
  if (
    (typeof desired === "string" || typeof desired === "number") &&
    (typeof live === "string" || typeof live === "number") &&
    path.some((p) => QUANTITY_KEYS.has(p))
  ) {
    const a = quantityValue(desired);
    const b = quantityValue(live);
    return a !== undefined && b !== undefined && Math.abs(a - b) <= Math.abs(a) * 1e-9;
  }
  return false;
}

export interface PlanOptions {
  /** Only create: never update a live child (a PVC's spec is immutable once bound). */
  readonly createOnly?: boolean;
}

/**
 * The action that brings one child to its desired state: `apply`/`create` when absent,
 * `apply`/`update` when the hash annotation differs or a desired field drifted, none when it matches.
 */
export function planChild(
  desired: NamedKubeObject,
  live: KubeObject | undefined,
  options: PlanOptions = {},
): ChildAction | undefined {
  const object = withDesiredHash(desired);
  if (live === undefined) return { verb: "apply", reason: "create", object };
  if (options.createOnly === true) return undefined;
  // List items from informers may lack apiVersion/kind: compare everything else.
  const { apiVersion: _a, kind: _k, ...comparable } = object;
  return matchesDesired(comparable, live) ? undefined : { verb: "apply", reason: "update", object };
}

/** Delete a live child the spec no longer wants; none when it is already gone. */
export function planDelete(
  live: { metadata?: { name?: string | undefined } | undefined } | undefined,
  ref: ObjectRef,
  reason: string,
): ChildAction | undefined {
  return live === undefined ? undefined : { verb: "delete", reason, ref };
}
