import { ApiError, isNotFound, type KubeClient } from "./client.ts";
import { mergePatch } from "./merge-patch.ts";
import type { KubeObject } from "../api/kube-object.ts";
import { resourceFor, resourcePath, type ResourceType } from "./resources.ts";

/** The field manager of every server-side apply the operator makes. */
export const FIELD_MANAGER = "sentiment-operator";

function typeOf(obj: KubeObject): ResourceType {
  const res = resourceFor(obj.apiVersion, obj.kind);
  if (!res)
    throw new ApiError(
      0,
      "UnknownKind",
      `The operator does not manage ${obj.apiVersion ?? "?"} ${obj.kind ?? "?"}.`,
    );
  return res;
}

function nameOf(obj: KubeObject): { namespace: string; name: string } {
  const name = obj.metadata?.name;
  if (!name) throw new ApiError(0, "MissingName", `A ${obj.kind ?? "?"} to write has no metadata.name.`);
  return { namespace: obj.metadata?.namespace ?? "", name };
}

/**
 * Server-side apply (`PATCH`, `application/apply-patch+yaml`) as field manager
 * `sentiment-operator`, with `force` so the operator takes back fields it owns. Fields the object
 * leaves out (for example Deployment `replicas` when an HPA scales it) stay with their owner.
 */
export async function serverSideApply<T extends KubeObject>(client: KubeClient, obj: KubeObject): Promise<T> {
  const res = typeOf(obj);
  return client.request<T>({
    method: "PATCH",
    path: resourcePath(res, nameOf(obj)),
    query: { fieldManager: FIELD_MANAGER, force: true },
    contentType: "application/apply-patch+yaml",
    body: obj,
  });
}

/**
 * Creates `obj` unless an object of that name exists (409 AlreadyExists). With a deterministic
 * name this makes "create the Job" idempotent across operator restarts.
 */
export async function createIfAbsent<T extends KubeObject>(
  client: KubeClient,
  obj: KubeObject,
): Promise<{ readonly created: boolean; readonly object?: T }> {
  const res = typeOf(obj);
  try {
    const object = await client.request<T>({
      method: "POST",
      path: resourcePath(res, { namespace: nameOf(obj).namespace }),
      query: { fieldManager: FIELD_MANAGER },
      body: obj,
    });
    return { created: true, object };
  } catch (e) {
    if (e instanceof ApiError && e.statusCode === 409 && e.reason === "AlreadyExists")
      return { created: false };
    throw e;
  }
}

/** Deletes an object; an object already gone counts as deleted. Children are removed in the background. */
export async function deleteIfPresent(
  client: KubeClient,
  res: ResourceType,
  namespace: string,
  name: string,
): Promise<boolean> {
  try {
    await client.request({
      method: "DELETE",
      path: resourcePath(res, { namespace, name }),
      body: { propagationPolicy: "Background" },
    });
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/**
 * Writes `status` through the `/status` subresource as a JSON merge patch against the live status,
 * guarded by the live `resourceVersion` (a stale cache gives 409 Conflict, and the key is retried).
 * Makes no request when nothing changed; returns whether it wrote.
 */
export async function patchStatus(client: KubeClient, live: KubeObject, status: unknown): Promise<boolean> {
  const patch = mergePatch(live["status"], status);
  if (patch === undefined) return false;
  const res = typeOf(live);
  await client.request({
    method: "PATCH",
    path: resourcePath(res, { ...nameOf(live), subresource: "status" }),
    contentType: "application/merge-patch+json",
    body: { metadata: { resourceVersion: live.metadata?.resourceVersion }, status: patch },
  });
  return true;
}
