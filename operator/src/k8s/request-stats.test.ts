import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { describeRequest, RequestStats } from "./request-stats.ts";

describe("describeRequest", () => {
  const cases = [
    { m: "GET", p: "/api/v1/namespaces/ns/pods", want: { verb: "list", resource: "pods", namespace: "ns" } },
    { m: "GET", p: "/api/v1/pods?labelSelector=a%3Db", want: { verb: "list", resource: "pods" } },
    {
      m: "GET",
      p: "/apis/apps/v1/namespaces/ns/deployments/web",
      want: { verb: "get", resource: "deployments", namespace: "ns", name: "web" },
    },
    {
      m: "PATCH",
      p: "/apis/sentiment.mlops.dev/v1alpha1/namespaces/ns/sentimentmodels/m/status",
      want: { verb: "patch", resource: "sentimentmodels/status", namespace: "ns", name: "m" },
    },
    {
      m: "POST",
      p: "/apis/batch/v1/namespaces/ns/jobs",
      want: { verb: "create", resource: "jobs", namespace: "ns" },
    },
    {
      m: "PUT",
      p: "/apis/coordination.k8s.io/v1/namespaces/x/leases/l",
      want: { verb: "update", resource: "leases", namespace: "x", name: "l" },
    },
    {
      m: "DELETE",
      p: "/apis/policy/v1/namespaces/ns/poddisruptionbudgets/m",
      want: { verb: "delete", resource: "poddisruptionbudgets", namespace: "ns", name: "m" },
    },
    { m: "GET", p: "/api/v1/namespaces/ns", want: { verb: "get", resource: "namespaces", name: "ns" } },
  ];
  for (const c of cases) {
    test(`${c.m} ${c.p}`, () => assert.deepEqual(describeRequest(c.m, c.p), c.want));
  }
});

describe("RequestStats", () => {
  test("counts writes apart from leases and events unless asked", () => {
    const s = new RequestStats();
    s.record({ verb: "list", resource: "pods", code: 200 });
    s.record({ verb: "patch", resource: "deployments", code: 200 });
    s.record({ verb: "update", resource: "leases", code: 200 });
    s.record({ verb: "create", resource: "events", code: 201 });
    assert.equal(s.total(), 4);
    assert.equal(s.writes(), 1);
    assert.equal(s.writes({ includeLeases: true, includeEvents: true }), 3);
    assert.deepEqual(s.snapshot(), {
      "create events": 1,
      "list pods": 1,
      "patch deployments": 1,
      "update leases": 1,
    });
  });
});
