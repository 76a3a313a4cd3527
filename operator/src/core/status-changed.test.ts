import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { statusChanged } from "./status-changed.ts";

describe("statusChanged", () => {
  const cond = {
    type: "Ready",
    status: "True",
    lastTransitionTime: "2025-01-01T00:00:00Z",
    reason: "Ready",
    message: "ok",
  };
  const cases: { name: string; old: unknown; next: unknown; want: boolean }[] = [
    {
      name: "identical",
      old: { phase: "Ready", conditions: [cond] },
      next: { phase: "Ready", conditions: [cond] },
      want: false,
    },
    { name: "key order does not count", old: { a: 1, b: 2 }, next: { b: 2, a: 1 }, want: false },
    { name: "undefined fields do not count", old: { a: 1 }, next: { a: 1, b: undefined }, want: false },
    { name: "no status vs empty status", old: undefined, next: {}, want: false },
    { name: "a new phase", old: { phase: "Pending" }, next: { phase: "Ready" }, want: true },
    {
      name: "a condition flip",
      old: { conditions: [cond] },
      next: { conditions: [{ ...cond, status: "False" }] },
      want: true,
    },
    {
      name: "a new observedGeneration",
      old: { observedGeneration: 1 },
      next: { observedGeneration: 2 },
      want: true,
    },
  ];
  for (const c of cases) test(c.name, () => assert.equal(statusChanged(c.old, c.next), c.want));
});
