import type { Logger } from "../../../common/log.ts";
import { FailureError } from "../../../common/result.ts";
import type { ChildAction } from "../core/types.ts";
import type { Caches } from "../k8s/caches.ts";
import { ApiError, type KubeClient } from "../k8s/client.ts";
import type { EventRecorder } from "../k8s/events.ts";
import { controllerOf, type KubeObject, type NamedKubeObject } from "../api/kube-object.ts";
import { resourceFor, resourcePath } from "../k8s/resources.ts";
import { createIfAbsent, deleteIfPresent, patchStatus, serverSideApply } from "../k8s/writes.ts";
import type { ClusterPort } from "./port.ts";

/**
 * The Kubernetes backend of the runtime port: informer caches are the world, writes go to the
 * apiserver (server-side apply, create-if-absent Jobs, merge patches, status subresource) and
 * events.k8s.io Events.
 */
export function kubePort(
  client: KubeClient,
  caches: Caches,
  events: EventRecorder,
  logger?: Logger,
): ClusterPort {
  return {
    sources: caches,
    act: (actions, owner) => applyActions(client, actions, { logger, owner }),
    writeStatus: (live, status) => patchStatus(client, live, status),
    recordEvent: (regarding, event) => events.record(regarding, event),
  };
}

/**
 * Carries out the core's plan for one resource. Every action is idempotent, so a
 * reconcile interrupted half-way (the operator killed, a conflict) is simply redone:
 * - `apply` is server-side apply; creating a Job uses create-if-absent instead, because a Job's
 *   template is immutable and its name is deterministic: a second operator (or the same one after
 *   a restart) finds it and creates no duplicate;
 * - `patch` is a JSON merge patch (a Job's `spec.suspend`);
 * - `delete` tolerates an object already gone.
 * A plan has at most one action per child, and children refer to each other only by name
 * (Kubernetes converges in any order), so the actions are sent concurrently: a new model's five
 * children cost one round trip, not five. Throws the first failure once all have settled: the
 * controller retries the key with backoff.
 */
export async function applyActions(
  client: KubeClient,
  actions: readonly ChildAction[],
  log: { readonly logger?: Logger | undefined; readonly owner: string },
): Promise<void> {
  const results = await Promise.allSettled(actions.map((a) => applyAction(client, a, log)));
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
}

async function applyAction(
  client: KubeClient,
  action: ChildAction,
  log: { readonly logger?: Logger | undefined; readonly owner: string },
): Promise<void> {
  switch (action.verb) {
    case "apply": {
      const obj = action.object;
      if (obj.kind === "Job" && action.reason === "create") {
        const { created } = await createIfAbsent(client, obj);
        if (!created) await assertSameController(client, obj);
        log.logger?.info(created ? "Created Job" : "Found existing Job", {
          owner: log.owner,
          job: obj.metadata.name,
        });
      } else {
        await serverSideApply(client, obj);
        log.logger?.info(action.reason === "create" ? `Created ${obj.kind}` : `Updated ${obj.kind}`, {
          owner: log.owner,
          name: obj.metadata.name,
        });
      }
      break;
    }
    case "patch": {
      const res = resourceFor(action.ref.apiVersion, action.ref.kind);
      if (!res) throw new ApiError(0, "UnknownKind", `Cannot patch unknown kind ${action.ref.kind}.`);
      await client.request({
        method: "PATCH",
        path: resourcePath(res, action.ref),
        contentType: "application/merge-patch+json",
        body: action.patch,
      });
      log.logger?.info(`Patched ${action.ref.kind}`, {
        owner: log.owner,
        name: action.ref.name,
        reason: action.reason,
      });
      break;
    }
    case "delete": {
      const res = resourceFor(action.ref.apiVersion, action.ref.kind);
      if (!res) throw new ApiError(0, "UnknownKind", `Cannot delete unknown kind ${action.ref.kind}.`);
      const deleted = await deleteIfPresent(client, res, action.ref.namespace, action.ref.name);
      if (deleted)
        log.logger?.info(`Deleted ${action.ref.kind}`, {
          owner: log.owner,
          name: action.ref.name,
          reason: action.reason,
        });
      break;
    }
  }
}

/**
 * After AlreadyExists: the existing object must be controlled by the same owner (a restart found
 * its own Job). A foreign object of that name is a conflict the user must resolve.
 */
async function assertSameController(client: KubeClient, obj: NamedKubeObject): Promise<void> {
  const res = resourceFor(obj.apiVersion, obj.kind)!;
  const live = await client.request<KubeObject>({
    method: "GET",
    path: resourcePath(res, { namespace: obj.metadata.namespace ?? "", name: obj.metadata.name }),
  });
  const want = controllerOf(obj)?.uid;
  const have = controllerOf(live)?.uid;
  if (want !== undefined && have !== want) {
    throw new FailureError(
      `${obj.kind}Conflict`,
      `A ${obj.kind} named ${obj.metadata.name} exists and is not controlled by this resource: delete it or rename the resource.`,
    );
  }
}
