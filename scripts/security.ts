/**
 * `npm run security` (CI): every security check that runs on this machine, then one table.
 *
 * | check                              | tool                          |
 * |------------------------------------|-------------------------------|
 * | secrets in the git history         | Gitleaks (.gitleaks.toml)     |
 * | code patterns                      | Semgrep (.semgrep/ rules)     |
 * | misconfigurations, HIGH/CRITICAL   | Trivy (.trivyignore.yaml)     |
 * | secrets in the checkout's files    | Trivy                         |
 * | dependency advisories (production) | npm audit                     |
 *
 * Fails when a check finds something, or could not run. `--allow-offline-audit` lets only the
 * dependency audit be NOT RUN (the registry's advisory endpoint unreachable): the table still
 * says so. The tools are built or installed on first use and cached outside the clone
 * (scripts/tools/).
 *
 *   npm run security [-- --allow-offline-audit] [-- <repo dir>]
 */
import { resolve } from "node:path";
import { npmAudit } from "./security/audit.ts";
import { formatResults, type CheckResult } from "./security/check.ts";
import { gitleaksScan } from "./security/gitleaks.ts";
import { semgrepScan } from "./security/semgrep.ts";
import { trivyScans } from "./security/trivy.ts";

const DEPENDENCY_AUDIT = "dependency advisories (production)";

export async function securityChecks(dir: string, log: (line: string) => void): Promise<CheckResult[]> {
  const timed = async (check: () => Promise<CheckResult> | CheckResult): Promise<CheckResult> => {
    const started = Date.now();
    const r = await check();
    return { ...r, seconds: r.seconds ?? (Date.now() - started) / 1000 };
  };
  const notRun = (check: string, tool: string, e: unknown): CheckResult => ({
    check,
    tool,
    outcome: "not-run",
    detail: (e as Error).message.split("\n")[0]!,
  });
  const results: CheckResult[] = [];
  log("--- Gitleaks: secrets in the git history");
  results.push(
    await timed(() => gitleaksScan(dir, log)).catch((e: unknown) =>
      notRun("secrets in the git history", "gitleaks", e),
    ),
  );
  log("--- Semgrep: code patterns");
  results.push(
    await timed(() => semgrepScan(dir, log)).catch((e: unknown) => notRun("code patterns", "semgrep", e)),
  );
  log("--- Trivy: misconfigurations and secrets in the checkout");
  results.push(
    ...(await trivyScans(dir, log).catch((e: unknown) => [notRun("misconfigurations, secrets", "trivy", e)])),
  );
  log("--- npm audit: production dependencies");
  results.push(await timed(() => npmAudit(dir)));
  return results;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const allowOfflineAudit = args.includes("--allow-offline-audit");
  const dir = resolve(args.find((a) => !a.startsWith("--")) ?? resolve(import.meta.dirname, ".."));
  const results = await securityChecks(dir, (line) => console.log(line));
  console.log(`\n${formatResults(results)}`);
  const failed = results.filter(
    (r) =>
      r.outcome === "found" ||
      (r.outcome === "not-run" && !(allowOfflineAudit && r.check === DEPENDENCY_AUDIT)),
  );
  const offline = results.find((r) => r.check === DEPENDENCY_AUDIT && r.outcome === "not-run");
  if (offline && allowOfflineAudit)
    console.log(
      "The dependency audit did NOT run (allowed by --allow-offline-audit): the production dependencies are unaudited in this run.",
    );
  if (failed.length > 0) {
    console.error(
      `security: ${failed.map((r) => `${r.check} (${r.outcome === "found" ? "found" : "not run"})`).join(", ")}.`,
    );
    process.exit(1);
  }
}
