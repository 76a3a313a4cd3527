/**
 * Counts every API request the operator makes, by verb and resource, so tests and the benchmark
 * can assert "a resync makes zero writes" and report request totals.
 */
export const WRITE_VERBS = ["create", "update", "patch", "delete"] as const;
export type Verb = "get" | "list" | "watch" | (typeof WRITE_VERBS)[number];

export interface RequestRecord {
  readonly verb: Verb;
  /** Plural resource name, with "/subresource" when there is one: "sentimentmodels/status". */
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  /** HTTP status, or 0 when no response arrived. */
  readonly code: number;
}

export class RequestStats {
  readonly #counts = new Map<string, number>();
  readonly #listeners: ((r: RequestRecord) => void)[] = [];
  #log: RequestRecord[] = [];
  #keepLog = false;

  record(r: RequestRecord): void {
    const k = `${r.verb} ${r.resource}`;
    this.#counts.set(k, (this.#counts.get(k) ?? 0) + 1);
    if (this.#keepLog) this.#log.push(r);
    for (const fn of this.#listeners) fn(r);
  }

  onRecord(fn: (r: RequestRecord) => void): void {
    this.#listeners.push(fn);
  }

  /** Starts keeping every record (for tests that need to say which write happened). */
  keepLog(): void {
    this.#keepLog = true;
  }

  /** Records kept since `keepLog`, oldest first. */
  get log(): readonly RequestRecord[] {
    return this.#log;
  }

  /** Counts by "verb resource", e.g. `{"patch sentimentmodels/status": 3}`. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#counts.entries()].sort());
  }

  total(): number {
    let n = 0;
    for (const v of this.#counts.values()) n += v;
    return n;
  }

  /**
   * Write requests (create, update, patch, delete). Leader-election lease renewals and Events
   * are excluded unless asked for: they are the operator's own bookkeeping, not its resources.
   */
  writes(opts: { readonly includeLeases?: boolean; readonly includeEvents?: boolean } = {}): number {
    let n = 0;
    for (const [k, v] of this.#counts) {
      const [verb, resource] = k.split(" ") as [Verb, string];
      if (!(WRITE_VERBS as readonly string[]).includes(verb)) continue;
      if (!opts.includeLeases && resource === "leases") continue;
      if (!opts.includeEvents && resource === "events") continue;
      n += v;
    }
    return n;
  }
}

/** Reads verb, resource, namespace and name from a request's method and REST path. */
export function describeRequest(method: string, path: string, watch = false): Omit<RequestRecord, "code"> {
  const segments = path.split("?")[0]!.split("/").filter(Boolean).map(decodeURIComponent);
  // ["api", v, ...] or ["apis", group, v, ...]
  let rest = segments[0] === "api" ? segments.slice(2) : segments.slice(3);
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, sub] = rest;
  if (plural === undefined) return { verb: "get", resource: "discovery" };
  const resource = sub ? `${plural}/${sub}` : plural;
  const verb = verbOf(method, name !== undefined, watch);
  return { verb, resource, ...(namespace ? { namespace } : {}), ...(name !== undefined ? { name } : {}) };
}

function verbOf(method: string, named: boolean, watch: boolean): Verb {
  switch (method.toUpperCase()) {
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return "delete";
    default:
      return watch ? "watch" : named ? "get" : "list";
  }
}
