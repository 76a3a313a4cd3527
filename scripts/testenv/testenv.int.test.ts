/**
 * Smoke tests of the test control plane: what the operator's integration tests rely on.
 * Against an existing cluster (SENTIMENT_TEST_KUBECONFIG) the KWOK-specific checks still run, so
 * that cluster needs a node that runs pods (kind, minikube) or KWOK.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request, type RequestOptions } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { useTestCluster, waitUntil } from "./cluster.ts";
import { VERSIONS } from "./versions.ts";

const run = promisify(execFile);
const cluster = useTestCluster();

/** GET a raw path with the kubeconfig's credentials; returns status and body. */
async function rawGet(kc: KubeConfig, path: string): Promise<{ status: number; body: string }> {
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, kc.getCurrentCluster()!.server), opts, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof ApiException) return e.code;
    throw e;
  }
}

test("/readyz is ok and /version reports the pinned Kubernetes version", async () => {
  const readyz = await rawGet(cluster.kubeConfig, "/readyz");
  assert.deepEqual(readyz, { status: 200, body: "ok" });
  const version = await cluster.kubeConfig.makeApiClient(VersionApi).getCode();
  if (cluster.managed) {
    assert.equal(version.gitVersion, cluster.managed.kubernetesVersion);
    assert.equal(
      cluster.managed.kubernetesVersion,
      `v${VERSIONS.kubernetes}`,
      "binaries not from the pinned build",
    );
  }
  assert.match(version.gitVersion, /^v1\.\d+\.\d+/);
});

test("kubectl works with the kubeconfig and sees a Ready node", async () => {
  const { stdout } = await run("kubectl", [
    "--kubeconfig",
    cluster.kubeconfigPath,
    "get",
    "nodes",
    "-o",
    "json",
  ]);
  const nodes = JSON.parse(stdout) as {
    items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[];
  };
  const ready = nodes.items.filter((n) =>
    n.status.conditions.some((c) => c.type === "Ready" && c.status === "True"),
  );
  assert.ok(ready.length > 0, `no Ready node in ${stdout.slice(0, 500)}`);
  if (cluster.managed)
    assert.deepEqual(
      ready.map((n) => n.metadata.name),
      [cluster.managed.nodeName],
    );
});

test("a Deployment becomes Available with a ReplicaSet and Ready pods", async (t) => {
  const namespace = await cluster.namespace(t);
  const apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const labels = { app: "smoke" };
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: "smoke" },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: "app", image: "registry.k8s.io/pause:3.10" }] },
        },
      },
    },
  });
  const deployment = await waitUntil("Deployment smoke Available", async () => {
    const d = await apps.readNamespacedDeployment({ name: "smoke", namespace });
    const available = d.status?.conditions?.some((c) => c.type === "Available" && c.status === "True");
    return available && d.status?.readyReplicas === 2 ? d : undefined;
  });
  assert.equal(deployment.status?.availableReplicas, 2);

  const replicaSets = await apps.listNamespacedReplicaSet({ namespace });
  assert.equal(replicaSets.items.length, 1);
  assert.equal(replicaSets.items[0]!.metadata?.ownerReferences?.[0]?.name, "smoke");
  const pods = await core.listNamespacedPod({ namespace, labelSelector: "app=smoke" });
  assert.equal(pods.items.length, 2);
  for (const pod of pods.items) {
    assert.equal(pod.status?.phase, "Running");
    assert.ok(pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
    if (cluster.managed) assert.equal(pod.spec?.nodeName, cluster.managed.nodeName);
  }
});

test("a Job's pod succeeds and the Job reports Complete", async (t) => {
  const namespace = await cluster.namespace(t);
  const batch = cluster.kubeConfig.makeApiClient(BatchV1Api);
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  await batch.createNamespacedJob({
    namespace,
    body: {
      metadata: { name: "smoke" },
      spec: {
        backoffLimit: 0,
        template: {
          spec: {
            restartPolicy: "Never",
            containers: [{ name: "run", image: "busybox:1.36", command: ["true"] }],
          },
        },
      },
    },
  });
  const job = await waitUntil("Job smoke Complete", async () => {
    const j = await batch.readNamespacedJob({ name: "smoke", namespace });
    return j.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True") ? j : undefined;
  });
  assert.equal(job.status?.succeeded, 1);
  const pods = await core.listNamespacedPod({ namespace, labelSelector: "job-name=smoke" });
  assert.deepEqual(
    pods.items.map((p) => p.status?.phase),
    ["Succeeded"],
  );
});

