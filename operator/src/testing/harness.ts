/**
 * What the operator's integration tests share: an admin client, the shipped RBAC bound to a test
 * ServiceAccount, an in-process operator running as that ServiceAccount, and the parts of a
 * kubelet and a volume provisioner that KWOK does not play.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, type TestContext } from "node:test";
import { parse as parseYaml } from "yaml";
import { createLogger } from "../../../common/log.ts";
import type { ServiceAccountAccess, TestClusterFixture } from "#testenv/cluster.ts";
import { useTestCluster, waitUntil } from "#testenv/cluster.ts";
import { applyCrds } from "#testenv/crds.ts";
import { API_VERSION } from "../api/group.ts";
import { defaultOperatorConfig } from "../config.ts";
import { ApiError, isNotFound, KubeClient } from "../k8s/client.ts";
import type { KubeList, KubeObject } from "../api/kube-object.ts";
import { resourceFor, resourcePath, Resources, type ResourceType } from "../k8s/resources.ts";
import { Operator, type OperatorOptions } from "../operator.ts";

export const REPO = join(import.meta.dirname, "..", "..", "..");
const RBAC = join(REPO, "config", "rbac");
export const OPERATOR_SA = "sentiment-operator";

/** Admin access for arranging and asserting, through the same small client the operator uses. */
export class Kube {
  readonly client: KubeClient;
  constructor(client: KubeClient) {
    this.client = client;
  }

  static async connect(cluster: TestClusterFixture): Promise<Kube> {
    return new Kube(await KubeClient.create(cluster.kubeConfig));
  }

  async create<T extends KubeObject>(
    ns: string,
    obj: { readonly apiVersion?: string; readonly kind?: string; readonly metadata?: object },
  ): Promise<T> {
    const res = typeOf(obj);
    return this.client.request<T>({
      method: "POST",
      path: resourcePath(res, { namespace: ns }),
      body: { ...obj, metadata: { ...obj.metadata, namespace: ns } },
    });
  }

