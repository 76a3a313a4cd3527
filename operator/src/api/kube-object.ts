/**
 * Any Kubernetes object as it travels as JSON: the one object type of the operator. The core
 * builds them (desired children), the shell reads and writes them. client-node's generated types
 * claim `Date` for timestamps, but raw JSON carries strings, so these are plain shapes.
 */
export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

export interface KubeObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
  readonly [field: string]: unknown;
}

/** Any object read from the API: list items from informers may lack `apiVersion` and `kind`. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: KubeObjectMeta;
  readonly [field: string]: unknown;
}

/** A KubeObject with its identity set (`apiVersion`, `kind`, `metadata.name`): what the core builds. */
export type NamedKubeObject = KubeObject & {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: KubeObjectMeta & { readonly name: string };
};

export interface KubeList<T extends KubeObject = KubeObject> {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items: T[];
}

/** "namespace/name", the work-queue key of a namespaced object (cluster-scoped: "name"). */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? "";
  return ns ? `${ns}/${name}` : name;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf("/");
  return i < 0 ? { namespace: "", name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The owner reference marked `controller: true`, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}
