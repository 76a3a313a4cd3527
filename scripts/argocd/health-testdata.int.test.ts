/**
 * The Argo CD health checks' testdata, made from what the operator really writes: this test drives
 * each case on the test control plane (the operator as its ServiceAccount, KWOK for pods) and
 * compares the objects it read back with `config/argocd/health/.../testdata/*.yaml`, on every field
 * the health.lua scripts read (`healthView`; other fields, such as MonitoringReady, depend on what
 * else the shared cluster holds). A difference fails with the files to regenerate;
 * `SENTIMENT_UPDATE_TESTDATA=1` writes them, whole:
 *
 *   SENTIMENT_UPDATE_TESTDATA=1 npm test -- scripts/argocd/health-testdata.int.test.ts
 *
 * health.test.ts then runs every case through Argo CD's Lua VM.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { describe, test } from "node:test";
import { parse, stringify } from "yaml";
import { Resources } from "../../operator/src/k8s/resources.ts";
import type { KubeObject } from "../../operator/src/api/kube-object.ts";
import {
  trainingRunManifest,
  withModel,
  withModelSpec,
  withRunSpec,
  withSuspend,
} from "../../operator/src/testing/resources.ts";
import {
  conditionOf,
  operatorAccess,
  phaseOf,
  reportTrainerMessage,
  settled,
  startOperator,
  useOperatorSuite,
} from "../../operator/src/testing/harness.ts";
import { createModel, train, waitServing } from "../../operator/src/testing/scenarios.ts";
import { GROUP, HEALTH_DIR } from "./health.ts";

const suite = useOperatorSuite();
const UPDATE = process.env["SENTIMENT_UPDATE_TESTDATA"] === "1";
/** What every case's namespace becomes, so the files do not depend on the test run. */
const NAMESPACE = "ml";
const TIME = "2026-01-01T00:00:00Z";
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** The object as Argo CD sees it, minus what changes from run to run (uid, times, namespace). */
export function normalize(obj: KubeObject, ns: string): unknown {
  const { name, generation, labels, annotations } = obj.metadata ?? {};
  const meta = { name, namespace: NAMESPACE, generation, labels, annotations };
  const replace = (v: unknown): unknown => {
    if (typeof v === "string") return RFC3339.test(v) ? TIME : v.replaceAll(ns, NAMESPACE);
    if (Array.isArray(v)) return v.map(replace);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  return replace({
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: meta,
    spec: obj["spec"],
    status: obj["status"],
  });
}

/** The fields the health.lua scripts read: keep in step with them. */
export function healthView(obj: unknown): unknown {
  const o = obj as {
    metadata?: { generation?: number };
    spec?: Record<string, unknown> & { autoscaling?: { enabled?: boolean }; promotion?: { policy?: string } };
    status?: Record<string, unknown> & {
      promotion?: Record<string, unknown>;
      conditions?: { type: string; status: string; reason?: string; message?: string }[];
    };
  };
  const spec = o.spec ?? {};
  const status = o.status ?? {};
  return {
    generation: o.metadata?.generation,
    spec: {
      suspend: spec["suspend"],
      replicas: spec["replicas"],
      autoscaling: spec.autoscaling?.enabled,
      model: spec["model"],
      policy: spec.promotion?.policy,
    },
    status: {
      observedGeneration: status["observedGeneration"],
      phase: status["phase"],
      currentVersion: status["currentVersion"],
      readyDisplay: status["readyDisplay"],
      promotion: status.promotion && {
        decision: status.promotion["decision"],
        reason: status.promotion["reason"],
        message: status.promotion["message"],
      },
      conditions: (status.conditions ?? [])
        .filter((c) => ["Ready", "Trained", "Promoted"].includes(c.type))
        .map(({ type, status, reason, message }) => ({ type, status, reason, message })),
    },
  };
}

const mismatched: string[] = [];

/** Writes (update mode) or compares one testdata file. */
function record(kind: string, file: string, obj: KubeObject, ns: string): void {
  const path = join(HEALTH_DIR, GROUP, kind, "testdata", `${file}.yaml`);
  const text = `# Written by scripts/argocd/health-testdata.int.test.ts from the operator's own status; do not edit.\n${stringify(normalize(obj, ns), { sortMapEntries: true })}`;
  if (UPDATE) {
    writeFileSync(path, text);
    return;
  }
  let have: unknown;
  try {
    have = parse(readFileSync(path, "utf8"));
  } catch {
    // missing or unreadable: reported below
  }
  if (!isDeepStrictEqual(healthView(have), healthView(parse(text))))
    mismatched.push(`${kind}/testdata/${file}.yaml`);
}

const observed = (o: KubeObject): boolean =>
  (o["status"] as { observedGeneration?: number } | undefined)?.observedGeneration === o.metadata?.generation;

describe("Argo CD health testdata from the operator's real status", () => {
  test("every case's object matches its testdata file", async (t) => {
    const { cluster } = suite;
    const kube = suite.kube;
    const ns = await cluster.namespace(t);
    const op = await startOperator(t, await operatorAccess(cluster, kube, t, ns), ns);
    const get = async (res: typeof Resources.trainingRun, name: string) => (await kube.get(res, ns, name))!;
    const model = (file: string, o: KubeObject) => record("SentimentModel", file, o, ns);
    const run = (file: string, o: KubeObject) => record("TrainingRun", file, o, ns);

    // A model with nothing promoted yet waits (Progressing).
    await createModel(kube, t, ns, "waiting");
    model(
      "progressing_noPromotedVersion",
      await kube.waitFor(
        Resources.sentimentModel,
        ns,
        "waiting",
        "to wait for a version",
        (m) => observed(m) && phaseOf(m) === "Pending",
      ),
    );

    // Trained, promoted by the Auto gate, served and Ready.
    await createModel(kube, t, ns, "sentiment");
    run(
      "healthy_promoted",
      await train(kube, ns, "sentiment", "r1", {
        version: "v1",
        accuracy: 0.88,
        f1: 0.87,
        gate: { minAccuracy: 0.8 },
      }),
    );
    model("healthy_serving", await waitServing(kube, ns, "sentiment", "v1"));

    // Rejected by the gate: Degraded under Auto, Healthy under Manual (the user chose to review).
    run(
      "degraded_rejectedByGate",
      await train(kube, ns, "sentiment", "r2", {
        version: "v2",
        accuracy: 0.8,
        gate: { minAccuracy: 0.9 },
        expect: "Rejected",
      }),
    );
    run(
      "healthy_rejectedUnderManual",
      await train(kube, ns, "sentiment", "r3", {
        version: "v3",
        accuracy: 0.8,
        gate: { policy: "Manual", minAccuracy: 0.9 },
        expect: "Rejected",
      }),
    );
    run(
      "healthy_awaitingApproval",
      await train(kube, ns, "sentiment", "r4", {
        version: "v4",
        accuracy: 0.95,
        gate: { policy: "Manual" },
        expect: "AwaitingApproval",
      }),
    );
    run(
      "healthy_notPromotedPolicyNever",
      await train(kube, ns, "sentiment", "r5", {
        version: "v5",
        accuracy: 0.9,
        gate: { policy: "Never" },
        expect: "Succeeded",
      }),
    );

    // A trainer that printed no metrics JSON fails the run.
    await kube.create(ns, trainingRunManifest("garbled", withModel("sentiment")));
    await reportTrainerMessage(kube, ns, "garbled", "Traceback (most recent call last): out of memory");
    run(
      "degraded_failed",
      await kube.waitFor(Resources.trainingRun, ns, "garbled", "to fail", (r) => phaseOf(r) === "Failed"),
    );

    // A run whose pod cannot be scheduled yet (no node matches): Progressing.
    await kube.create(
      ns,
      trainingRunManifest(
        "pending",
        withModel("sentiment"),
        withRunSpec({ nodeSelector: { "example.com/no-such-node": "true" } }),
      ),
    );
    run(
      "progressing_podPending",
      await kube.waitFor(
        Resources.trainingRun,
        ns,
        "pending",
        "to wait for its pod",
        (r) => conditionOf(r, "Trained")?.reason === "PodPending",
      ),
    );

    // A suspended run creates no Job.
    await kube.create(ns, trainingRunManifest("paused", withModel("sentiment"), withSuspend()));
    run(
      "suspended",
      await kube.waitFor(
        Resources.trainingRun,
        ns,
        "paused",
        "to be suspended",
        (r) => observed(r) && conditionOf(r, "Trained")?.reason === "Suspended",
      ),
    );

    // Pinning a version that does not exist: Failed with nothing served, Degraded while v1 serves.
    await createModel(kube, t, ns, "pinned", withModelSpec({ version: "v9" }));
    model(
      "degraded_pinnedVersionMissing",
      await kube.waitFor(
        Resources.sentimentModel,
        ns,
        "pinned",
        "to fail",
        (m) => observed(m) && phaseOf(m) === "Failed",
      ),
    );
    await kube.patch(Resources.sentimentModel, ns, "sentiment", { spec: { version: "v9" } });
    model(
      "degraded_stillServingOldVersion",
      await kube.waitFor(
        Resources.sentimentModel,
        ns,
        "sentiment",
        "to degrade",
        (m) => observed(m) && phaseOf(m) === "Degraded",
      ),
    );

    // Scaled to zero: serves no one (Suspended).
    await createModel(kube, t, ns, "idle", withModelSpec({ replicas: 0 }));
    await train(kube, ns, "idle", "idle-r1", { version: "v1", accuracy: 0.9 });
    await kube.waitFor(
      Resources.sentimentModel,
      ns,
      "idle",
      "to resolve v1",
      (m) => observed(m) && (m["status"] as { currentVersion?: string }).currentVersion === "v1",
    );
    await settled(op);
    model("suspended_scaledToZero", await get(Resources.sentimentModel, "idle"));

    // Spec changes the operator has not observed yet (it is stopped): Progressing.
    await settled(op);
    await op.stop();
    await kube.patch(Resources.sentimentModel, ns, "sentiment", { spec: { version: "v1" } });
    model("progressing_generationNotObserved", await get(Resources.sentimentModel, "sentiment"));
    await kube.patch(Resources.trainingRun, ns, "paused", { spec: { suspend: false } });
    run("progressing_generationNotObserved", await get(Resources.trainingRun, "paused"));

    assert.deepEqual(
      mismatched,
      [],
      `These testdata files differ from what the operator writes now: ${mismatched.join(", ")}. Run \`SENTIMENT_UPDATE_TESTDATA=1 npm test -- scripts/argocd/health-testdata.int.test.ts\`, check the health_test.yaml expectations with \`npm test -- scripts/argocd/health.test.ts\`, and commit.`,
    );
  });
});