test("an RBAC-limited ServiceAccount is refused what it lacks", async (t) => {
  const namespace = await cluster.namespace(t);
  const other = await cluster.namespace(t);
  const sa = await cluster.serviceAccount(t, {
    namespace,
    name: "reader",
    rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }],
  });
  assert.equal(sa.username, `system:serviceaccount:${namespace}:reader`);
  const core = sa.kubeConfig.makeApiClient(CoreV1Api);

  assert.equal(await statusOf(core.listNamespacedConfigMap({ namespace })), 200);
  assert.equal(await statusOf(core.listNamespacedSecret({ namespace })), 403);
  assert.equal(await statusOf(core.listNamespacedConfigMap({ namespace: other })), 403);
  assert.equal(
    await statusOf(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "nope" } } })),
    403,
  );
  // The written kubeconfig works for child processes too.
  const canI = (verb: string, resource: string) =>
    run("kubectl", [
      "--kubeconfig",
      sa.kubeconfigPath,
      "auth",
      "can-i",
      verb,
      resource,
      "-n",
      namespace,
    ]).then(
      (r) => r.stdout.trim(),
      (e: { stdout?: string }) => e.stdout?.trim(),
    );
  assert.equal(await canI("list", "configmaps"), "yes");
  assert.equal(await canI("delete", "configmaps"), "no");
});

test("server-side apply with a field manager owns fields and reports conflicts", async (t) => {
  const namespace = await cluster.namespace(t);
  const objects = KubernetesObjectApi.makeApiClient(cluster.kubeConfig);
  const configMap = (data: Record<string, string>): KubernetesObject & { data: Record<string, string> } => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "applied", namespace },
    data,
  });
  const apply = (manager: string, obj: KubernetesObject, force: boolean) =>
    objects.patch(obj, undefined, undefined, manager, force, PatchStrategy.ServerSideApply);

  const first = (await apply("smoke-operator", configMap({ model: "v1" }), false)) as KubernetesObject & {
    data?: Record<string, string>;
  };
  assert.deepEqual(first.data, { model: "v1" });
  assert.ok(
    first.metadata?.managedFields?.some((f) => f.manager === "smoke-operator" && f.operation === "Apply"),
  );

  const conflict = await statusOf(apply("someone-else", configMap({ model: "v2" }), false));
  assert.equal(conflict, 409);

  const forced = (await apply("someone-else", configMap({ model: "v2" }), true)) as {
    data?: Record<string, string>;
  };
  assert.deepEqual(forced.data, { model: "v2" });
});

test("applyCrds installs CRDs from a directory and waits until they are Established", async (t) => {
  const namespace = await cluster.namespace(t);
  const dir = await mkdtemp(join(tmpdir(), "testenv-crds-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const group = "testenv.sentiment-operator.dev";
  await writeFile(
    join(dir, "widgets.yaml"),
    `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.${group}
spec:
  group: ${group}
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget }
  versions:
    - name: v1alpha1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - { rule: "self.size <= 10", message: "size must be at most 10" }
              properties:
                size: { type: integer, minimum: 1 }
                color: { type: string, default: blue }
`,
  );
  const objects = KubernetesObjectApi.makeApiClient(cluster.kubeConfig);
  t.after(async () => {
    await objects.delete({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `widgets.${group}` },
    });
  });

  assert.deepEqual(await cluster.applyCrds(dir), [`widgets.${group}`]);
  const widget = (size: number) => ({
    apiVersion: `${group}/v1alpha1`,
    kind: "Widget",
    metadata: { name: "w", namespace },
    spec: { size },
  });
  const created = (await objects.create(widget(3))) as { spec?: { color?: string } };
  // Wire-spelled schema keys (default, x-kubernetes-validations) must survive the apply.
  assert.equal(created.spec?.color, "blue");
  assert.equal(await statusOf(objects.create({ ...widget(0), metadata: { name: "bad", namespace } })), 422);
  assert.equal(await statusOf(objects.create({ ...widget(11), metadata: { name: "big", namespace } })), 422);
});
