import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { healthChecks, readHealthTests, runHealthChecks } from "./health.ts";

/** The statuses every kind's testdata must show (Argo CD's own checks cover their kinds' states). */
const REQUIRED = ["Healthy", "Progressing", "Degraded", "Suspended"];

describe("Argo CD health checks (config/argocd/health), in Argo CD's Lua VM", () => {
  const checks = healthChecks();

  test("there is a check for SentimentModel and for TrainingRun", () => {
    assert.deepEqual(
      checks.map((c) => `${c.group}/${c.kind}`),
      ["sentiment.mlops.dev/SentimentModel", "sentiment.mlops.dev/TrainingRun"],
    );
  });

  for (const check of checks) {
    describe(check.kind, () => {
      const { tests, objects } = readHealthTests(check);

      test("every testdata case gives the status and message of health_test.yaml", async () => {
        const results = await runHealthChecks(join(check.dir, "health.lua"), objects);
        for (const [i, t] of tests.entries()) {
          assert.deepEqual(results[i], t.healthStatus, `${check.kind} ${t.inputPath}`);
        }
      });

      test(`the cases cover ${REQUIRED.join(", ")}`, () => {
        const seen = new Set<string>(tests.map((t) => t.healthStatus.status));
        assert.deepEqual(
          REQUIRED.filter((s) => !seen.has(s)),
          [],
        );
      });

      test("each testdata file is named after its status (healthy_..., degraded_...)", () => {
        for (const t of tests)
          assert.ok(
            t.inputPath.startsWith(`testdata/${t.healthStatus.status.toLowerCase()}_`) ||
              t.inputPath === `testdata/${t.healthStatus.status.toLowerCase()}.yaml`,
            `${t.inputPath} is ${t.healthStatus.status}`,
          );
      });

      test("every testdata file is a case, and every case's file exists", () => {
        const files = readdirSync(join(check.dir, "testdata")).map((f) => `testdata/${f}`);
        assert.deepEqual(tests.map((t) => t.inputPath).sort(), files.sort());
      });
    });
  }

  test("a script error or an invalid status is reported, as Argo CD does", async () => {
    const [broken] = await runHealthChecks(join(import.meta.dirname, "testdata", "broken.lua"), [{}]);
    assert.match((broken as { error: string }).error, /attempt to index/);
    const [invalid] = await runHealthChecks(join(import.meta.dirname, "testdata", "invalid-status.lua"), [
      {},
    ]);
    assert.deepEqual(invalid, { status: "Unknown", message: "Lua returned an invalid health status" });
  });

  test("scripts run without the string library, as an argocd-cm customization does", async () => {
    const [r] = await runHealthChecks(join(import.meta.dirname, "testdata", "uses-string.lua"), [{}]);
    assert.match((r as { error: string }).error, /string/);
  });
});
