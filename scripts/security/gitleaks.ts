/**
 * Gitleaks over the whole git history (every commit reachable from any ref), with its default
 * rules extended by `.gitleaks.toml`, whose allowlist names each accepted finding and why.
 * Secrets are redacted in its output.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { GITLEAKS, resolveGoTool } from "../tools/go-tools.ts";
import { runCommand } from "../testenv/run-command.ts";
import type { CheckResult, Log } from "./check.ts";

export async function gitleaksScan(repo: string, log: Log): Promise<CheckResult> {
  const gitleaks = await resolveGoTool(GITLEAKS, log);
  const config = join(repo, ".gitleaks.toml");
  const started = Date.now();
  const r = await runCommand(
    gitleaks,
    [
      "git",
      "--no-banner",
      "--no-color",
      "--redact",
      "--verbose",
      "--exit-code",
      "1",
      "--log-opts=--all",
      ...(existsSync(config) ? ["--config", config] : []),
      repo,
    ],
    { onStderrLine: log },
  );
  if (r.stdout.trim() !== "") log(r.stdout.trimEnd());
  const commits = /(\d+) commits scanned/.exec(r.stderrTail)?.[1] ?? "?";
  const leaks = /leaks found: (\d+)/.exec(r.stderrTail)?.[1];
  const outcome = r.code === 0 ? "clean" : leaks !== undefined ? "found" : "not-run";
  return {
    check: "secrets in the git history",
    tool: `gitleaks ${GITLEAKS.version}`,
    outcome,
    detail:
      outcome === "clean"
        ? `${commits} commits scanned, no leak (accepted findings: .gitleaks.toml)`
        : outcome === "found"
          ? `${leaks} leaks in ${commits} commits, see above: rotate the secret and rewrite it out, or allowlist a false positive in .gitleaks.toml with a reason`
          : `gitleaks failed (exit ${r.code}): ${r.stderrTail.split("\n").slice(-3).join(" ")}`,
    seconds: (Date.now() - started) / 1000,
  };
}
