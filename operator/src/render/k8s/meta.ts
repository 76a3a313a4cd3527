import type { V1ObjectMeta, V1OwnerReference } from "@kubernetes/client-node";
import { API_VERSION } from "../../api/group.ts";
import { LABELS, MANAGED_BY, PART_OF, labelValue } from "../../api/names.ts";

/** The owner of a child: a TrainingRun or a SentimentModel (only these fields are read). */
export interface Owner {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string; readonly uid: string };
}

/**
 * The controller reference every child carries, so deleting the owner garbage-collects it and the
 * shell can map child events back to the owner. `blockOwnerDeletion` needs RBAC `update` on the
 * owner's `finalizers` subresource.
 */
export const controllerRef = (owner: Owner): V1OwnerReference => ({
  apiVersion: API_VERSION,
  kind: owner.kind,
  name: owner.metadata.name,
  uid: owner.metadata.uid,
  controller: true,
  blockOwnerDeletion: true,
});

/** The standard app.kubernetes.io labels; `version` only when known. */
export function standardLabels(
  name: string,
  instance: string,
  component: string,
  version?: string,
): Record<string, string> {
  return {
    [LABELS.name]: name,
    [LABELS.instance]: instance,
    ...(version === undefined ? {} : { [LABELS.version]: labelValue(version) }),
    [LABELS.component]: component,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.partOf]: PART_OF,
  };
}

/** Metadata of a child: name, the owner's namespace, labels and the controller reference. */
export const childMeta = (owner: Owner, name: string, labels: Record<string, string>): V1ObjectMeta => ({
  name,
  namespace: owner.metadata.namespace,
  labels,
  ownerReferences: [controllerRef(owner)],
});
