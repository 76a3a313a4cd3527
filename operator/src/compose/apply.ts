import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { API_VERSION } from "../api/group.ts";
import { SENTIMENT_MODEL_CRD, TRAINING_RUN_CRD } from "../api/crd/definitions.ts";
import type { CrdDefinition } from "../api/crd/build.ts";
import { jsonEqual } from "../core/json-equal.ts";
import { storeObject } from "./local-port.ts";
import type { StateStore } from "./store.ts";
import { admit, AdmissionError } from "./validate.ts";

/** A user's error: printed as one line (`error: ...`), nothing written. */
export class UserError extends Error {
  override readonly name = "UserError";
}

export interface Manifest {
  readonly source: string;
  readonly object: Record<string, unknown>;
}

const KINDS: readonly CrdDefinition[] = [TRAINING_RUN_CRD, SENTIMENT_MODEL_CRD];

/** The kind's CRD definition by kind, plural, singular or short name (any case). */
export function crdFor(word: string): CrdDefinition | undefined {
  const w = word.toLowerCase();
  return KINDS.find(
    (d) =>
      d.names.kind.toLowerCase() === w ||
      d.names.plural === w ||
      d.names.singular === w ||
      d.names.shortNames.includes(w),
  );
}

/** Files of `-f`: a file, or the .yaml/.yml/.json files of a directory (not recursive, sorted), as kubectl. */
function filesOf(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UserError(`the path "${path}" does not exist`);
  }
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(path, f));
}

/** Reads every document of every `-f` path; invalid YAML is one line naming the file. */
export function readManifests(paths: readonly string[]): Manifest[] {
  const out: Manifest[] = [];
  for (const file of paths.flatMap(filesOf)) {
    const shown = relative(process.cwd(), file) || file;
    const text = readFileSync(file, "utf8");
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        const first = doc.errors[0]!;
        throw new UserError(`error parsing ${shown}: ${first.message.split("\n")[0]}`);
      }
      const value = doc.toJS() as unknown;
      if (value === null || value === undefined) continue;
      if (typeof value !== "object" || Array.isArray(value))
        throw new UserError(
          `error parsing ${shown}: a document is not an object (apiVersion, kind, metadata, spec)`,
        );
      const items = (value as { kind?: string; items?: unknown[] }).kind?.endsWith("List")
        ? ((value as { items?: unknown[] }).items ?? [])
        : [value];
      for (const item of items) out.push({ source: shown, object: item as Record<string, unknown> });
    }
  }
  return out;
}

export interface Applied {
  readonly kind: string;
  readonly name: string;
  readonly result: "created" | "configured" | "unchanged";
}

/**
 * Validates every manifest first (kind, schema, CEL rules including the immutable spec against
 * what is stored), then stores them all: one refusal stores nothing. Messages are the apiserver's
 * and kubectl's.
 */
export function applyManifests(
  store: StateStore,
  manifests: readonly Manifest[],
  namespace: string,
): Applied[] {
  const admitted = manifests.map(({ source, object }) => {
    const meta = (object["metadata"] ?? {}) as Record<string, unknown>;
    const name = typeof meta["name"] === "string" ? meta["name"] : "";
    const ns = typeof meta["namespace"] === "string" ? meta["namespace"] : namespace;
    const kind = typeof object["kind"] === "string" ? object["kind"] : "";
    const apiVersion = typeof object["apiVersion"] === "string" ? object["apiVersion"] : "";
    const def = crdFor(kind);
    if (def === undefined || def.names.kind !== kind || apiVersion !== API_VERSION)
      throw new UserError(
        `resource mapping not found for name: "${name}" namespace: "${ns}" from "${source}": no matches for kind "${kind}" in version "${apiVersion}": compose mode serves ${KINDS.map((k) => k.names.kind).join(" and ")} (${API_VERSION})`,
      );
    const old = store.read(def.names.plural, ns, name) as Record<string, unknown> | undefined;
    try {
      const { object: checked } = admit(def, { ...object, metadata: { ...meta, namespace: ns } }, old);
      return { def, ns, name, checked, old };
    } catch (e) {
      if (e instanceof AdmissionError) throw new UserError(`${e.message}`);
      throw e;
    }
  });
  return admitted.map(({ def, ns, name, checked, old }) => {
    const meta = checked["metadata"] as Record<string, unknown>;
    const oldMeta = (old?.["metadata"] ?? {}) as Record<string, unknown>;
    const same =
      old !== undefined &&
      jsonEqual(old["spec"], checked["spec"]) &&
      jsonEqual(oldMeta["labels"], meta["labels"]) &&
      jsonEqual(oldMeta["annotations"], meta["annotations"]);
    if (!same) storeObject(store, { ...checked, metadata: { ...meta, namespace: ns } }, new Date(), false);
    return {
      kind: def.names.kind,
      name,
      result: old === undefined ? "created" : same ? "unchanged" : "configured",
    };
  });
}
