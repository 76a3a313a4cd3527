import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultOperatorConfig } from "../../config.ts";
import { buildDeployment } from "../../render/k8s/deployment.ts";
import { sentimentModel } from "../../testing/resources.ts";
import { liveDeployment, rollingOut } from "../../testing/world.ts";
import { observeRollout } from "./rollout.ts";

const model = sentimentModel("reviews");
const desired = buildDeployment(
  model,
  { version: "v2", claimName: "reviews-models", path: "reviews/run-2" },
  defaultOperatorConfig(),
);

describe("observeRollout", () => {
  const cases: {
    name: string;
    deploy: ReturnType<typeof liveDeployment> | undefined;
    version?: string;
    rolledOut: "True" | "False";
    progressing: string;
    available: string;
  }[] = [
    {
      name: "no Deployment yet",
      deploy: undefined,
      rolledOut: "False",
      progressing: "Creating",
      available: "False",
    },
    {
      name: "rolled out",
      deploy: liveDeployment(desired),
      rolledOut: "True",
      progressing: "RolloutComplete",
      available: "True",
    },
    {
      name: "new ReplicaSet still scaling up",
      deploy: liveDeployment(desired, rollingOut(1)),
      rolledOut: "False",
      progressing: "RollingOut",
      available: "True",
    },
    {
      name: "controller has not seen the latest generation",
      deploy: liveDeployment(desired, (d) => (d.metadata!.generation = 2)),
      rolledOut: "False",
      progressing: "RollingOut",
      available: "True",
    },
    {
      name: "old pods still terminating",
      deploy: liveDeployment(desired, (d) => (d.status!.replicas = 3)),
      rolledOut: "False",
      progressing: "RollingOut",
      available: "True",
    },
    {
      name: "ProgressDeadlineExceeded is stuck",
      deploy: liveDeployment(
        desired,
        (d) =>
          (d.status!.conditions = [
            { type: "Available", status: "False", reason: "MinimumReplicasUnavailable" },
            { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" },
          ]),
      ),
      rolledOut: "False",
      progressing: "ProgressDeadlineExceeded",
      available: "False",
    },
    {
      name: "the live template serves another version",
      deploy: liveDeployment(desired),
      version: "v3",
      rolledOut: "False",
      progressing: "RollingOut",
      available: "True",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = observeRollout(c.deploy, c.version ?? "v2", 2);
      assert.equal(got.rolledOut.status, c.rolledOut);
      assert.equal(got.progressing.reason, c.progressing);
      assert.equal(got.rolledOut.reason, c.progressing, "RolledOut and Progressing give the same reason");
      assert.equal(
        got.progressing.status,
        c.rolledOut === "True" ||
          c.progressing === "ProgressDeadlineExceeded" ||
          c.progressing === "NothingToServe"
          ? "False"
          : "True",
      );
      assert.equal(got.available.status, c.available);
    });
  }

  test("replica counts, and the desired count from the live spec (HPA-owned)", () => {
    const got = observeRollout(
      liveDeployment(desired, (d) => ((d.spec!.replicas = 4), (d.status!.readyReplicas = 3))),
      "v2",
      2,
    );
    assert.deepEqual([got.readyReplicas, got.desiredReplicas, got.revision], [3, 4, "1"]);
  });
});
