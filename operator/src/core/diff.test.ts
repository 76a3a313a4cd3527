import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DESIRED_HASH_ANNOTATION } from "../api/names.ts";
import { desiredHash, matchesDesired, planChild, planDelete, withDesiredHash } from "./diff.ts";
import type { NamedKubeObject as KubeObject } from "../api/kube-object.ts";

const desired = (spec: Record<string, unknown>, labels: Record<string, string> = { a: "1" }): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "m", namespace: "ml", labels },
  spec,
});

/** What the apiserver returns after applying `d`: our fields plus defaults and status. */
const live = (d: KubeObject, extra: Record<string, unknown> = {}): KubeObject => {
  const applied = withDesiredHash(d);
  return {
    ...applied,
    metadata: { ...applied.metadata, uid: "u", resourceVersion: "7", generation: 3 },
    spec: { ...(applied["spec"] as object), revisionHistoryLimit: 10, ...extra },
    status: { replicas: 2 },
  };
};

describe("matchesDesired", () => {
  const cases: { name: string; desired: unknown; live: unknown; want: boolean }[] = [
    {
      name: "server-defaulted extra fields are ignored",
      desired: { a: 1 },
      live: { a: 1, b: 2 },
      want: true,
    },
    { name: "a changed field differs", desired: { a: 1 }, live: { a: 2 }, want: false },
    { name: "a missing field differs", desired: { a: 1 }, live: {}, want: false },
    { name: "omitempty: false matches absent", desired: { readOnly: false }, live: {}, want: true },
    { name: "omitempty: empty list matches absent", desired: { ingress: [] }, live: {}, want: true },
    { name: "omitempty: empty object matches absent", desired: { emptyDir: {} }, live: {}, want: true },
    { name: "lists compare by length", desired: { l: [1] }, live: { l: [1, 2] }, want: false },
    {
      name: "list items compare as subsets",
      desired: { l: [{ a: 1 }] },
      live: { l: [{ a: 1, b: 2 }] },
      want: true,
    },
    {
      name: "quantities compare by value under resources",
      desired: { resources: { requests: { cpu: "0.5" } } },
      live: { resources: { requests: { cpu: "500m" } } },
      want: true,
    },
    {
      name: "memory in other units",
      desired: { resources: { limits: { memory: "1Gi" } } },
      live: { resources: { limits: { memory: "1024Mi" } } },
      want: true,
    },
    {
      name: "different quantities differ",
      desired: { resources: { limits: { memory: "1Gi" } } },
      live: { resources: { limits: { memory: "2Gi" } } },
      want: false,
    },
    {
      name: "quantity rule does not apply elsewhere",
      desired: { image: "0.5" },
      live: { image: "500m" },
      want: false,
    },
  ];
  for (const c of cases) test(c.name, () => assert.equal(matchesDesired(c.desired, c.live), c.want));
});

describe("planChild", () => {
  const d = desired({ template: { spec: { containers: [{ name: "s", image: "i:1" }] } } });

  test("absent → apply create, with the desired hash", () => {
    const a = planChild(d, undefined);
    assert.equal(a?.verb, "apply");
    assert.equal(a?.verb === "apply" && a.reason, "create");
    assert.equal(
      a?.verb === "apply" &&
        (a.object.metadata["annotations"] as Record<string, string>)[DESIRED_HASH_ANNOTATION],
      desiredHash(d),
    );
  });

  test("steady state: the applied object read back → no action", () => {
    assert.equal(planChild(d, live(d)), undefined);
  });

  test("replicas owned by an HPA: desired omits them, live has any value → no action", () => {
    assert.equal(planChild(d, live(d, { replicas: 4 })), undefined);
  });

  test("drift (someone edited a field we set) → apply update", () => {
    const edited = live(d);
    (edited["spec"] as { template: unknown }).template = {
      spec: { containers: [{ name: "s", image: "i:2" }] },
    };
    const a = planChild(d, edited);
    assert.equal(a?.verb === "apply" && a.reason, "update");
  });

  test("a removed label changes the hash → apply update", () => {
    const before = desired({}, { a: "1", extra: "x" });
    const after = desired({}, { a: "1" });
    assert.equal(planChild(after, live(before))?.verb, "apply");
  });

  test("list items without apiVersion/kind (informer lists) still match", () => {
    const { apiVersion: _a, kind: _k, ...bare } = live(d);
    assert.equal(planChild(d, bare as KubeObject), undefined);
  });

  test("createOnly never updates", () => {
    assert.equal(planChild(desired({ x: 1 }), live(desired({ x: 2 })), { createOnly: true }), undefined);
  });

  test("the hash ignores key order", () => {
    assert.equal(desiredHash(desired({ a: 1, b: 2 })), desiredHash(desired({ b: 2, a: 1 })));
  });

  test("the hash is the one earlier releases stamped (a new value would roll every child on upgrade)", () => {
    const object = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "reviews", namespace: "ml", labels: { b: "2", a: "1" }, annotations: { "x/y": "z" } },
      data: { z: "last", a: "first", skipped: undefined },
      list: [{ b: 1, a: null }, undefined, "\u00e9\u2028"],
      at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    };
    // Computed by the hand-written canonical JSON that fast-json-stable-stringify replaced.
    assert.equal(desiredHash(object), "17bf99a79ddc1140");
  });
});

describe("planDelete", () => {
  const ref = { apiVersion: "policy/v1", kind: "PodDisruptionBudget", namespace: "ml", name: "m" };
  test("deletes a live child", () =>
    assert.deepEqual(planDelete({ metadata: { name: "m" } }, ref, "disabled"), {
      verb: "delete",
      reason: "disabled",
      ref,
    }));
  test("nothing to delete", () => assert.equal(planDelete(undefined, ref, "disabled"), undefined));
});
