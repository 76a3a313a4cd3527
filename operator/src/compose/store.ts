import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from "node:fs";
import { join } from "node:path";
import type { KubeObject } from "../api/kube-object.ts";

/**
 * The durable state of compose mode: a state directory, one JSON file per object, written by
 * rename (a crash leaves the old file or the new one, never half of one).
 *
 * Why a directory and not an embedded database: the state is a few dozen small objects; files need
 * no dependency, survive `kill -9` with atomic renames, and can be read with `cat`; two processes
 * write without locks because they write different files: `compose apply|delete` write a
 * resource's object file, and only `compose up` writes status files and children. `up` notices
 * other processes' writes by re-reading the directory (a `stat` per file, every second).
 *
 * Layout under `dir`:
 * - `objects/<plural>/<namespace>/<name>.json` and `<name>.status.json` (the status subresource);
 * - `events.jsonl` (events.k8s.io-like records, appended);
 * - `volumes/<claim>/` (the model store, laid out like the PVC), `logs/`, `run/` (process table).
 */
export type Handler = (obj: KubeObject) => void;

const OBJECT_SUFFIX = ".json";
const STATUS_SUFFIX = ".status.json";

export interface StoredEvent {
  readonly time: string;
  readonly type: "Normal" | "Warning";
  readonly reason: string;
  readonly note: string;
  readonly regarding: {
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
    readonly uid: string;
  };
}

export class StateStore {
  readonly dir: string;
  readonly #cache = new Map<string, Map<string, { raw: string; obj: KubeObject }>>();
  readonly #handlers = new Map<string, Handler[]>();

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(join(dir, "objects"), { recursive: true });
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** Registers a change handler for one plural (adds, updates and deletes). */
  on(plural: string, handler: Handler): void {
    const list = this.#handlers.get(plural) ?? [];
    list.push(handler);
    this.#handlers.set(plural, list);
  }

  get(plural: string, namespace: string, name: string): KubeObject | undefined {
    this.#ensure(plural);
    return this.#cache.get(plural)?.get(`${namespace}/${name}`)?.obj;
  }

  list(plural: string, namespace?: string): KubeObject[] {
    this.#ensure(plural);
    const all = [...(this.#cache.get(plural)?.values() ?? [])].map((e) => e.obj);
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  /** Reads an object straight from disk (for CLI commands, which keep no cache). */
  read(plural: string, namespace: string, name: string): KubeObject | undefined {
    return this.#readFile(join(this.dir, "objects", plural, namespace), name);
  }

  /** Every object of a plural on disk. */
  readAll(plural: string, namespace?: string): KubeObject[] {
    const base = join(this.dir, "objects", plural);
    const namespaces = namespace === undefined ? safeReaddir(base) : [namespace];
    return namespaces.flatMap((ns) =>
      safeReaddir(join(base, ns))
        .filter((f) => f.endsWith(OBJECT_SUFFIX) && !f.endsWith(STATUS_SUFFIX))
        .map((f) => this.#readFile(join(base, ns), f.slice(0, -OBJECT_SUFFIX.length)))
        .filter((o): o is KubeObject => o !== undefined),
    );
  }

  /** Writes an object (without its status) atomically. */
  writeObject(plural: string, obj: KubeObject): void {
    const { status: _status, ...rest } = obj as Record<string, unknown>;
    const ns = obj.metadata?.namespace ?? "default";
    const dir = join(this.dir, "objects", plural, ns);
    writeAtomic(dir, `${obj.metadata?.name}${OBJECT_SUFFIX}`, rest);
    this.#refreshOne(plural, ns, obj.metadata?.name ?? "");
  }

  /** Writes the status subresource atomically. */
  writeStatus(plural: string, namespace: string, name: string, status: unknown): void {
    writeAtomic(join(this.dir, "objects", plural, namespace), `${name}${STATUS_SUFFIX}`, status);
    this.#refreshOne(plural, namespace, name);
  }

  remove(plural: string, namespace: string, name: string): boolean {
    const dir = join(this.dir, "objects", plural, namespace);
    const existed = existsSync(join(dir, `${name}${OBJECT_SUFFIX}`));
    rmSync(join(dir, `${name}${OBJECT_SUFFIX}`), { force: true });
    rmSync(join(dir, `${name}${STATUS_SUFFIX}`), { force: true });
    this.#refreshOne(plural, namespace, name);
    return existed;
  }

  appendEvent(e: StoredEvent): void {
    appendFileSync(join(this.dir, "events.jsonl"), `${JSON.stringify(e)}\n`);
  }

  /** Events about one object (by kind and name), oldest first. */
  events(filter?: { kind: string; namespace: string; name: string }): StoredEvent[] {
    let text = "";
    try {
      text = readFileSync(join(this.dir, "events.jsonl"), "utf8");
    } catch {
      return [];
    }
    return text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as StoredEvent];
        } catch {
          return []; // a line cut by a crash
        }
      })
      .filter(
        (e) =>
          filter === undefined ||
          (e.regarding.kind === filter.kind &&
            e.regarding.namespace === filter.namespace &&
            e.regarding.name === filter.name),
      );
  }

  /** Re-reads every known plural from disk and notifies handlers of what changed (other processes' writes). */
  rescan(): void {
    for (const plural of new Set([...this.#cache.keys(), ...this.#handlers.keys()]))
      this.#rescanPlural(plural);
  }

  #ensure(plural: string): void {
    if (!this.#cache.has(plural)) this.#rescanPlural(plural);
  }

  #rescanPlural(plural: string): void {
    const seen = new Set<string>();
    const current = this.#cache.get(plural) ?? new Map<string, { raw: string; obj: KubeObject }>();
    this.#cache.set(plural, current);
    const base = join(this.dir, "objects", plural);
    for (const ns of safeReaddir(base))
      for (const f of safeReaddir(join(base, ns))) {
        if (!f.endsWith(OBJECT_SUFFIX) || f.endsWith(STATUS_SUFFIX)) continue;
        const name = f.slice(0, -OBJECT_SUFFIX.length);
        seen.add(`${ns}/${name}`);
        this.#refreshOne(plural, ns, name);
      }
    for (const key of [...current.keys()])
      if (!seen.has(key)) {
        const [ns, name] = key.split("/") as [string, string];
        this.#refreshOne(plural, ns, name);
      }
  }

  #refreshOne(plural: string, namespace: string, name: string): void {
    const map = this.#cache.get(plural);
    if (map === undefined) return; // nobody reads this plural yet: read on first use
    const key = `${namespace}/${name}`;
    const dir = join(this.dir, "objects", plural, namespace);
    const obj = this.#readFile(dir, name);
    const old = map.get(key);
    if (obj === undefined) {
      if (old === undefined) return;
      map.delete(key);
      this.#emit(plural, old.obj);
      return;
    }
    const raw = JSON.stringify(obj);
    if (old?.raw === raw) return;
    map.set(key, { raw, obj });
    this.#emit(plural, obj);
  }

  #emit(plural: string, obj: KubeObject): void {
    for (const h of this.#handlers.get(plural) ?? []) h(obj);
  }

  #readFile(dir: string, name: string): KubeObject | undefined {
    const obj = readJson(join(dir, `${name}${OBJECT_SUFFIX}`)) as Record<string, unknown> | undefined;
    if (obj === undefined) return undefined;
    const status = readJson(join(dir, `${name}${STATUS_SUFFIX}`));
    return status === undefined ? obj : { ...obj, status };
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Write to a temporary file in the same directory, then rename over the target. */
export function writeAtomic(dir: string, file: string, value: unknown): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${file}.${randomBytes(4).toString("hex")}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, join(dir, file));
}
