/**
 * Steady state on the real control plane: once everything is Ready the operator makes no writes
 * (resyncs, a fresh restart), leaves replicas to the HPA, and copes with the ServiceMonitor CRD
 * arriving late. Kept in one file because the ServiceMonitor test installs a cluster-wide CRD.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, test, type TestContext } from "node:test";
import { waitUntil } from "#testenv/cluster.ts";
import { FIELD_MANAGER } from "./k8s/writes.ts";
import { Resources } from "./k8s/resources.ts";
import type { KubeObject } from "./api/kube-object.ts";
import { withModelSpec } from "./testing/resources.ts";
import {
  conditionOf,
  operatorAccess,
  phaseOf,
  reconcileCount,
  settled,
  startOperator,
  useOperatorSuite,
} from "./testing/harness.ts";
import { createModel } from "./testing/scenarios.ts";

const suite = useOperatorSuite();
const { cluster } = suite;

/** A model serving an artifact already on its own claim: Ready without any training. */
const pinnedModel = (name: string) => withModelSpec({ artifactUri: `pvc://${name}-models/${name}/v1` });

const waitReady = (ns: string, name: string) =>
  suite.kube.waitFor(Resources.sentimentModel, ns, name, "to be Ready", (m) => phaseOf(m) === "Ready");

describe("steady state", () => {
  test("once Ready, resyncs make zero writes, and so does a freshly restarted operator", async (t) => {
    const ns = await cluster.namespace(t);
    const access = await operatorAccess(cluster, suite.kube, t, ns);
    const first = await startOperator(t, access, ns, { resyncPeriodMs: 1000 });
    await createModel(suite.kube, t, ns, "m", pinnedModel("m"));
    await waitReady(ns, "m");
    await settled(first);

    const writes = first.stats.writes({ includeEvents: true });
    const reconciles = await reconcileCount(first, "sentimentmodel");
    await sleep(3500);
    assert.ok(
      (await reconcileCount(first, "sentimentmodel")) >= reconciles + 3,
      "three resyncs reconciled the model again",
    );
    assert.equal(
      first.stats.writes({ includeEvents: true }),
      writes,
      `writes during resyncs: ${JSON.stringify(first.stats.snapshot())}`,
    );
    await first.stop();

    const second = await startOperator(t, access, ns, { resyncPeriodMs: 1000 });
    await waitUntil(
      "the restarted operator to reconcile the model",
      async () => (await reconcileCount(second, "sentimentmodel")) >= 2,
    );
    assert.equal(
      second.stats.writes({ includeEvents: true }),
      0,
      `a restart wrote: ${JSON.stringify(second.stats.snapshot())}`,
    );
  });

  test("the HPA owns replicas: scaling the Deployment causes no fight", async (t) => {
    const ns = await cluster.namespace(t);
    const op = await startOperator(t, await operatorAccess(cluster, suite.kube, t, ns), ns, {
      resyncPeriodMs: 1000,
    });
    await createModel(
      suite.kube,
      t,
      ns,
      "m",
      pinnedModel("m"),
      withModelSpec({ autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 5 } }),
    );
    await waitReady(ns, "m");
    const hpa = (await suite.kube.get<
      KubeObject & {
        spec: { minReplicas: number; maxReplicas: number; scaleTargetRef: { kind: string; name: string } };
      }
    >(Resources.hpa, ns, "m"))!;
    assert.deepEqual(
      [
        hpa.spec.scaleTargetRef.kind,
        hpa.spec.scaleTargetRef.name,
        hpa.spec.minReplicas,
        hpa.spec.maxReplicas,
      ],
      ["Deployment", "m", 1, 5],
    );

    type Managed = KubeObject & {
      metadata: {
        managedFields?: {
          manager: string;
          operation: string;
          fieldsV1?: { "f:spec"?: Record<string, unknown> };
        }[];
      };
    };
    const deploy = (await suite.kube.get<Managed>(Resources.deployment, ns, "m"))!;
    const ours = deploy.metadata.managedFields?.find(
      (f) => f.manager === FIELD_MANAGER && f.operation === "Apply",
    );
    assert.ok(ours?.fieldsV1?.["f:spec"], "the operator applies the Deployment spec");
    assert.equal("f:replicas" in ours.fieldsV1["f:spec"], false, "the operator does not own spec.replicas");

    await settled(op);
    const before = op.stats.snapshot()["patch deployments"] ?? 0;
    // What the HPA controller does when it scales: write the scale subresource.
    await suite.kube.patch(Resources.deployment, ns, "m", { spec: { replicas: 3 } }, "scale");
    await sleep(3000); // three resyncs
    const after = (await suite.kube.get<KubeObject & { spec: { replicas: number } }>(
      Resources.deployment,
      ns,
      "m",
    ))!;
    assert.equal(after.spec.replicas, 3, "the operator left the HPA's replica count alone");
    assert.equal(
      op.stats.snapshot()["patch deployments"] ?? 0,
      before,
      "no Deployment write after the scale",
    );
  });

  test("without the ServiceMonitor CRD, MonitoringReady is False with one Warning; once installed, a ServiceMonitor appears", async (t) => {
    const ns = await cluster.namespace(t);
    await startOperator(t, await operatorAccess(cluster, suite.kube, t, ns), ns, {
      serviceMonitorRecheckMs: 500,
    });
    await createModel(suite.kube, t, ns, "m", pinnedModel("m"));
    const ready = await waitReady(ns, "m");
    const monitoring = conditionOf(ready, "MonitoringReady");
    assert.deepEqual([monitoring?.status, monitoring?.reason], ["False", "ServiceMonitorCRDNotInstalled"]);

    await sleep(2000); // several re-checks
    const warnings = await eventsAbout(ns, "m", "ServiceMonitorCRDNotInstalled");
    assert.equal(warnings.length, 1, "exactly one Warning event while the CRD is missing");
    assert.equal(warnings[0]?.type, "Warning");

    await installServiceMonitorCrd(t);
    const sm = await waitUntil(
      `ServiceMonitor ${ns}/m`,
      () => suite.kube.get(Resources.serviceMonitor, ns, "m"),
      {
        timeoutMs: 20_000,
      },
    );
    assert.equal(
      (sm["spec"] as { endpoints: { port: string; interval: string }[] }).endpoints[0]?.interval,
      "15s",
    );
    const monitored = await suite.kube.waitFor(
      Resources.sentimentModel,
      ns,
      "m",
      "to report MonitoringReady",
      (m) => conditionOf(m, "MonitoringReady")?.status === "True",
    );
    assert.equal(phaseOf(monitored), "Ready");
  });
});

