/**
 * The chart and config/manager on the real test control plane (scripts/testenv):
 * - `helm install` into a namespace that enforces Pod Security "restricted": both replicas become
 *   Available (KWOK), the RBAC grants what the operator needs there and nothing elsewhere, and the
 *   real operator, started with the installed Deployment's arguments as the chart's
 *   ServiceAccount, takes the leader Lease and reports ready; `helm uninstall` removes it all.
 * - the cluster-wide default render and config/manager pass a server-side dry run.
 */
import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ApiException,
  AppsV1Api,
  AuthorizationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  type KubernetesObject,
  type V1Deployment,
} from "@kubernetes/client-node";
import { useTestCluster, waitUntil } from "../testenv/cluster.ts";
import { buildKustomization, moveToNamespace } from "../manager/kustomization.ts";
import { CHART_DIR, helm, renderChart, valueFlags } from "./helm.ts";
import { podSecurityViolations } from "./pod-security.ts";
import { serverSideApply } from "./server-apply.ts";

const REPO = join(import.meta.dirname, "..", "..");
const cluster = useTestCluster();
const FIELD_MANAGER = "sentiment-chart-test";

/** A free local TCP port (the operator's metrics port in this test). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 404)) throw e;
  }
}

/** A kubeconfig file that authenticates as `namespace/name` with a TokenRequest token. */
async function serviceAccountKubeconfig(t: TestContext, namespace: string, name: string): Promise<string> {
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const token = (
    await core.createNamespacedServiceAccountToken({
      name,
      namespace,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    })
  ).status?.token;
  assert.ok(token, `TokenRequest for ${namespace}/${name} returned no token`);
  const server = cluster.kubeConfig.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [server],
    users: [{ name, token }],
    contexts: [{ name: "sa", cluster: server.name, user: name, namespace }],
    currentContext: "sa",
  });
  const dir = await mkdtemp(join(tmpdir(), "chart-sa-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "kubeconfig");
  await writeFile(path, kc.exportConfig(), { mode: 0o600 });
  return path;
}

/** Whether RBAC lets `user` do `verb` on `resource` (optionally a subresource or a name) in `namespace`. */
async function allowed(
  user: { name: string; namespace: string },
  verb: string,
  group: string,
  resource: string,
  namespace: string,
  extra: { subresource?: string; name?: string } = {},
): Promise<boolean> {
  const review = await cluster.kubeConfig.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
    body: {
      spec: {
        user: `system:serviceaccount:${user.namespace}:${user.name}`,
        groups: [
          "system:serviceaccounts",
          `system:serviceaccounts:${user.namespace}`,
          "system:authenticated",
        ],
        resourceAttributes: { verb, group, resource, namespace, ...extra },
      },
    },
  });
  return review.status?.allowed === true;
}

