import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { TrainingRun } from "../../api/training-run.ts";
import {
  sentimentModel,
  trainingRun,
  withModel,
  withModelSpec,
  withModelStatus,
  withRunStatus,
} from "../../testing/resources.ts";
import { resolveVersion } from "./resolve-version.ts";

const run = (
  name: string,
  version: string,
  phase: "Promoted" | "Rejected" | "Running",
  time: string,
  model = "reviews",
): TrainingRun =>
  trainingRun(
    name,
    withModel(model),
    withRunStatus({
      phase,
      completionTime: time,
      metrics: { accuracy: 0.9, f1: 0.9 },
      ...(phase === "Running"
        ? {}
        : {
            artifact: { uri: `pvc://reviews-models/reviews/${name}`, version },
            promotion: { decision: phase, reason: "GatePassed", time },
          }),
    }),
  );

const runs = [
  run("run-1", "v1", "Promoted", "2025-01-01T00:00:00Z"),
  run("run-2", "v2", "Promoted", "2025-01-02T00:00:00Z"),
  run("run-3", "v3", "Rejected", "2025-01-03T00:00:00Z"),
  run("run-4", "v4", "Running", "2025-01-04T00:00:00Z"),
  run("other", "v9", "Promoted", "2025-01-05T00:00:00Z", "another-model"),
];

describe("resolveVersion", () => {
  const cases: {
    name: string;
    model: ReturnType<typeof sentimentModel>;
    runs?: TrainingRun[];
    version?: string;
    path?: string;
    source?: string;
    reason?: string;
  }[] = [
    {
      name: "default: the newest promoted run of this model",
      model: sentimentModel("reviews"),
      version: "v2",
      path: "reviews/run-2",
      source: "promoted",
    },
    {
      name: "rejected, running and other models' runs are ignored",
      model: sentimentModel("reviews"),
      runs: runs.slice(2),
      reason: "NoPromotedVersion",
    },
    { name: "nothing promoted yet", model: sentimentModel("reviews"), runs: [], reason: "NoPromotedVersion" },
    {
      name: "pin an older version (rollback)",
      model: sentimentModel("reviews", withModelSpec({ version: "v1" })),
      version: "v1",
      path: "reviews/run-1",
      source: "pinned",
    },
    {
      name: "pin a rejected version (explicit choice)",
      model: sentimentModel("reviews", withModelSpec({ version: "v3" })),
      version: "v3",
      source: "pinned",
    },
    {
      name: "pin an unknown version",
      model: sentimentModel("reviews", withModelSpec({ version: "nope" })),
      reason: "VersionNotFound",
    },
    {
      name: "pin a version whose run was deleted: from history",
      model: sentimentModel(
        "reviews",
        withModelSpec({ version: "v0" }),
        withModelStatus({
          history: [
            { version: "v0", uri: "pvc://reviews-models/reviews/run-0", servedAt: "2024-12-01T00:00:00Z" },
          ],
        }),
      ),
      version: "v0",
      path: "reviews/run-0",
      source: "pinned",
    },
    {
      name: "external artifact",
      model: sentimentModel("reviews", withModelSpec({ artifactUri: "pvc://shared/models/base" })),
      path: "models/base",
      source: "external",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = resolveVersion(c.model, c.runs ?? runs);
      if (c.reason !== undefined) {
        assert.equal(got.ok, false);
        assert.equal(!got.ok && got.reason, c.reason);
        return;
      }
      assert.ok(got.ok, JSON.stringify(got));
      if (c.version !== undefined) assert.equal(got.artifact.version, c.version);
      if (c.path !== undefined) assert.equal(got.artifact.path, c.path);
      assert.equal(got.source, c.source);
    });
  }

  test("an external artifact gets a stable label-safe version and its own claim", () => {
    const m = sentimentModel("reviews", withModelSpec({ artifactUri: "pvc://shared/models/base" }));
    const a = resolveVersion(m, []);
    const b = resolveVersion(m, []);
    assert.ok(a.ok && b.ok);
    assert.equal(a.artifact.version, b.artifact.version);
    assert.match(a.artifact.version, /^external-[0-9a-f]{8}$/);
    assert.equal(a.artifact.claimName, "shared");
  });

  test("promotion ties break by name, deterministically", () => {
    const t = "2025-01-09T00:00:00Z";
    const got = resolveVersion(sentimentModel("reviews"), [
      run("run-a", "va", "Promoted", t),
      run("run-b", "vb", "Promoted", t),
    ]);
    assert.equal(got.ok && got.artifact.version, "vb");
  });
});
