/**
 * config/monitoring against the metrics the code really exports: every metric the alerts and the
 * dashboard query exists (in model-server/src/metrics.ts or operator/src/server/metrics.ts), and
 * every label they select or group by is one the metric has, or one Prometheus adds to each
 * target. A query grouping by a label its metric lacks returns nothing, and its alert never fires.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parser as promql } from "@prometheus-io/lezer-promql";
import { Registry } from "prom-client";
import { parse as parseYaml } from "yaml";
import { createMetrics } from "../model-server/src/metrics.ts";
import { OperatorMetrics } from "../operator/src/server/metrics.ts";

const REPO = join(import.meta.dirname, "..");
const RULES = parseYaml(readFileSync(join(REPO, "config/monitoring/prometheus-rules.yaml"), "utf8")) as {
  groups: {
    name: string;
    rules: {
      alert: string;
      expr: string;
      for?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }[];
  }[];
};
const DASHBOARD = JSON.parse(
  readFileSync(join(REPO, "config/monitoring/grafana-dashboard.json"), "utf8"),
) as {
  templating: { list: { query?: string }[] };
  panels: { title: string; targets: { expr: string }[] }[];
};

/** The metric names the brief fixes: dashboards and alerts elsewhere depend on them. */
const KEPT = [
  "model_predictions_total",
  "model_prediction_duration_seconds",
  "model_positive_predictions_total",
  "model_negative_predictions_total",
  "model_prediction_errors_total",
  "model_info",
];
/** Labels Prometheus (and the Prometheus Operator's ServiceMonitor) put on every scraped series. */
const TARGET_LABELS = ["namespace", "job", "instance", "pod", "service", "container", "endpoint"];

function exportedLabels(): Map<string, Set<string>> {
  const registry = new Registry();
  createMetrics(registry);
  const operatorRegistry = new Registry();
  new OperatorMetrics(operatorRegistry);
  const out = new Map<string, Set<string>>();
  for (const m of [...registry.getMetricsAsArray(), ...operatorRegistry.getMetricsAsArray()]) {
    const labels = (m as unknown as { labelNames?: string[] }).labelNames ?? [];
    out.set(m.name, new Set(labels));
    // A histogram's series: _bucket (with le), _sum, _count.
    out.set(`${m.name}_bucket`, new Set([...labels, "le"]));
    out.set(`${m.name}_sum`, new Set(labels));
    out.set(`${m.name}_count`, new Set(labels));
  }
  return out;
}

const QUERIES: { where: string; expr: string }[] = [
  ...RULES.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
  ...DASHBOARD.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
  ...DASHBOARD.templating.list
    .filter((v) => v.query?.includes("("))
    .map((v) => ({ where: `variable query ${v.query}`, expr: v.query! })),
];
const METRIC = /\b(model_[a-z_]+|sentiment_operator_[a-z_]+)\b/g;

describe("config/monitoring", () => {
  const labels = exportedLabels();

  test("every query is valid PromQL (Prometheus's own grammar)", () => {
    // Grafana's $variables are not PromQL: put in values of the right type.
    const asPromql = (e: string) => e.replaceAll("$__rate_interval", "5m").replaceAll("$model", ".*");
    // Variable queries are Grafana functions (label_values), not PromQL.
    for (const { where, expr } of QUERIES.filter((q) => !q.where.startsWith("variable"))) {
      const errors: number[] = [];
      promql.parse(asPromql(expr)).iterate({
        enter: (n) => {
          if (n.type.isError) errors.push(n.from);
        },
      });
      assert.deepEqual(errors, [], `${where}: PromQL syntax error at ${errors[0]} in: ${expr}`);
    }
  });

  test("queries only metrics the servers and the operator export", () => {
    for (const { where, expr } of QUERIES) {
      for (const [name] of expr.matchAll(METRIC))
        assert.ok(labels.has(name), `${where} queries ${name}, which nothing exports`);
    }
  });

  test("uses every metric whose name is kept", () => {
    const used = new Set(
      QUERIES.flatMap((q) => [...q.expr.matchAll(METRIC)].map((m) => m[1]!.replace(/_bucket$/, ""))),
    );
    for (const name of KEPT) {
      assert.ok(labels.has(name), `${name} is no longer exported by model-server/src/metrics.ts`);
      assert.ok(used.has(name), `${name} is in neither the alerts nor the dashboard`);
    }
  });

  test("selects and groups only by labels the metric has (or a target label)", () => {
    const allowed = (metric: string): Set<string> =>
      new Set([...(labels.get(metric) ?? []), ...TARGET_LABELS]);
    for (const { where, expr } of QUERIES) {
      // metric{label="...", ...}
      for (const m of expr.matchAll(/\b(model_[a-z_]+|sentiment_operator_[a-z_]+)\{([^}]*)\}/g)) {
        for (const [, label] of m[2]!.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) {
          assert.ok(allowed(m[1]!).has(label!), `${where}: ${m[1]} has no label '${label}'`);
        }
      }
      // sum by (labels) (rate(metric...)) and max by (labels) (metric...)
      for (const m of expr.matchAll(
        /by \(([^)]*)\)\s*\((?:(?:rate|increase)\()?(model_[a-z_]+|sentiment_operator_[a-z_]+)/g,
      )) {
        for (const label of m[1]!.split(",").map((l) => l.trim())) {
          assert.ok(
            allowed(m[2]!).has(label),
            `${where}: groups ${m[2]} by '${label}', which it does not have`,
          );
        }
      }
    }
  });

  test("every alert has a severity, a for duration, and a summary that uses only labels its expression keeps", () => {
    for (const rule of RULES.groups.flatMap((g) => g.rules)) {
      assert.ok(
        ["critical", "warning", "info"].includes(rule.labels?.["severity"] ?? ""),
        `${rule.alert}: severity`,
      );
      assert.match(rule.for ?? "", /^\d+[smh]$/, `${rule.alert}: for`);
      assert.ok(
        rule.annotations?.["summary"] && rule.annotations["description"],
        `${rule.alert}: annotations`,
      );
      const kept = new Set(
        [...rule.expr.matchAll(/by \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(",").map((l) => l.trim())),
      );
      for (const [, label] of rule.annotations["summary"].matchAll(/\$labels\.(\w+)/g)) {
        assert.ok(
          kept.has(label!),
          `${rule.alert}: the summary uses $labels.${label}, which the expression aggregates away`,
        );
      }
    }
  });
});
