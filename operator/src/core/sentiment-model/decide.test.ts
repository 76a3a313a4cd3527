import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { V1Deployment } from "@kubernetes/client-node";
import { findCondition } from "../../api/conditions.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import type { TrainingRun } from "../../api/training-run.ts";
import { defaultOperatorConfig } from "../../config.ts";
import { statusChanged } from "../status-changed.ts";
import { sentimentModel, trainingRun, withModelSpec, withRunStatus } from "../../testing/resources.ts";
import { at, liveDeployment, rollingOut, servingVersion } from "../../testing/world.ts";
import type { NamedKubeObject } from "../../api/kube-object.ts";
import type { ChildAction, SentimentModelChildren, SentimentModelDecision } from "../types.ts";
import { decideSentimentModel } from "./decide.ts";

const config = defaultOperatorConfig();

const promotedRun = (name: string, version: string, time: string, accuracy = 0.92): TrainingRun =>
  trainingRun(
    name,
    withRunStatus({
      phase: "Promoted",
      completionTime: time,
      metrics: { accuracy, f1: accuracy },
      artifact: { uri: `pvc://reviews-models/reviews/${name}`, version },
      promotion: { decision: "Promoted", reason: "GatePassed", time },
    }),
  );
const RUNS = [promotedRun("run-1", "v1", "2025-01-01T00:00:00Z", 0.91)];

const KEYS: Record<string, keyof SentimentModelChildren> = {
  Deployment: "deployment",
  Service: "service",
  HorizontalPodAutoscaler: "hpa",
  PodDisruptionBudget: "pdb",
  NetworkPolicy: "networkPolicy",
  ServiceMonitor: "serviceMonitor",
  PersistentVolumeClaim: "pvc",
};

/** A fake apiserver for pure tests: applies actions to a set of live children, adding server defaults. */
function act(
  children: SentimentModelChildren,
  actions: readonly ChildAction[],
  ready = true,
): SentimentModelChildren {
  const next: Record<string, unknown> = { ...children };
  for (const a of actions) {
    if (a.verb === "delete") delete next[KEYS[a.ref.kind]!];
    if (a.verb !== "apply") continue;
    const wire = JSON.parse(JSON.stringify(a.object)) as NamedKubeObject;
    const obj: NamedKubeObject = {
      ...wire,
      metadata: {
        ...wire.metadata,
        uid: `uid-${wire.kind}`,
        resourceVersion: "1",
        creationTimestamp: "2025-01-01T00:00:00Z",
      },
    };
    if (a.object.kind === "Service") (obj["spec"] as Record<string, unknown>)["clusterIP"] = "10.0.0.7";
    const key = KEYS[a.object.kind]!;
    next[key] = key === "deployment" ? liveDeployment(obj as object, ...(ready ? [] : [rollingOut(0)])) : obj;
  }
  return next;
}

interface Step {
  readonly model: SentimentModel;
  readonly children: SentimentModelChildren;
  readonly decision: SentimentModelDecision;
}

/** Reconcile, perform the actions, write status: what the shell does once. */
function reconcile(
  model: SentimentModel,
  children: SentimentModelChildren,
  runs: readonly TrainingRun[] = RUNS,
  now = at(0),
  crd = true,
): Step {
  const decision = decideSentimentModel(
    model,
    { trainingRuns: runs, children, serviceMonitorCrdInstalled: crd },
    now,
    config,
  );
  return {
    model: { ...model, status: decision.status },
    children: act(children, decision.actions),
    decision,
  };
}

const kinds = (d: SentimentModelDecision) =>
  d.actions.map(
    (a) => `${a.verb}:${a.verb === "apply" ? a.object.kind : a.verb === "delete" ? a.ref.kind : a.ref.kind}`,
  );

