import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ModelMetrics } from "../../api/metrics.ts";
import { PromotionSpec } from "../../api/promotion.ts";
import { evaluateGate, GATE_CHAIN } from "./evaluate.ts";
import type { GateInput } from "./input.ts";

const m = (accuracy: number, f1 = accuracy): ModelMetrics => ({ accuracy, f1 });
const input = (
  over: {
    promotion?: Partial<PromotionSpec>;
    candidate?: ModelMetrics | undefined;
    serving?: GateInput["serving"];
  } = {},
): GateInput => ({
  promotion: PromotionSpec.parse(over.promotion ?? {}),
  candidate: "candidate" in over ? over.candidate : m(0.92),
  serving: over.serving,
});

describe("evaluateGate", () => {
  const cases: { name: string; in: GateInput; passed: boolean; reason: string }[] = [
    { name: "defaults, nothing served: passes", in: input(), passed: true, reason: "GatePassed" },
    {
      name: "policy Never stops first",
      in: input({ promotion: { policy: "Never", minAccuracy: 0.99 } }),
      passed: false,
      reason: "PolicyNever",
    },
    { name: "no metrics", in: input({ candidate: undefined }), passed: false, reason: "MetricsMissing" },
    {
      name: "below minAccuracy",
      in: input({ promotion: { minAccuracy: 0.93 } }),
      passed: false,
      reason: "BelowMinAccuracy",
    },
    {
      name: "exactly minAccuracy passes",
      in: input({ promotion: { minAccuracy: 0.92 } }),
      passed: true,
      reason: "GatePassed",
    },
    {
      name: "below minF1",
      in: input({ candidate: m(0.92, 0.5), promotion: { minF1: 0.9 } }),
      passed: false,
      reason: "BelowMinF1",
    },
    {
      name: "minAccuracy checked before minF1",
      in: input({ candidate: m(0.5, 0.5), promotion: { minAccuracy: 0.9, minF1: 0.9 } }),
      passed: false,
      reason: "BelowMinAccuracy",
    },
    {
      name: "worse than served",
      in: input({ serving: { version: "v1", metrics: m(0.93) } }),
      passed: false,
      reason: "NotBetterThanServing",
    },
    {
      name: "equal to served passes with minImprovement 0",
      in: input({ serving: { version: "v1", metrics: m(0.92) } }),
      passed: true,
      reason: "GatePassed",
    },
    {
      name: "better but not by minImprovement",
      in: input({ promotion: { minImprovement: 0.01 }, serving: { version: "v1", metrics: m(0.915) } }),
      passed: false,
      reason: "NotBetterThanServing",
    },
    {
      name: "improvement reached",
      in: input({ promotion: { minImprovement: 0.01 }, serving: { version: "v1", metrics: m(0.91) } }),
      passed: true,
      reason: "GatePassed",
    },
    {
      name: "compareOn f1",
      in: input({
        candidate: m(0.95, 0.8),
        promotion: { compareOn: "f1" },
        serving: { version: "v1", metrics: m(0.9, 0.85) },
      }),
      passed: false,
      reason: "NotBetterThanServing",
    },
    {
      name: "mustBeatServing off ignores the served model",
      in: input({ promotion: { mustBeatServing: false }, serving: { version: "v1", metrics: m(0.99) } }),
      passed: true,
      reason: "GatePassed",
    },
    {
      name: "served version without metrics passes",
      in: input({ serving: { version: "external-1", metrics: undefined } }),
      passed: true,
      reason: "GatePassed",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = evaluateGate(c.in);
      assert.equal(got.passed, c.passed, got.message);
      assert.equal(got.reason, c.reason);
      assert.ok(got.message.length > 0);
    });
  }

  test("a failure message quotes the figures", () => {
    const got = evaluateGate(input({ serving: { version: "v1", metrics: m(0.93) } }));
    assert.match(got.message, /accuracy 0\.9200 does not reach served version v1's 0\.9300/);
  });

  test("runs the checks in chain order and stops at the first failure", () => {
    const seen: string[] = [];
    const chain = GATE_CHAIN.map((check, i) => (x: GateInput) => (seen.push(String(i)), check(x)));
    evaluateGate(input({ promotion: { minAccuracy: 0.99 } }), chain);
    assert.deepEqual(seen, ["0", "1", "2"]);
  });
});
