import type { KubeClient } from "./client.ts";
import { isNotFound } from "./client.ts";
import { Resources, resourcePath } from "./resources.ts";

/** The `spec` of a coordination.k8s.io/v1 Lease (times are MicroTime strings). */
export interface LeaseRecord {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
}

export interface StoredLease {
  readonly spec: LeaseRecord;
  readonly resourceVersion: string;
}

/**
 * Where the leader-election record lives: a port, so the election logic is tested against an
 * in-memory store and runs against a real Lease. `create` and `update` must fail when another
 * writer got there first (AlreadyExists, or a stale `resourceVersion`).
 */
export interface LeaseStore {
  get(): Promise<StoredLease | undefined>;
  create(spec: LeaseRecord): Promise<StoredLease>;
  update(spec: LeaseRecord, resourceVersion: string): Promise<StoredLease>;
  /** Where the lease is, for logs: "namespace/name". */
  readonly description: string;
}

interface LeaseObject {
  readonly metadata?: { readonly resourceVersion?: string };
  readonly spec?: LeaseRecord;
}

const stored = (l: LeaseObject): StoredLease => ({
  spec: l.spec ?? {},
  resourceVersion: l.metadata?.resourceVersion ?? "",
});

/** A LeaseStore on a real Lease object. Requests time out after `timeoutMs` (the renew deadline). */
export function kubeLeaseStore(
  client: KubeClient,
  namespace: string,
  name: string,
  timeoutMs = 10_000,
): LeaseStore {
  const path = resourcePath(Resources.lease, { namespace, name });
  return {
    description: `${namespace}/${name}`,
    async get() {
      try {
        return stored(await client.request<LeaseObject>({ method: "GET", path, timeoutMs }));
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async create(spec) {
      const body = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace },
        spec,
      };
      return stored(
        await client.request<LeaseObject>({
          method: "POST",
          path: resourcePath(Resources.lease, { namespace }),
          body,
          timeoutMs,
        }),
      );
    },
    async update(spec, resourceVersion) {
      const body = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace, resourceVersion },
        spec,
      };
      return stored(await client.request<LeaseObject>({ method: "PUT", path, body, timeoutMs }));
    },
  };
}
