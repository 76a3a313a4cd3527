/**
 * User stories on the real control plane, with the operator running as a ServiceAccount bound to
 * the shipped ClusterRole: train → gate → promote → serve → Ready; rejection; failure; rollback;
 * deletion.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { waitUntil } from "#testenv/cluster.ts";
import { MODEL_VERSION_ANNOTATION } from "./api/names.ts";
import { Resources } from "./k8s/resources.ts";
import type { KubeObject } from "./api/kube-object.ts";
import { trainingRunManifest, withModel, withRunSpec } from "./testing/resources.ts";
import {
  conditionOf,
  operatorAccess,
  phaseOf,
  reportTrainerMessage,
  startOperator,
  statusOf,
  useOperatorSuite,
} from "./testing/harness.ts";
import { createModel, train, waitServing } from "./testing/scenarios.ts";

const run = promisify(execFile);
const suite = useOperatorSuite();
const { cluster } = suite;

type DeploymentView = KubeObject & {
  spec: {
    replicas?: number;
    strategy?: { rollingUpdate?: { maxUnavailable?: number } };
    template: { metadata: { annotations?: Record<string, string> } };
  };
  status?: { availableReplicas?: number };
};

const servedVersion = (d: DeploymentView) => d.spec.template.metadata.annotations?.[MODEL_VERSION_ANNOTATION];

/** `kubectl get <resource>` in `ns` as the admin: the header and the row of `name`, split in columns. */
async function kubectlRow(ns: string, resource: string, name: string): Promise<Record<string, string>> {
  const { stdout } = await run("kubectl", [
    "--kubeconfig",
    cluster.kubeconfigPath,
    "-n",
    ns,
    "get",
    resource,
  ]);
  const [header, ...rows] = stdout.trim().split("\n");
  const cols = header!.split(/\s{2,}/);
  const row = rows.map((r) => r.split(/\s{2,}/)).find((r) => r[0] === name);
  assert.ok(row, `kubectl get ${resource} shows no ${name}:\n${stdout}`);
  return Object.fromEntries(cols.map((c, i) => [c, row[i] ?? ""]));
}