describe("decideSentimentModel: first reconcile", () => {
  test("creates every child in order and reports Progressing", () => {
    const { decision } = reconcile(sentimentModel("reviews"), {});
    assert.deepEqual(kinds(decision), [
      "apply:PersistentVolumeClaim",
      "apply:Deployment",
      "apply:Service",
      "apply:PodDisruptionBudget",
      "apply:NetworkPolicy",
      "apply:ServiceMonitor",
    ]);
    assert.equal(decision.status.phase, "Progressing");
    assert.equal(decision.status.currentVersion, "v1");
    assert.equal(decision.status.url, "http://reviews.ml.svc.cluster.local/predict");
    assert.equal(
      decision.status.selector,
      "app.kubernetes.io/instance=reviews,app.kubernetes.io/name=sentiment-server",
    );
    assert.deepEqual(
      decision.events.map((e) => e.reason),
      ["RollingOut"],
    );
    assert.equal(decision.requeueAfterSeconds, config.progressRequeueSeconds);
  });

  test("nothing promoted yet: no Deployment, phase Pending, the rest prepared", () => {
    const { decision } = reconcile(sentimentModel("reviews"), {}, []);
    assert.deepEqual(kinds(decision), [
      "apply:PersistentVolumeClaim",
      "apply:Service",
      "apply:PodDisruptionBudget",
      "apply:NetworkPolicy",
      "apply:ServiceMonitor",
    ]);
    assert.equal(decision.status.phase, "Pending");
    assert.equal(findCondition(decision.status.conditions, "ModelResolved")?.reason, "NoPromotedVersion");
  });

  test("an existing claim in spec.storage: no PVC is created", () => {
    const { decision } = reconcile(
      sentimentModel("reviews", withModelSpec({ storage: { claimName: "shared" } })),
      {},
    );
    assert.ok(!kinds(decision).includes("apply:PersistentVolumeClaim"));
  });
});

describe("decideSentimentModel: convergence and steady state", () => {
  test("after the rollout: Ready, then a resync makes ZERO writes", () => {
    const s1 = reconcile(sentimentModel("reviews"), {});
    const s2 = reconcile(s1.model, s1.children, RUNS, at(10));
    assert.deepEqual(s2.decision.actions, []);
    assert.equal(s2.decision.status.phase, "Ready");
    assert.equal(s2.decision.status.readyDisplay, "2/2");
    assert.equal(findCondition(s2.decision.status.conditions, "Ready")?.status, "True");
    assert.deepEqual(
      s2.decision.events.map((e) => e.reason),
      ["Ready"],
    );
    assert.equal(s2.decision.requeueAfterSeconds, undefined);
    const s3 = reconcile(s2.model, s2.children, RUNS, at(3600));
    assert.deepEqual(s3.decision.actions, [], "steady state must not write children");
    assert.equal(
      statusChanged(s2.model.status, s3.decision.status),
      false,
      "steady state must not write status",
    );
    assert.deepEqual(s3.decision.events, []);
  });

  test("with autoscaling, HPA-chosen replicas are left alone (no fight)", () => {
    const model = sentimentModel("reviews", withModelSpec({ autoscaling: { enabled: true } }));
    const s1 = reconcile(model, {});
    assert.ok(kinds(s1.decision).includes("apply:HorizontalPodAutoscaler"));
    const dep = s1.children.deployment!;
    assert.equal(dep.spec?.replicas, undefined, "replicas omitted when autoscaling is on");
    const scaled = { ...s1.children, deployment: { ...dep, spec: { ...dep.spec!, replicas: 5 } } };
    const s2 = reconcile(s1.model, scaled, RUNS, at(10));
    assert.deepEqual(s2.decision.actions, []);
    assert.equal(
      s2.decision.status.readyDisplay,
      "1/5",
      "ready/desired, desired from the HPA-owned live spec",
    );
  });

  test("turning autoscaling off deletes the HPA and sets replicas", () => {
    const on = reconcile(sentimentModel("reviews", withModelSpec({ autoscaling: { enabled: true } })), {});
    const off = reconcile(
      sentimentModel("reviews", withModelSpec({ replicas: 3 })),
      on.children,
      RUNS,
      at(10),
    );
    assert.deepEqual(kinds(off.decision), ["apply:Deployment", "delete:HorizontalPodAutoscaler"]);
    assert.equal(off.children.deployment?.spec?.replicas, 3);
  });

  test("a spec change (resources) updates only the Deployment and shows Progressing until rolled out", () => {
    const s1 = reconcile(sentimentModel("reviews"), {});
    const changed = sentimentModel(
      "reviews",
      withModelSpec({ server: { resources: { limits: { memory: "1Gi" } } } }),
      (d) => (d.metadata.generation = 2),
    );
    const s2 = reconcile({ ...changed, status: s1.model.status }, s1.children, RUNS, at(10));
    assert.deepEqual(kinds(s2.decision), ["apply:Deployment"]);
    assert.equal(findCondition(s2.decision.status.conditions, "Progressing")?.reason, "Updating");
  });
});

