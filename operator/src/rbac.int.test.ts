/**
 * The shipped ClusterRole (config/rbac/) enforces the GitOps rule: the operator's identity can
 * write the status of a user's resource but never its spec, and cannot read Secrets.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError, KubeClient } from "./k8s/client.ts";
import { Resources, resourcePath } from "./k8s/resources.ts";
import { sentimentModelManifest, withModelSpec } from "./testing/resources.ts";
import { operatorAccess, useOperatorSuite } from "./testing/harness.ts";

const suite = useOperatorSuite();
const { cluster } = suite;

async function statusCode(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof ApiError) return e.statusCode;
    throw e;
  }
}

test("the operator's ServiceAccount may patch status, but not a spec, and may not read Secrets", async (t) => {
  const ns = await cluster.namespace(t);
  await suite.kube.create(ns, sentimentModelManifest("m", withModelSpec({ replicas: 1 })));
  const access = await operatorAccess(cluster, suite.kube, t, ns);
  const op = await KubeClient.create(access.kubeConfig);
  t.after(() => op.close());
  const patch = (body: unknown, subresource?: string) =>
    op.request({
      method: "PATCH",
      path: resourcePath(Resources.sentimentModel, {
        namespace: ns,
        name: "m",
        ...(subresource ? { subresource } : {}),
      }),
      contentType: "application/merge-patch+json",
      body,
    });

  assert.equal(await statusCode(patch({ status: { phase: "Pending" } }, "status")), 200);
  assert.equal(await statusCode(patch({ spec: { replicas: 5 } })), 403, "a spec write is forbidden");
  assert.equal(
    await statusCode(
      op.request({
        method: "DELETE",
        path: resourcePath(Resources.sentimentModel, { namespace: ns, name: "m" }),
      }),
    ),
    403,
  );
  assert.equal(
    await statusCode(op.request({ method: "GET", path: `/api/v1/namespaces/${ns}/secrets` })),
    403,
    "Secrets are not readable",
  );
  assert.equal(
    await statusCode(
      op.request({ method: "GET", path: resourcePath(Resources.sentimentModel, { namespace: ns }) }),
    ),
    200,
    "listing works",
  );
});
