/** What each check of `npm run security` reports: one row of its closing table. */
export interface CheckResult {
  /** What was checked, e.g. "secrets in the git history". */
  readonly check: string;
  /** Tool and version, e.g. "gitleaks 8.30.1". */
  readonly tool: string;
  /** clean: ran and found nothing; found: ran and found something; not-run: could not run (says why). */
  readonly outcome: "clean" | "found" | "not-run";
  /** One line: what was found, or why it could not run. */
  readonly detail: string;
  readonly seconds?: number;
}

export type Log = (line: string) => void;

/** The closing table, kubectl-style. */
export function formatResults(results: readonly CheckResult[]): string {
  const rows = [
    ["CHECK", "TOOL", "RESULT", "TIME", "DETAIL"],
    ...results.map((r) => [
      r.check,
      r.tool,
      r.outcome === "clean" ? "clean" : r.outcome === "found" ? "FOUND" : "NOT RUN",
      r.seconds === undefined ? "-" : `${r.seconds.toFixed(1)}s`,
      r.detail,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("   "))
    .join("\n");
}