  async get<T extends KubeObject>(res: ResourceType, ns: string, name: string): Promise<T | undefined> {
    try {
      return await this.client.request<T>({
        method: "GET",
        path: resourcePath(res, { namespace: ns, name }),
      });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async list<T extends KubeObject>(res: ResourceType, ns: string, labelSelector?: string): Promise<T[]> {
    const l = await this.client.request<KubeList<T>>({
      method: "GET",
      path: resourcePath(res, { namespace: ns }),
      query: { labelSelector },
    });
    return l.items;
  }

  /** JSON merge patch of `name` (the main resource, or a subresource). */
  async patch(
    res: ResourceType,
    ns: string,
    name: string,
    patch: unknown,
    subresource?: string,
  ): Promise<KubeObject> {
    return this.client.request({
      method: "PATCH",
      path: resourcePath(res, { namespace: ns, name, ...(subresource ? { subresource } : {}) }),
      contentType: "application/merge-patch+json",
      body: patch,
    });
  }

  async delete(res: ResourceType, ns: string, name: string): Promise<void> {
    try {
      await this.client.request({
        method: "DELETE",
        path: resourcePath(res, { namespace: ns, name }),
        body: { propagationPolicy: "Background" },
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Polls `name` until `ok` holds, returning it; the timeout message shows the last state. */
  async waitFor<T extends KubeObject>(
    res: ResourceType,
    ns: string,
    name: string,
    what: string,
    ok: (obj: T) => boolean,
    timeoutMs = 30_000,
  ): Promise<T> {
    let last: T | undefined;
    try {
      return await waitUntil(
        `${res.kind} ${ns}/${name} ${what}`,
        async () => {
          last = await this.get<T>(res, ns, name);
          return last !== undefined && ok(last) ? last : undefined;
        },
        { timeoutMs, intervalMs: 100 },
      );
    } catch (e) {
      throw new Error(
        `${(e as Error).message}\nLast seen status: ${JSON.stringify(last?.["status"] ?? last ?? null)}`,
      );
    }
  }

  close(): void {
    this.client.close();
  }
}

function typeOf(obj: { apiVersion?: string; kind?: string }): ResourceType {
  const res = resourceFor(obj.apiVersion, obj.kind);
  if (!res) throw new Error(`No resource type for ${obj.apiVersion} ${obj.kind}`);
  return res;
}

/**
 * The fixture every operator integration test file starts with: the shared test cluster, and an
 * admin `Kube` connected (with the CRDs installed) before the file's tests and closed after them.
 * Read `suite.kube` inside tests; a file's own root-level hooks may start at the same time as this
 * one, so they `await suite.ready` first.
 */
export function useOperatorSuite(): {
  readonly cluster: TestClusterFixture;
  readonly kube: Kube;
  readonly ready: Promise<Kube>;
} {
  const cluster = useTestCluster();
  let kube: Kube | undefined;
  const ready = Promise.withResolvers<Kube>();
  ready.promise.catch(() => undefined); // the hook's own failure is what the runner reports
  before(async () => {
    try {
      kube = await Kube.connect(cluster);
      await installCrds(kube);
      ready.resolve(kube);
    } catch (e) {
      ready.reject(e);
      throw e;
    }
  });
  after(() => kube?.close());
  return {
    cluster,
    ready: ready.promise,
    get kube(): Kube {
      if (kube === undefined)
        throw new Error("suite.kube is ready only inside tests (hooks: await suite.ready).");
      return kube;
    },
  };
}

/** Installs the repo's generated CRDs (the testenv helper; it waits until they serve lists). */
export function installCrds(kube: Kube, dir = join(REPO, "crds")): Promise<string[]> {
  return applyCrds(kube.client.kubeConfig, dir);
}

const yamlDocs = (file: string): KubeObject[] => [
  parseYaml(readFileSync(join(RBAC, file), "utf8")) as KubeObject,
];

/** Server-side applies a cluster- or namespace-scoped RBAC object (not in the operator's resource table). */
async function applyRbac(kube: Kube, obj: KubeObject): Promise<void> {
  const kind = obj.kind ?? "";
  const plural = `${kind.toLowerCase()}s`;
  const ns = obj.metadata?.namespace;
  const path = `/apis/rbac.authorization.k8s.io/v1/${ns ? `namespaces/${ns}/` : ""}${plural}/${obj.metadata?.name ?? ""}`;
  await kube.client.request({
    method: "PATCH",
    path,
    query: { fieldManager: "sentiment-operator-tests", force: true },
    contentType: "application/apply-patch+yaml",
    body: obj,
  });
}

/** Server-side applies the shipped ClusterRole, config/rbac/cluster-role.yaml. */
export async function installClusterRole(kube: Kube): Promise<void> {
  for (const role of yamlDocs("cluster-role.yaml")) await applyRbac(kube, role);
}

/**
 * Installs the shipped ClusterRole (config/rbac/cluster-role.yaml) and returns a kubeconfig for a
 * ServiceAccount in `ns` bound to it in `ns` only (the operator then watches that namespace), plus
 * the shipped leader-election Role when asked.
 */
export async function operatorAccess(
  cluster: TestClusterFixture,
  kube: Kube,
  t: TestContext,
  ns: string,
  opts: { readonly leaderElection?: boolean } = {},
): Promise<ServiceAccountAccess> {
  await installClusterRole(kube);
  if (opts.leaderElection) {
    for (const file of ["leader-election-role.yaml", "leader-election-role-binding.yaml"]) {
      for (const doc of yamlDocs(file)) {
        const moved = JSON.parse(
          JSON.stringify(doc).replaceAll("sentiment-operator-system", ns),
        ) as KubeObject;
        await applyRbac(kube, moved);
      }
    }
  }
  return cluster.serviceAccount(t, { namespace: ns, name: OPERATOR_SA, clusterRole: "sentiment-operator" });
}

/** A logger that is silent unless SENTIMENT_TEST_OPERATOR_LOG names a level (e.g. debug). */
export function testLogger(identity: string) {
  const level = process.env["SENTIMENT_TEST_OPERATOR_LOG"];
  return createLogger({
    component: `operator:${identity}`,
    level: level ?? "info",
    silent: level === undefined,
  });
}

/** Starts an in-process operator as `access`, watching `ns`; stopped when the test ends. */
export async function startOperator(
  t: TestContext,
  access: ServiceAccountAccess,
  ns: string,
  overrides: Partial<OperatorOptions> = {},
): Promise<Operator> {
  const identity = overrides.identity ?? `test-${Math.random().toString(16).slice(2, 8)}`;
  const op = await Operator.start({
    kubeConfig: access.kubeConfig,
    config: defaultOperatorConfig({ metricsGraceSeconds: 30 }),
    identity,
    namespace: ns,
    logger: testLogger(identity),
    workers: 2,
    resyncPeriodMs: 600_000,
    ...overrides,
  });
  t.after(() => op.stop());
  await waitUntil("the operator to be ready", () => op.readiness().ready, { timeoutMs: 20_000 });
  return op;
}

/**
 * A PersistentVolume pre-bound to claim `ns/claim` (there is no provisioner in the test cluster),
 * so pods that mount the claim can be scheduled. Deleted when the test ends.
 */
export async function provideVolume(
  kube: Kube,
  t: TestContext,
  ns: string,
  claim: string,
  size = "2Gi",
): Promise<void> {
  const hash = createHash("sha256").update(`${ns}/${claim}`).digest("hex").slice(0, 10);
  const name = `pv-${hash}-${claim}`.slice(0, 63).replace(/-+$/, "");
  const pv = {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name },
    spec: {
      capacity: { storage: size },
      accessModes: ["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany"],
      persistentVolumeReclaimPolicy: "Delete",
      hostPath: { path: `/tmp/${name}` },
      claimRef: { namespace: ns, name: claim },
    },
  };
  await kube.client.request({ method: "POST", path: "/api/v1/persistentvolumes", body: pv });
  t.after(async () => {
    try {
      await kube.client.request({ method: "DELETE", path: `/api/v1/persistentvolumes/${name}` });
    } catch (e) {
      if (!(e instanceof ApiError && e.statusCode === 404)) throw e;
    }
  });
}

interface PodStatusView {
  metadata?: { name?: string };
  status?: { containerStatuses?: { name: string; state?: { terminated?: Record<string, unknown> } }[] };
}

/**
 * Plays the kubelet's part KWOK leaves out: writes the trainer container's termination message
 * (the metrics summary) into the status of the run's completed pod.
 */
export async function reportTrainerMessage(
  kube: Kube,
  ns: string,
  run: string,
  message: string,
): Promise<void> {
  const pod = await waitUntil(`a completed trainer pod of ${ns}/${run}`, async () => {
    const pods = await kube.list<PodStatusView & KubeObject>(
      Resources.pod,
      ns,
      `sentiment.mlops.dev/training-run=${run}`,
    );
    return pods.find((p) =>
      p.status?.containerStatuses?.some((c) => c.name === "trainer" && c.state?.terminated),
    );
  });
  const cs = pod.status!.containerStatuses!.find((c) => c.name === "trainer")!;
  const terminated = { ...cs.state!.terminated!, message };
  await kube.client.request({
    method: "PATCH",
    path: resourcePath(Resources.pod, { namespace: ns, name: pod.metadata!.name!, subresource: "status" }),
    contentType: "application/strategic-merge-patch+json",
    body: { status: { containerStatuses: [{ ...cs, state: { terminated } }] } },
  });
}

export interface ConditionView {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export const conditionOf = (obj: KubeObject, type: string): ConditionView | undefined =>
  ((obj["status"] as { conditions?: ConditionView[] } | undefined)?.conditions ?? []).find(
    (c) => c.type === type,
  );

export const phaseOf = (obj: KubeObject): string | undefined =>
  (obj["status"] as { phase?: string } | undefined)?.phase;

export const statusOf = <T = Record<string, unknown>>(obj: KubeObject): T => (obj["status"] ?? {}) as T;

export { API_VERSION };

/** Reconciles counted by `op` for one controller (all results). */
export async function reconcileCount(op: Operator, controller: string): Promise<number> {
  const metric = await op.metrics.registry.getSingleMetric("sentiment_operator_reconcile_total")?.get();
  return (metric?.values ?? [])
    .filter((v) => v.labels["controller"] === controller)
    .reduce((n, v) => n + v.value, 0);
}

/** Resolves once `op` has made no write for `quietMs` (convergence finished). */
export async function settled(op: Operator, quietMs = 1500, timeoutMs = 30_000): Promise<void> {
  let last = op.stats.writes({ includeEvents: true });
  let since = Date.now();
  await waitUntil(
    `the operator to stop writing for ${quietMs} ms`,
    () => {
      const now = op.stats.writes({ includeEvents: true });
      if (now !== last) {
        last = now;
        since = Date.now();
      }
      return Date.now() - since >= quietMs;
    },
    { timeoutMs, intervalMs: 100 },
  );
}