describe("helm install on the test control plane", () => {
  test("a restricted namespace gets 2 Available replicas, least-privilege RBAC, and a working operator", async (t) => {
    const ns = await cluster.namespace(t);
    const kc = cluster.kubeConfig;
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const release = `so-${randomBytes(3).toString("hex")}`;
    const helmArgs = ["--namespace", ns, "--kubeconfig", cluster.kubeconfigPath];
    // Cluster-scoped objects outlive the namespace: remove them even if the test fails early.
    t.after(async () => {
      const selector = `app.kubernetes.io/instance=${release}`;
      for (const r of (await rbac.listClusterRoleBinding({ labelSelector: selector })).items)
        await ignoreNotFound(rbac.deleteClusterRoleBinding({ name: r.metadata!.name! }));
      for (const r of (await rbac.listClusterRole({ labelSelector: selector })).items)
        await ignoreNotFound(rbac.deleteClusterRole({ name: r.metadata!.name! }));
    });

    // The apiserver itself enforces the security rules on the operator's pods.
    const labelled = await serverSideApply(
      kc,
      [
        {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: ns, labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
        },
      ],
      { fieldManager: FIELD_MANAGER },
    );
    assert.deepEqual(labelled, []);
    await cluster.applyCrds(join(CHART_DIR, "crds"));

    const port = await freePort();
    const install = await helm([
      "install",
      release,
      CHART_DIR,
      ...helmArgs,
      "--wait",
      "--timeout",
      "60s",
      ...valueFlags({ watchNamespace: ns, "metrics.port": port }),
    ]);
    assert.equal(install.code, 0, `helm install failed: ${install.stderrTail}`);
    const fullname = `${release}-sentiment-operator`;
    assert.match(
      install.stdout,
      new RegExp(`kubectl -n ${ns} rollout status deployment/${fullname}`),
      "NOTES.txt",
    );
    assert.match(install.stdout, /kubectl get mlops/);

    // 2 replicas Available; the admitted pods (with the apiserver's defaults) follow the rules.
    const apps = kc.makeApiClient(AppsV1Api);
    const deployment: V1Deployment = await waitUntil("2 available operator replicas", async () => {
      const d = await apps.readNamespacedDeployment({ name: fullname, namespace: ns });
      return d.status?.availableReplicas === 2 ? d : undefined;
    });
    const core = kc.makeApiClient(CoreV1Api);
    const pods = (
      await core.listNamespacedPod({ namespace: ns, labelSelector: `app.kubernetes.io/instance=${release}` })
    ).items;
    assert.equal(pods.length, 2);
    assert.deepEqual(
      pods.flatMap((p) => podSecurityViolations(p as Parameters<typeof podSecurityViolations>[0])),
      [],
    );

    // RBAC: what the operator needs in the watched namespace, nothing outside it, never a spec write.
    const sa = { name: fullname, namespace: ns };
    const grants: [string, string, string, string, { subresource?: string; name?: string }?][] = [
      ["list", "sentiment.mlops.dev", "sentimentmodels", ns],
      ["watch", "sentiment.mlops.dev", "trainingruns", ns],
      ["patch", "sentiment.mlops.dev", "trainingruns", ns, { subresource: "status" }],
      ["create", "batch", "jobs", ns],
      ["patch", "apps", "deployments", ns],
      ["create", "coordination.k8s.io", "leases", ns],
      ["update", "coordination.k8s.io", "leases", ns, { name: "sentiment-operator-leader" }],
    ];
    for (const [verb, group, resource, where, extra] of grants) {
      assert.ok(
        await allowed(sa, verb, group, resource, where, extra),
        `the chart must let the operator ${verb} ${resource} in ${where}`,
      );
    }
    const denials: [string, string, string, string, { subresource?: string; name?: string }?][] = [
      ["list", "sentiment.mlops.dev", "sentimentmodels", "default"],
      ["update", "sentiment.mlops.dev", "sentimentmodels", ns],
      ["patch", "sentiment.mlops.dev", "trainingruns", ns],
      ["get", "", "secrets", ns],
      ["update", "coordination.k8s.io", "leases", ns, { name: "someone-elses-lease" }],
    ];
    for (const [verb, group, resource, where, extra] of denials) {
      assert.ok(
        !(await allowed(sa, verb, group, resource, where, extra)),
        `the chart must NOT let the operator ${verb} ${resource} in ${where}`,
      );
    }

    // The real operator with the installed Deployment's arguments, as the chart's ServiceAccount.
    const container = deployment.spec!.template.spec!.containers[0]!;
    const configMap = await core.readNamespacedConfigMap({ name: `${fullname}-config`, namespace: ns });
    const configDir = await mkdtemp(join(tmpdir(), "chart-config-"));
    t.after(() => rm(configDir, { recursive: true, force: true }));
    await writeFile(join(configDir, "config.yaml"), configMap.data?.["config.yaml"] ?? "");
    const args = (container.args ?? []).map((a) =>
      a.startsWith("--config=") ? `--config=${join(configDir, "config.yaml")}` : a,
    );
    const kubeconfig = await serviceAccountKubeconfig(t, ns, fullname);
    const podName = pods[0]!.metadata!.name!;
    const child = spawn(
      process.execPath,
      [join(REPO, "operator/bin/sentiment-operator.js"), ...args, `--kubeconfig=${kubeconfig}`],
      {
        env: { PATH: process.env["PATH"] ?? "", HOME: configDir, POD_NAMESPACE: ns, POD_NAME: podName },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let logs = "";
    child.stdout.on("data", (b: Buffer) => (logs += b.toString()));
    child.stderr.on("data", (b: Buffer) => (logs += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    t.after(() => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });

    const readiness = await waitUntil(
      "the operator to lead and be ready",
      async () => {
        if (child.exitCode !== null)
          throw new Error(`the operator exited with ${child.exitCode}: ${logs.slice(-2000)}`);
        const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        const body = res?.ok ? ((await res.json()) as { role: string }) : undefined;
        return body?.role === "leader" ? body : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 200 },
    ).catch((e: Error) => assert.fail(`${e.message}\noperator output:\n${logs.slice(-3000)}`));
    assert.equal(readiness.role, "leader");
    const lease = await kc
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: "sentiment-operator-leader", namespace: ns });
    assert.ok(
      lease.spec?.holderIdentity?.startsWith(`${podName}_`),
      `Lease holder ${lease.spec?.holderIdentity}`,
    );

    child.kill("SIGTERM");
    assert.equal(await exited, 0, `the operator did not stop cleanly:\n${logs.slice(-2000)}`);

    // helm uninstall removes the cluster-scoped objects too.
    const uninstall = await helm(["uninstall", release, ...helmArgs, "--wait"]);
    assert.equal(uninstall.code, 0, uninstall.stderrTail);
    const left = (await rbac.listClusterRole({ labelSelector: `app.kubernetes.io/instance=${release}` }))
      .items;
    assert.deepEqual(
      left.map((r) => r.metadata?.name),
      [],
    );
  });
});

describe("server-side dry run", () => {
  const dryRunRefusals = (objects: readonly KubernetesObject[]): Promise<string[]> =>
    serverSideApply(cluster.kubeConfig, objects, { fieldManager: FIELD_MANAGER, dryRun: true });

  test("the apiserver accepts the cluster-wide default render and its CRDs", async (t) => {
    const ns = await cluster.namespace(t);
    const rendered = await renderChart({ namespace: ns, includeCrds: true });
    assert.ok(rendered.ok, rendered.ok ? "" : rendered.error.message);
    const kinds = new Set(rendered.value.map((o) => o.kind));
    for (const k of ["CustomResourceDefinition", "Deployment", "ClusterRoleBinding"])
      assert.ok(kinds.has(k), k);
    assert.deepEqual(await dryRunRefusals(rendered.value), []);
  });

  test("the apiserver accepts config/manager (kubectl apply -k), moved to a test namespace", async (t) => {
    const ns = await cluster.namespace(t);
    const objects = moveToNamespace(
      buildKustomization(join(REPO, "config", "manager")),
      "sentiment-operator-system",
      ns,
    );
    assert.ok(objects.some((o) => o.kind === "Deployment"));
    assert.deepEqual(await dryRunRefusals(objects as KubernetesObject[]), []);
  });
});