describe("operator lifecycle", () => {
  test("a TrainingRun trains, passes the gate, is promoted and served until Ready", async (t) => {
    const ns = await cluster.namespace(t);
    await startOperator(t, await operatorAccess(cluster, suite.kube, t, ns), ns);
    await createModel(suite.kube, t, ns, "sentiment");

    const promoted = await train(suite.kube, ns, "sentiment", "r1", {
      version: "v1",
      accuracy: 0.88,
      f1: 0.87,
      gate: { minAccuracy: 0.8 },
    });
    const rs = statusOf<{
      jobName: string;
      metrics: { accuracy: number };
      artifact: { uri: string; version: string };
      promotion: { decision: string };
    }>(promoted);
    assert.equal(rs.jobName, "r1");
    assert.equal(rs.metrics.accuracy, 0.88);
    assert.deepEqual([rs.artifact.version, rs.artifact.uri], ["v1", "pvc://sentiment-models/sentiment/r1"]);
    assert.equal(rs.promotion.decision, "Promoted");

    const model = await waitServing(suite.kube, ns, "sentiment", "v1");
    assert.equal(conditionOf(model, "Ready")?.status, "True");
    assert.equal(conditionOf(model, "Available")?.status, "True");
    assert.equal(conditionOf(model, "ModelResolved")?.status, "True");
    const ms = statusOf<{ readyReplicas: number; url: string; history: { version: string }[] }>(model);
    assert.equal(ms.readyReplicas, 1);
    assert.equal(ms.url, `http://sentiment.${ns}.svc.cluster.local/predict`);
    assert.deepEqual(
      ms.history.map((h) => h.version),
      ["v1"],
    );

    const deploy = (await suite.kube.get<DeploymentView>(Resources.deployment, ns, "sentiment"))!;
    assert.equal(servedVersion(deploy), "v1");
    assert.equal(deploy.status?.availableReplicas, 1, "KWOK made the server pod Ready");
    assert.ok(await suite.kube.get(Resources.service, ns, "sentiment"), "the Service exists");

    const tr = await kubectlRow(ns, "trainingruns", "r1");
    assert.deepEqual(
      [tr["MODEL"], tr["ARCH"], tr["PHASE"], tr["ACCURACY"], tr["F1"]],
      ["sentiment", "nblr", "Promoted", "0.88", "0.87"],
    );
    assert.ok(tr["AGE"], "Age column");
    const sm = await kubectlRow(ns, "sentimentmodels", "sentiment");
    assert.deepEqual(
      [sm["VERSION"], sm["READY"], sm["ACCURACY"], sm["PHASE"], sm["URL"]],
      ["v1", "1/1", "0.88", "Ready", ms.url],
    );
    const { stdout: mlops } = await run("kubectl", [
      "--kubeconfig",
      cluster.kubeconfigPath,
      "-n",
      ns,
      "get",
      "mlops",
      "-o",
      "name",
    ]);
    assert.deepEqual(mlops.trim().split("\n").sort(), [
      "sentimentmodel.sentiment.mlops.dev/sentiment",
      "trainingrun.sentiment.mlops.dev/r1",
    ]);

    await waitUntil("a Promoted event on r1 from the operator", async () => {
      const events = await suite.kube.client.request<{
        items: { reason: string; reportingController: string; regarding: { name: string } }[];
      }>({
        method: "GET",
        path: `/apis/events.k8s.io/v1/namespaces/${ns}/events`,
      });
      return events.items.some(
        (e) =>
          e.reportingController === "sentiment.mlops.dev/operator" &&
          e.regarding.name === "r1" &&
          e.reason === "Promoted",
      );
    });
  });

  test("a rejected run keeps the old version serving; a better one rolls out; pinning rolls back", async (t) => {
    const ns = await cluster.namespace(t);
    await startOperator(t, await operatorAccess(cluster, suite.kube, t, ns), ns);
    await createModel(suite.kube, t, ns, "m");
    await train(suite.kube, ns, "m", "r1", { version: "v1", accuracy: 0.85 });
    await waitServing(suite.kube, ns, "m", "v1");

    const rejected = await train(suite.kube, ns, "m", "r2", {
      version: "v2",
      accuracy: 0.8,
      gate: { minAccuracy: 0.9 },
      expect: "Rejected",
    });
    const promotion = statusOf<{ promotion: { decision: string; reason: string; message: string } }>(
      rejected,
    ).promotion;
    assert.equal(promotion.decision, "Rejected");
    assert.match(promotion.message, /0\.8/, "the message quotes the candidate's accuracy");
    const worse = await train(suite.kube, ns, "m", "r3", {
      version: "v3",
      accuracy: 0.84,
      expect: "Rejected",
    });
    assert.equal(
      statusOf<{ promotion: { decision: string } }>(worse).promotion.decision,
      "Rejected",
      "mustBeatServing: 0.84 < 0.85 served",
    );
    let model = await waitServing(suite.kube, ns, "m", "v1");
    assert.equal(servedVersion((await suite.kube.get<DeploymentView>(Resources.deployment, ns, "m"))!), "v1");

    await train(suite.kube, ns, "m", "r4", { version: "v4", accuracy: 0.91 });
    model = await waitServing(suite.kube, ns, "m", "v4");
    const deploy = (await suite.kube.get<DeploymentView>(Resources.deployment, ns, "m"))!;
    assert.equal(servedVersion(deploy), "v4");
    assert.equal(
      deploy.spec.strategy?.rollingUpdate?.maxUnavailable,
      0,
      "rolls out with no unavailable replicas",
    );

    // Rollback is pinning the previous version in Git: the user edits the spec.
    await suite.kube.patch(Resources.sentimentModel, ns, "m", { spec: { version: "v1" } });
    model = await waitServing(suite.kube, ns, "m", "v1");
    assert.equal(servedVersion((await suite.kube.get<DeploymentView>(Resources.deployment, ns, "m"))!), "v1");
    assert.deepEqual(
      statusOf<{ history: { version: string }[] }>(model)
        .history.map((h) => h.version)
        .slice(0, 2),
      ["v1", "v4"],
    );
    assert.equal(
      statusOf<{ metrics: { accuracy: number } }>(model).metrics.accuracy,
      0.85,
      "status shows the served version's metrics",
    );
  });

  test("a Job that fails, or a corrupt metrics message, gives phase Failed with a reason", async (t) => {
    const ns = await cluster.namespace(t);
    await startOperator(t, await operatorAccess(cluster, suite.kube, t, ns), ns);
    await createModel(suite.kube, t, ns, "m");

    // No node matches: the pod never starts and the deadline fails the Job (DeadlineExceeded).
    await suite.kube.create(
      ns,
      trainingRunManifest(
        "stuck",
        withModel("m"),
        withRunSpec({ nodeSelector: { "example.com/no-such-node": "true" }, activeDeadlineSeconds: 2 }),
      ),
    );
    const stuck = await suite.kube.waitFor(
      Resources.trainingRun,
      ns,
      "stuck",
      "to fail",
      (r) => phaseOf(r) === "Failed",
    );
    assert.equal(conditionOf(stuck, "Trained")?.reason, "DeadlineExceeded");
    assert.equal(conditionOf(stuck, "Ready")?.status, "False");

    await suite.kube.create(ns, trainingRunManifest("garbled", withModel("m")));
    await reportTrainerMessage(suite.kube, ns, "garbled", "Traceback (most recent call last): out of memory");
    const garbled = await suite.kube.waitFor(
      Resources.trainingRun,
      ns,
      "garbled",
      "to fail",
      (r) => phaseOf(r) === "Failed",
    );
    assert.equal(conditionOf(garbled, "Trained")?.reason, "MetricsInvalid");
    assert.match(conditionOf(garbled, "Trained")?.message ?? "", /not JSON/);

    const model = await suite.kube.get(Resources.sentimentModel, ns, "m");
    assert.notEqual(phaseOf(model!), "Ready", "nothing was promoted, so nothing serves");
  });

  test("deleting a SentimentModel or a TrainingRun garbage-collects its children", async (t) => {
    const ns = await cluster.namespace(t);
    await startOperator(t, await operatorAccess(cluster, suite.kube, t, ns), ns);
    await createModel(suite.kube, t, ns, "m");
    await train(suite.kube, ns, "m", "r1", { version: "v1", accuracy: 0.9 });
    await waitServing(suite.kube, ns, "m", "v1");
    const children = [
      Resources.deployment,
      Resources.service,
      Resources.pdb,
      Resources.networkPolicy,
    ] as const;
    for (const res of children)
      assert.ok(await suite.kube.get(res, ns, "m"), `${res.kind} m exists before deletion`);
    assert.ok(await suite.kube.get(Resources.job, ns, "r1"));

    await suite.kube.delete(Resources.trainingRun, ns, "r1");
    await suite.kube.delete(Resources.sentimentModel, ns, "m");
    const gone = [
      ...children.map((res) => [res, "m"] as const),
      [Resources.pvc, "m-models"] as const,
      [Resources.job, "r1"] as const,
    ];
    for (const [res, name] of gone) {
      await waitUntil(
        `${res.kind} ${ns}/${name} to be garbage-collected`,
        async () => (await suite.kube.get(res, ns, name)) === undefined,
      );
    }
  });
});
