import type { EvaluationMetrics } from "../../../common/artifact/metadata.ts";

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
const num = (x: number): string => x.toFixed(4);

/** A readable table of evaluation figures, one column per split (e.g. validation, test). */
export function formatMetricsTable(columns: Readonly<Record<string, EvaluationMetrics | undefined>>): string {
  const names = Object.keys(columns).filter((k) => columns[k] !== undefined);
  const rows: [string, (m: EvaluationMetrics) => string][] = [
    ["accuracy", (m) => pct(m.accuracy)],
    ["precision", (m) => num(m.precision)],
    ["recall", (m) => num(m.recall)],
    ["F1", (m) => num(m.f1)],
    ["ROC-AUC", (m) => num(m.auc)],
    ["log loss", (m) => num(m.loss)],
    ["examples", (m) => String(m.examples)],
    [
      "confusion [[TN FP] [FN TP]]",
      (m) => `[[${m.confusionMatrix[0].join(" ")}] [${m.confusionMatrix[1].join(" ")}]]`,
    ],
  ];
  const cells = rows.map(([label, f]) => [label, ...names.map((n) => f(columns[n]!))]);
  const header = ["metric", ...names];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}
