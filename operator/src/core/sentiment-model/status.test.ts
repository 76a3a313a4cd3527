import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { findCondition } from "../../api/conditions.ts";
import { defaultOperatorConfig } from "../../config.ts";
import { buildDeployment } from "../../render/k8s/deployment.ts";
import { sentimentModel } from "../../testing/resources.ts";
import { at, liveDeployment, rollingOut } from "../../testing/world.ts";
import type { Resolution, Resolved } from "./resolve-version.ts";
import { observeRollout, updatingRollout, type Rollout } from "./rollout.ts";
import { buildModelStatus } from "./status.ts";

const config = defaultOperatorConfig();
const model = sentimentModel("reviews");
const served: Resolved = {
  ok: true,
  artifact: { version: "v2", claimName: "reviews-models", path: "reviews/run-2" },
  uri: "pvc://reviews-models/reviews/run-2",
  source: "promoted",
  trainingRun: "run-2",
};
const desired = buildDeployment(model, served.artifact, config);
const monitoring = { type: "MonitoringReady", status: "True", reason: "Disabled", message: "off" } as const;
const stuck = liveDeployment(desired, (d) => {
  d.status!.conditions = [
    { type: "Available", status: "False", reason: "MinimumReplicasUnavailable" },
    { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "too slow" },
  ];
});

/** Ready is derived from ModelResolved, Available and RolledOut (KServe-style), never from Progressing. */
describe("a SentimentModel's Ready", () => {
  const cases: {
    name: string;
    resolution: Resolution;
    rollout: Rollout;
    want: [status: string, reason: string];
    rolledOut: string;
  }[] = [
    {
      name: "resolved, available and rolled out: True",
      resolution: served,
      rollout: observeRollout(liveDeployment(desired), "v2", 2),
      want: ["True", "Ready"],
      rolledOut: "True",
    },
    {
      name: "rolling out: False with the rollout's reason",
      resolution: served,
      rollout: observeRollout(liveDeployment(desired, rollingOut(1)), "v2", 2),
      want: ["False", "RollingOut"],
      rolledOut: "False",
    },
    {
      name: "an update being applied: False, Updating",
      resolution: served,
      rollout: updatingRollout(observeRollout(liveDeployment(desired), "v2", 2)),
      want: ["False", "Updating"],
      rolledOut: "False",
    },
    {
      name: "no Deployment yet: False, the first failing dependency (Available)",
      resolution: served,
      rollout: observeRollout(undefined, "v2", 2),
      want: ["False", "DeploymentNotFound"],
      rolledOut: "False",
    },
    {
      name: "stuck rollout: False, Available's reason comes first",
      resolution: served,
      rollout: observeRollout(stuck, "v2", 2),
      want: ["False", "MinimumReplicasUnavailable"],
      rolledOut: "False",
    },
    {
      name: "nothing to serve: False, ModelResolved's reason",
      resolution: { ok: false, reason: "NoPromotedVersion", message: "no run promoted yet" },
      rollout: observeRollout(undefined, undefined, 2),
      want: ["False", "NoPromotedVersion"],
      rolledOut: "False",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const status = buildModelStatus(
        model,
        {
          resolution: c.resolution,
          served: c.resolution.ok ? c.resolution : undefined,
          rollout: c.rollout,
          monitoring,
        },
        at(0),
        config,
      );
      const ready = findCondition(status.conditions, "Ready");
      assert.deepEqual([ready?.status, ready?.reason], c.want);
      assert.equal(findCondition(status.conditions, "RolledOut")?.status, c.rolledOut);
    });
  }

  test("conditions keep a stable order, Ready first", () => {
    const status = buildModelStatus(
      model,
      { resolution: served, served, rollout: observeRollout(liveDeployment(desired), "v2", 2), monitoring },
      at(0),
      config,
    );
    assert.deepEqual(
      status.conditions?.map((c) => c.type),
      ["Ready", "ModelResolved", "Available", "RolledOut", "Progressing", "MonitoringReady"],
    );
  });
});
