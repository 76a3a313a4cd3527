import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mergePatch } from "./merge-patch.ts";

describe("mergePatch", () => {
  const cases: { name: string; live: unknown; desired: unknown; want: unknown }[] = [
    {
      name: "equal objects give no patch",
      live: { a: 1, b: { c: [1, 2] } },
      desired: { a: 1, b: { c: [1, 2] } },
      want: undefined,
    },
    { name: "a changed scalar", live: { a: 1, b: 2 }, desired: { a: 1, b: 3 }, want: { b: 3 } },
    { name: "a removed key becomes null", live: { a: 1, b: 2 }, desired: { a: 1 }, want: { b: null } },
    {
      name: "an added nested key",
      live: { s: { x: 1 } },
      desired: { s: { x: 1, y: "new" } },
      want: { s: { y: "new" } },
    },
    {
      name: "arrays are replaced whole",
      live: { c: [1, 2, 3] },
      desired: { c: [1, 2] },
      want: { c: [1, 2] },
    },
    {
      name: "undefined desired fields count as absent",
      live: { a: 1 },
      desired: { a: 1, b: undefined },
      want: undefined,
    },
    { name: "an object replacing a scalar", live: { a: 1 }, desired: { a: { b: 1 } }, want: { a: { b: 1 } } },
    {
      name: "conditions array with one changed entry",
      live: { conditions: [{ type: "Ready", status: "False" }] },
      desired: { conditions: [{ type: "Ready", status: "True" }] },
      want: { conditions: [{ type: "Ready", status: "True" }] },
    },
    {
      name: "a new status against none",
      live: undefined,
      desired: { phase: "Ready" },
      want: { phase: "Ready" },
    },
    {
      name: "an undefined field that live has is removed",
      live: { a: 1, b: 2 },
      desired: { a: 1, b: undefined },
      want: { b: null },
    },
    {
      name: "a Date is sent as JSON",
      live: {},
      desired: { at: new Date(0) },
      want: { at: "1970-01-01T00:00:00.000Z" },
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(mergePatch(c.live, c.desired), c.want));
  }
});
