import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Condition } from "./conditions.ts";
import { deriveReady, rebuildConditions, setCondition, type ConditionInput } from "./conditions.ts";

const T1 = new Date("2025-01-01T00:00:00.123Z");
const T2 = new Date("2025-01-02T00:00:00Z");
const old: Condition[] = [
  {
    type: "Ready",
    status: "False",
    observedGeneration: 1,
    lastTransitionTime: "2025-01-01T00:00:00Z",
    reason: "Waiting",
    message: "waiting",
  },
];
const input = (status: ConditionInput["status"], reason = "R", type = "Ready"): ConditionInput => ({
  type,
  status,
  reason,
  message: reason,
});

describe("setCondition", () => {
  const cases: {
    name: string;
    before: Condition[] | undefined;
    set: ConditionInput;
    wantTime: string;
    wantGeneration: number;
  }[] = [
    {
      name: "new condition gets now, in RFC 3339 seconds",
      before: undefined,
      set: input("True"),
      wantTime: "2025-01-02T00:00:00Z",
      wantGeneration: 2,
    },
    {
      name: "status flip changes lastTransitionTime",
      before: old,
      set: input("True"),
      wantTime: "2025-01-02T00:00:00Z",
      wantGeneration: 2,
    },
    {
      name: "same status, new reason keeps lastTransitionTime",
      before: old,
      set: input("False", "Other"),
      wantTime: "2025-01-01T00:00:00Z",
      wantGeneration: 2,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const [got] = setCondition(c.before, c.set, 2, T2);
      assert.equal(got?.lastTransitionTime, c.wantTime);
      assert.equal(got?.observedGeneration, c.wantGeneration);
      assert.equal(got?.reason, c.set.reason);
    });
  }

  test("keeps a stable order: listed types first, then by name", () => {
    let cs = setCondition(undefined, input("True", "R", "Zeta"), 1, T1, ["Ready", "Available"]);
    cs = setCondition(cs, input("True", "R", "Available"), 1, T1, ["Ready", "Available"]);
    cs = setCondition(cs, input("True", "R", "Alpha"), 1, T1, ["Ready", "Available"]);
    cs = setCondition(cs, input("True", "R", "Ready"), 1, T1, ["Ready", "Available"]);
    assert.deepEqual(
      cs.map((c) => c.type),
      ["Ready", "Available", "Alpha", "Zeta"],
    );
  });

  test("does not modify its input", () => {
    const before = structuredClone(old);
    setCondition(old, input("True"), 3, T2);
    assert.deepEqual(old, before);
  });
});

describe("rebuildConditions", () => {
  test("drops conditions not rebuilt and keeps times of unchanged ones", () => {
    const prev = [...old, { ...old[0]!, type: "Stale" }];
    const got = rebuildConditions(prev, [input("False", "Waiting")], 1, T2);
    assert.deepEqual(
      got.map((c) => c.type),
      ["Ready"],
    );
    assert.equal(got[0]?.lastTransitionTime, "2025-01-01T00:00:00Z");
  });
});

describe("deriveReady", () => {
  const deps = ["A", "B"];
  const cases: {
    name: string;
    conditions: ConditionInput[];
    want: ConditionInput["status"];
    wantReason: string;
  }[] = [
    {
      name: "all dependencies True",
      conditions: [input("True", "Ok", "A"), input("True", "Ok", "B")],
      want: "True",
      wantReason: "Ready",
    },
    {
      name: "first False wins",
      conditions: [input("Unknown", "Wait", "A"), input("False", "Broken", "B")],
      want: "False",
      wantReason: "Broken",
    },
    {
      name: "Unknown when none False",
      conditions: [input("True", "Ok", "A"), input("Unknown", "Wait", "B")],
      want: "Unknown",
      wantReason: "Wait",
    },
    {
      name: "a missing dependency is Unknown",
      conditions: [input("True", "Ok", "A")],
      want: "Unknown",
      wantReason: "NotObserved",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = deriveReady(c.conditions, deps);
      assert.equal(got.type, "Ready");
      assert.equal(got.status, c.want);
      assert.equal(got.reason, c.wantReason);
    });
  }
});
