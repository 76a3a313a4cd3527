import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { chartDrift, formatDrift, planChart, type ChartSources } from "./chart/plan.ts";
import { planFromRepo, readChart } from "./gen-chart.ts";

const CRD = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: a.b }\n";
const ROLE = "kind: ClusterRole\nrules:\n  - { apiGroups: [''], resources: [pods], verbs: [get] }\n";
const LEADER =
  "kind: Role\nrules:\n  - { apiGroups: [coordination.k8s.io], resources: [leases], verbs: [create] }\n";

/** Valid sources, with modifiers for each case. */
const sources = (over: Partial<ChartSources> = {}): ChartSources => ({
  crds: new Map([["a.b.yaml", CRD]]),
  clusterRole: ROLE,
  leaderElectionRole: LEADER,
  prometheusRules: "groups: []\n",
  grafanaDashboard: '{"title":"x"}',
  argocdCm: "kind: ConfigMap\ndata: {}\n",
  valuesSchema: { type: "object" },
  ...over,
});

describe("planChart", () => {
  test("copies each source to its chart path, YAML with a header naming the source", () => {
    const r = planChart(sources());
    assert.ok(r.ok);
    assert.deepEqual([...r.value.keys()].sort(), [
      "crds/a.b.yaml",
      "files/argocd-cm.yaml",
      "files/grafana-dashboard.json",
      "files/leader-election-role.yaml",
      "files/prometheus-rules.yaml",
      "files/role.yaml",
      "values.schema.json",
    ]);
    assert.equal(
      r.value.get("files/role.yaml"),
      "# Copied from config/rbac/cluster-role.yaml by scripts/gen-chart.ts. DO NOT EDIT: edit " +
        "config/rbac/cluster-role.yaml, then run `npm run gen:chart`.\n" +
        ROLE,
    );
    assert.ok(r.value.get("crds/a.b.yaml")!.endsWith(CRD));
    assert.equal(r.value.get("files/grafana-dashboard.json"), '{"title":"x"}', "JSON is copied verbatim");
    assert.equal(r.value.get("values.schema.json"), '{\n  "type": "object"\n}\n');
  });

  const refusals: [string, Partial<ChartSources>, string, RegExp][] = [
    ["no CRDs yet", { crds: new Map() }, "MissingSource", /run `npm run gen:crds` first/],
    [
      "a CRD file holding another kind",
      { crds: new Map([["x.yaml", "kind: ConfigMap\n"]]) },
      "InvalidSource",
      /crds\/x\.yaml must be a CustomResourceDefinition; found kind 'ConfigMap'/,
    ],
    [
      "a ClusterRole without rules",
      { clusterRole: "kind: ClusterRole\nrules: []\n" },
      "InvalidSource",
      /cluster-role\.yaml has no rules/,
    ],
    [
      "a Role where the ClusterRole belongs",
      { clusterRole: LEADER },
      "InvalidSource",
      /must be a ClusterRole; found kind 'Role'/,
    ],
    [
      "two objects in one RBAC file",
      { leaderElectionRole: `${LEADER}---\n${LEADER}` },
      "InvalidSource",
      /exactly one object; found 2/,
    ],
    [
      "broken YAML",
      { prometheusRules: "groups: [\n" },
      "InvalidSource",
      /prometheus-rules\.yaml is not valid YAML/,
    ],
    [
      "a dashboard that is not JSON",
      { grafanaDashboard: "{title" },
      "InvalidSource",
      /grafana-dashboard\.json is not JSON/,
    ],
  ];
  for (const [name, over, reason, message] of refusals) {
    test(`refuses ${name}`, () => {
      const r = planChart(sources(over));
      assert.ok(!r.ok);
      assert.equal(r.error.reason, reason);
      assert.match(r.error.message, message);
    });
  }
});

describe("chartDrift", () => {
  const planned = new Map([
    ["crds/a.yaml", "A"],
    ["files/role.yaml", "R"],
  ]);
  test("none when the chart matches", () => assert.deepEqual(chartDrift(planned, new Map(planned)), []));
  test("a missing, a changed and a stale file, sorted by path", () => {
    const have = new Map([
      ["crds/a.yaml", "A (edited by hand)"],
      ["crds/old.yaml", "renamed CRD"],
    ]);
    assert.deepEqual(chartDrift(planned, have), [
      { path: "crds/a.yaml", problem: "changed" },
      { path: "crds/old.yaml", problem: "stale" },
      { path: "files/role.yaml", problem: "missing" },
    ]);
  });
  test("the message names each file and what to run", () => {
    assert.equal(
      formatDrift("charts/x", [{ path: "files/role.yaml", problem: "changed" }]),
      "charts/x is out of date with its sources: files/role.yaml (changed). Run `npm run gen:chart` and commit the result.",
    );
  });
});

describe("the committed chart", () => {
  test("has no drift from crds/, config/rbac, config/monitoring and the values schema", () => {
    const planned = planFromRepo();
    assert.ok(planned.ok, planned.ok ? "" : planned.error.message);
    const drift = chartDrift(planned.value, readChart(planned.value));
    assert.deepEqual(drift, [], formatDrift("charts/sentiment-operator", drift));
  });

  test("`npm run check:chart` agrees", () => {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, "gen-chart.ts"), "--check"], {
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /charts\/sentiment-operator matches its sources \(\d+ generated files\)/);
  });
});
