/**
 * The subset of kustomize that config/manager uses (`resources` files and directories, `namespace`,
 * `images` tags), so tests can build the plain-manifest install without kubectl. Any other field
 * is refused, so this reader cannot silently diverge from what `kubectl apply -k` would do.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml, parseAllDocuments } from "yaml";

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

const SUPPORTED = new Set(["apiVersion", "kind", "namespace", "resources", "images"]);
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
]);

/** Builds `dir`'s kustomization.yaml into objects (namespace set on namespaced ones, image tags replaced). */
export function buildKustomization(dir: string): ManifestObject[] {
  const k = parseYaml(readFileSync(join(dir, "kustomization.yaml"), "utf8")) as Kustomization;
  for (const key of Object.keys(k)) {
    if (!SUPPORTED.has(key))
      throw new Error(`${dir}/kustomization.yaml: '${key}' is outside the subset tests build`);
  }
  const objects = (k.resources ?? []).flatMap((r): ManifestObject[] => {
    const path = join(dir, r);
    if (statSync(path).isDirectory()) return buildKustomization(path);
    return parseAllDocuments(readFileSync(path, "utf8"))
      .map((d) => d.toJS() as ManifestObject | null)
      .filter((o): o is ManifestObject => o !== null);
  });
  const ns = k.namespace;
  let text = JSON.stringify(objects);
  for (const image of k.images ?? []) {
    text = text.replace(
      new RegExp(`"${image.name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(:[\\w.-]+)?"`, "g"),
      (_m, tag?: string) =>
        `"${image.newName ?? image.name}${image.newTag ? `:${image.newTag}` : (tag ?? "")}"`,
    );
  }
  const out = JSON.parse(text) as ManifestObject[];
  if (ns !== undefined) {
    for (const o of out) {
      if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = ns;
      for (const s of (o["subjects"] as { kind: string; namespace?: string }[] | undefined) ?? []) {
        if (s.kind === "ServiceAccount") s.namespace = ns;
      }
    }
  }
  return out;
}

/** Moves a built install into namespace `to` (objects, the Namespace itself, RBAC subjects). */
export function moveToNamespace(
  objects: readonly ManifestObject[],
  from: string,
  to: string,
): ManifestObject[] {
  return JSON.parse(JSON.stringify(objects).replaceAll(`"${from}"`, `"${to}"`)) as ManifestObject[];
}
