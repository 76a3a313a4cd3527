/**
 * Least-privilege identities for tests: a ServiceAccount bound to a ClusterRole, and a kubeconfig
 * that authenticates as it with a short-lived token from the TokenRequest API (no Secrets).
 * So the operator's tests run with exactly the permissions its manifests grant.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import {
  ApiException,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  type V1PolicyRule,
} from "@kubernetes/client-node";
import { waitUntil } from "./wait.ts";

export interface ServiceAccountOptions {
  readonly namespace: string;
  readonly name: string;
  /** Bind this existing ClusterRole. */
  readonly clusterRole?: string;
  /** Or: create a ClusterRole with these rules for this test (deleted afterwards). */
  readonly rules?: readonly V1PolicyRule[];
  /**
   * "namespace": a RoleBinding in `namespace` (permissions there only); "cluster": a
   * ClusterRoleBinding (deleted after the test). @default "namespace"
   */
  readonly scope?: "namespace" | "cluster";
  /** Token lifetime; the API's minimum is 600. @default 3600 */
  readonly expirationSeconds?: number;
}

export interface ServiceAccountAccess {
  readonly kubeConfig: KubeConfig;
  /** The same kubeconfig as a file (mode 0600; removed after the test), for child processes. */
  readonly kubeconfigPath: string;
  /** `system:serviceaccount:<namespace>:<name>` */
  readonly username: string;
}

export async function serviceAccountKubeConfig(
  t: TestContext,
  admin: KubeConfig,
  opts: ServiceAccountOptions,
): Promise<ServiceAccountAccess> {
  const { namespace, name } = opts;
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const username = `system:serviceaccount:${namespace}:${name}`;
  await ignoreConflict(core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } }));

  let roleName = opts.clusterRole;
  let rules = opts.rules;
  if (rules) {
    roleName = `testenv:${namespace}:${name}`;
    const created = roleName;
    await rbac.createClusterRole({ body: { metadata: { name: roleName }, rules: [...rules] } });
    t.after(() => ignoreNotFound(rbac.deleteClusterRole({ name: created })));
  } else if (roleName) {
    rules = (await rbac.readClusterRole({ name: roleName })).rules ?? [];
  }
  if (roleName) {
    const roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName };
    const subjects = [{ kind: "ServiceAccount", name, namespace }];
    if (opts.scope === "cluster") {
      const bindingName = `testenv:${namespace}:${name}`;
      await rbac.createClusterRoleBinding({ body: { metadata: { name: bindingName }, roleRef, subjects } });
      t.after(() => ignoreNotFound(rbac.deleteClusterRoleBinding({ name: bindingName })));
    } else {
      await rbac.createNamespacedRoleBinding({ namespace, body: { metadata: { name }, roleRef, subjects } });
    }
    await waitForBinding(admin, username, namespace, rules ?? []);
  }

  const tokenRequest = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: opts.expirationSeconds ?? 3600 } },
  });
  const token = tokenRequest.status?.token;
  if (!token) throw new Error(`TokenRequest for ${username} returned no token.`);

  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error("The admin kubeconfig has no current cluster.");
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [cluster],
    users: [{ name: username, token }],
    contexts: [{ name: "test-service-account", cluster: cluster.name, user: username, namespace }],
    currentContext: "test-service-account",
  });
  const dir = await mkdtemp(join(tmpdir(), "testenv-sa-"));
  const kubeconfigPath = join(dir, "kubeconfig");
  await writeFile(kubeconfigPath, kubeConfig.exportConfig(), { mode: 0o600 });
  t.after(() => rm(dir, { recursive: true, force: true }));
  return { kubeConfig, kubeconfigPath, username };
}

/**
 * RBAC bindings reach the authorizer through an informer: wait until a SubjectAccessReview for
 * the first concrete rule says yes, so the test's first request is not refused by a stale cache.
 */
async function waitForBinding(
  admin: KubeConfig,
  user: string,
  namespace: string,
  rules: readonly V1PolicyRule[],
): Promise<void> {
  const rule = rules.find(
    (r) => r.verbs[0] && r.verbs[0] !== "*" && r.resources?.[0] && r.resources[0] !== "*",
  );
  if (!rule) return;
  const authz = admin.makeApiClient(AuthorizationV1Api);
  const attributes = {
    namespace,
    verb: rule.verbs[0]!,
    group: rule.apiGroups?.[0] === "*" ? "" : (rule.apiGroups?.[0] ?? ""),
    resource: rule.resources![0]!,
  };
  await waitUntil(
    `RBAC to allow ${user} to ${attributes.verb} ${attributes.resource}`,
    async () => {
      const review = await authz.createSubjectAccessReview({
        body: {
          spec: {
            user,
            groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`],
            resourceAttributes: attributes,
          },
        },
      });
      return review.status?.allowed === true;
    },
    { timeoutMs: 10_000, intervalMs: 50 },
  );
}

async function ignoreConflict(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 409)) throw e;
  }
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 404)) throw e;
  }
}
