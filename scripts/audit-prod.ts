/**
 * `npm run audit:prod` (CI): `npm audit --omit=dev --audit-level=high` on the production
 * dependencies. Fails on a high or critical advisory; when the advisory endpoint cannot be reached
 * (offline, a mirror without the audit API) it says so on one line and does not fail, because
 * that is no verdict on the dependencies.
 */
import { spawnSync } from "node:child_process";

export type AuditVerdict =
  | { readonly kind: "clean"; readonly line: string }
  | { readonly kind: "vulnerable"; readonly line: string }
  | { readonly kind: "unreachable"; readonly line: string };

interface AuditJson {
  error?: { code?: string; summary?: string };
  message?: string;
  statusCode?: number;
  metadata?: { vulnerabilities?: Record<string, number> };
  vulnerabilities?: Record<string, { severity?: string }>;
}

/** Reads `npm audit --json --audit-level=high` (its exit code and stdout) into a verdict. */
export function auditVerdict(exitCode: number, stdout: string): AuditVerdict {
  let report: AuditJson;
  try {
    report = JSON.parse(stdout) as AuditJson;
  } catch {
    return {
      kind: "vulnerable",
      line: `npm audit printed no JSON report (exit ${exitCode}): run \`npm audit --omit=dev\` to see why.`,
    };
  }
  const counts = report.metadata?.vulnerabilities;
  if (report.error !== undefined || counts === undefined) {
    const why = report.message ?? report.error?.summary ?? report.error?.code ?? `exit ${exitCode}`;
    return {
      kind: "unreachable",
      line: `npm audit: SKIPPED, the advisory endpoint could not be reached (${why}); production dependencies were NOT audited.`,
    };
  }
  const summary = ["critical", "high", "moderate", "low"].map((s) => `${counts[s] ?? 0} ${s}`).join(", ");
  if (exitCode === 0)
    return {
      kind: "clean",
      line: `npm audit: no high or critical advisory in production dependencies (${summary}).`,
    };
  const serious = Object.entries(report.vulnerabilities ?? {})
    .filter(([, v]) => v.severity === "high" || v.severity === "critical")
    .map(([name, v]) => `${name} (${v.severity})`);
  return {
    kind: "vulnerable",
    line: `npm audit: production dependencies have high or critical advisories: ${serious.join(", ") || summary}. Run \`npm audit --omit=dev\` for fixes.`,
  };
}

if (import.meta.main) {
  const r = spawnSync("npm", ["audit", "--omit=dev", "--audit-level=high", "--json"], { encoding: "utf8" });
  const verdict = auditVerdict(r.status ?? 1, r.stdout ?? "");
  console.log(verdict.line);
  process.exitCode = verdict.kind === "vulnerable" ? 1 : 0;
}