describe("decideSentimentModel: versions", () => {
  const s1 = reconcile(sentimentModel("reviews"), {});
  const ready = reconcile(s1.model, s1.children, RUNS, at(10));
  const runs2 = [...RUNS, promotedRun("run-2", "v2", "2025-01-02T00:00:00Z", 0.93)];

  test("a newer promotion rolls out with a template change, history grows", () => {
    const d = decideSentimentModel(
      ready.model,
      { trainingRuns: runs2, children: ready.children, serviceMonitorCrdInstalled: true },
      at(20),
      config,
    );
    const apply = d.actions.find((a) => a.verb === "apply" && a.object.kind === "Deployment");
    assert.ok(apply?.verb === "apply");
    assert.equal(servingVersion(apply.object as unknown as V1Deployment), "v2");
    assert.equal(d.status.currentVersion, "v2");
    assert.equal(d.status.metrics?.accuracy, 0.93);
    assert.deepEqual(
      d.status.history?.map((h) => h.version),
      ["v2", "v1"],
    );
    assert.deepEqual(
      d.events.map((e) => e.reason),
      ["RollingOut"],
    );
    assert.equal(d.status.phase, "Progressing");
  });

  test("pinning an unknown version keeps serving the current one: Degraded, Warning", () => {
    const pinned = {
      ...sentimentModel("reviews", withModelSpec({ version: "nope" })),
      status: ready.model.status,
    };
    const d = decideSentimentModel(
      pinned,
      { trainingRuns: RUNS, children: ready.children, serviceMonitorCrdInstalled: true },
      at(20),
      config,
    );
    assert.deepEqual(d.actions, []);
    assert.equal(d.status.phase, "Degraded");
    assert.equal(d.status.currentVersion, "v1");
    assert.ok(d.events.some((e) => e.type === "Warning" && e.reason === "VersionNotFound"));
  });

  test("pinning an unknown version with nothing served: Failed", () => {
    const d = reconcile(sentimentModel("reviews", withModelSpec({ version: "nope" })), {}).decision;
    assert.equal(d.status.phase, "Failed");
  });

  test("history is bounded and one entry per version", () => {
    let model = ready.model;
    let children = ready.children;
    const runs: TrainingRun[] = [];
    for (let i = 0; i < 14; i++) {
      runs.push(promotedRun(`run-x${i}`, `x${i}`, `2025-02-${String(i + 1).padStart(2, "0")}T00:00:00Z`));
      const s = reconcile(model, children, runs, at(100 + i));
      model = s.model;
      children = s.children;
    }
    const history = model.status?.history ?? [];
    assert.equal(history.length, 10);
    assert.equal(history[0]?.version, "x13");
    assert.equal(new Set(history.map((h) => h.version)).size, 10);
  });
});

describe("decideSentimentModel: monitoring", () => {
  test("ServiceMonitor CRD absent: no ServiceMonitor, MonitoringReady False, one Warning, re-check later; still Ready", () => {
    const s1 = reconcile(sentimentModel("reviews"), {}, RUNS, at(0), false);
    assert.ok(!kinds(s1.decision).includes("apply:ServiceMonitor"));
    const mon = findCondition(s1.decision.status.conditions, "MonitoringReady");
    assert.deepEqual([mon?.status, mon?.reason], ["False", "ServiceMonitorCRDNotInstalled"]);
    assert.equal(s1.decision.events.filter((e) => e.reason === "ServiceMonitorCRDNotInstalled").length, 1);
    const s2 = reconcile(s1.model, s1.children, RUNS, at(10), false);
    assert.equal(
      s2.decision.events.filter((e) => e.reason === "ServiceMonitorCRDNotInstalled").length,
      0,
      "one Warning, not one per reconcile",
    );
    assert.equal(s2.decision.status.phase, "Ready");
    assert.equal(s2.decision.requeueAfterSeconds, config.recheckSeconds);
    const s3 = reconcile(s2.model, s2.children, RUNS, at(20), true);
    assert.deepEqual(kinds(s3.decision), ["apply:ServiceMonitor"]);
  });

  test("disabled: an existing ServiceMonitor is deleted", () => {
    const s1 = reconcile(sentimentModel("reviews"), {});
    const off = reconcile(
      sentimentModel("reviews", withModelSpec({ monitoring: { serviceMonitor: { enabled: false } } })),
      s1.children,
    );
    assert.deepEqual(kinds(off.decision), ["delete:ServiceMonitor"]);
    assert.equal(findCondition(off.decision.status.conditions, "MonitoringReady")?.reason, "Disabled");
  });
});

describe("decideSentimentModel: deletion", () => {
  test("a model being deleted gets no actions", () => {
    const model = sentimentModel("reviews", (d) => (d.metadata.deletionTimestamp = "2025-01-01T00:00:00Z"));
    assert.deepEqual(reconcile(model, {}).decision.actions, []);
  });
});
