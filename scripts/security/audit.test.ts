import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { auditVerdict } from "./audit.ts";

const report = (vulnerabilities: Record<string, { severity: string }>) => {
  const counts = { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 } as Record<string, number>;
  for (const v of Object.values(vulnerabilities)) counts[v.severity]! += 1;
  return JSON.stringify({ auditReportVersion: 2, vulnerabilities, metadata: { vulnerabilities: counts } });
};

/** What npm 11 printed here, where the registry answers the bulk advisory POST with 405. */
const ENDPOINT_405 = JSON.stringify({
  message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
  statusCode: 405,
  body: "",
  error: { summary: "", detail: "" },
});

describe("auditVerdict", () => {
  const cases: [string, number, string, string, RegExp][] = [
    [
      "no advisory",
      0,
      report({}),
      "clean",
      /no high or critical advisory .*\(0 critical, 0 high, 0 moderate, 0 low\)/,
    ],
    [
      "only a moderate one (below the level)",
      0,
      report({ a: { severity: "moderate" } }),
      "clean",
      /1 moderate/,
    ],
    [
      "a high one",
      1,
      report({ koa: { severity: "high" }, b: { severity: "low" } }),
      "vulnerable",
      /advisories: koa \(high\)\. Run `npm audit --omit=dev`/,
    ],
    ["a critical one", 1, report({ yaml: { severity: "critical" } }), "vulnerable", /yaml \(critical\)/],
    ["the endpoint refusing (405)", 1, ENDPOINT_405, "not-run", /405 Method Not Allowed.*were NOT audited/],
    [
      "no network",
      1,
      JSON.stringify({ error: { code: "ENOTFOUND", summary: "getaddrinfo ENOTFOUND" } }),
      "not-run",
      /getaddrinfo ENOTFOUND/,
    ],
    [
      "output that is not a report",
      1,
      "Segmentation fault",
      "vulnerable",
      /printed no JSON report \(exit 1\)/,
    ],
  ];
  for (const [name, code, stdout, kind, line] of cases) {
    test(name, () => {
      const v = auditVerdict(code, stdout);
      assert.equal(v.kind, kind);
      assert.match(v.line, line);
    });
  }
});