async function eventsAbout(
  ns: string,
  name: string,
  reason: string,
): Promise<{ type: string; reason: string }[]> {
  const list = await suite.kube.client.request<{
    items: { type: string; reason: string; regarding: { name: string } }[];
  }>({
    method: "GET",
    path: `/apis/events.k8s.io/v1/namespaces/${ns}/events`,
  });
  return list.items.filter((e) => e.regarding.name === name && e.reason === reason);
}

/** A minimal servicemonitors.monitoring.coreos.com CRD (the Prometheus Operator's), removed after the test. */
async function installServiceMonitorCrd(t: TestContext): Promise<void> {
  const name = "servicemonitors.monitoring.coreos.com";
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name },
    spec: {
      group: "monitoring.coreos.com",
      scope: "Namespaced",
      names: {
        kind: "ServiceMonitor",
        listKind: "ServiceMonitorList",
        plural: "servicemonitors",
        singular: "servicemonitor",
      },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
    },
  };
  const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`;
  await suite.kube.client.request({
    method: "PATCH",
    path,
    query: { fieldManager: "sentiment-operator-tests", force: true },
    contentType: "application/apply-patch+yaml",
    body: crd,
  });
  t.after(() => suite.kube.client.request({ method: "DELETE", path }).catch(() => undefined));
}
