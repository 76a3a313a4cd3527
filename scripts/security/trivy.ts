/**
 * Trivy over the repository, offline.
 *
 * - Misconfigurations in the Dockerfiles, the Kubernetes manifests in config/ and the Helm chart,
 *   with the checks built into Trivy (`--skip-check-update`: no bundle download). A HIGH or
 *   CRITICAL finding fails, except those `.trivyignore.yaml` accepts with a reason.
 * - Secrets in every file of the checkout (dependencies and caches left out).
 * - Not vulnerabilities: Trivy's database comes from ghcr.io, out of reach here (the GitHub
 *   workflow scans the images with it).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { resolveGoTool, TRIVY } from "../tools/go-tools.ts";
import { runCommand } from "../testenv/run-command.ts";
import type { CheckResult, Log } from "./check.ts";

const SKIPPED_DIRS = ["node_modules", ".cache", ".testenv", "models", "coverage"];

/** Runs both scans over `dir`, one result each. */
export async function trivyScans(dir: string, log: Log): Promise<CheckResult[]> {
  const trivy = await resolveGoTool(TRIVY, log);
  const common = ["--quiet", "--exit-code", "1", "--skip-dirs", SKIPPED_DIRS.join(",")];
  const ignoreFile = join(dir, ".trivyignore.yaml");
  const ignore = existsSync(ignoreFile) ? ["--ignorefile", ignoreFile] : [];
  const scans: [string, string[]][] = [
    [
      "misconfigurations, HIGH/CRITICAL (Dockerfiles, manifests, chart)",
      ["config", "--skip-check-update", "--severity", "HIGH,CRITICAL", ...ignore, ...common, dir],
    ],
    ["secrets in the checkout's files", ["fs", "--scanners", "secret", ...common, dir]],
  ];
  const results: CheckResult[] = [];
  for (const [check, args] of scans) {
    const started = Date.now();
    const r = await runCommand(trivy, args, { onStderrLine: log });
    if (r.stdout.trim() !== "") log(r.stdout.trimEnd());
    results.push({
      check,
      tool: `trivy ${TRIVY.version}`,
      outcome: r.code === 0 ? "clean" : "found",
      detail:
        r.code === 0
          ? "nothing found (accepted findings: .trivyignore.yaml)"
          : `exit ${r.code}, see above; fix it or accept it in .trivyignore.yaml with a reason`,
      seconds: (Date.now() - started) / 1000,
    });
  }
  return results;
}
