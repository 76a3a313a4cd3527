/**
 * Semgrep with the rules kept in the repository (`scripts/security/semgrep/*.yaml`: it cannot
 * fetch the registry's packs here), over the files git tracks. Each rule has its annotated test
 * file beside it (`<rule>.ts` with `// ruleid:` / `// ok:` lines), run by `semgrepRuleTests`.
 * A reviewed exception is a `// nosemgrep: <rule> -- why` comment on the line before the match.
 */
import { join } from "node:path";
import { resolveSemgrep, SEMGREP_ENV, SEMGREP_VERSION } from "../tools/semgrep.ts";
import { runCommand } from "../testenv/run-command.ts";
import type { CheckResult, Log } from "./check.ts";

export const RULES_DIR = join(import.meta.dirname, "semgrep");
const RULES_PATH = "scripts/security/semgrep";
// No per-file time limit (--timeout 0): semgrep's default of 5 s per rule and file left files
// unscanned on a loaded 2-core machine (the taint rule on long test files), which is no clean scan.
const COMMON = ["--metrics=off", "--disable-version-check", "--timeout", "0"] as const;

interface SemgrepJson {
  results: { check_id: string; path: string; start: { line: number }; extra: { message: string } }[];
  errors: { message?: string; type?: unknown }[];
}

export async function semgrepScan(repo: string, log: Log): Promise<CheckResult> {
  const semgrep = await resolveSemgrep(log);
  const started = Date.now();
  const r = await runCommand(
    semgrep,
    [
      "scan",
      ...COMMON,
      "--config",
      join(repo, RULES_PATH),
      "--json",
      "--exclude",
      RULES_PATH,
      "--exclude",
      "charts",
      "--exclude",
      "crds",
      repo,
    ],
    { cwd: repo, env: { ...process.env, ...SEMGREP_ENV } },
  );
  const seconds = (Date.now() - started) / 1000;
  const base = { check: `code patterns (${RULES_PATH} rules)`, tool: `semgrep ${SEMGREP_VERSION}`, seconds };
  let report: SemgrepJson;
  try {
    report = JSON.parse(r.stdout) as SemgrepJson;
  } catch {
    return {
      ...base,
      outcome: "not-run",
      detail: `semgrep printed no report (exit ${r.code}): ${r.stderrTail}`,
    };
  }
  for (const f of report.results) log(`${f.path}:${f.start.line}: ${f.check_id}: ${f.extra.message.trim()}`);
  if (report.errors.length > 0)
    return {
      ...base,
      outcome: "not-run",
      detail: `semgrep reported errors: ${report.errors.map((e) => e.message ?? JSON.stringify(e.type)).join("; ")}`,
    };
  return report.results.length === 0
    ? { ...base, outcome: "clean", detail: "no rule matched" }
    : {
        ...base,
        outcome: "found",
        detail: `${report.results.length} findings, see above: fix them, or add a \`// nosemgrep: <rule>\` comment saying why`,
      };
}

/** `semgrep --test`: every rule flags its `ruleid` lines and none of its `ok` lines. */
export async function semgrepRuleTests(rulesDir: string, log: Log): Promise<{ ok: boolean; output: string }> {
  const semgrep = await resolveSemgrep(log);
  const r = await runCommand(semgrep, ["--test", ...COMMON, rulesDir], {
    env: { ...process.env, ...SEMGREP_ENV },
  });
  const output = `${r.stdout}\n${r.stderrTail}`;
  // `--test` exits 0 on a rule that does not parse (it then tests nothing of it), so read the output.
  return { ok: r.code === 0 && /All tests passed/.test(output) && !/validation failed/.test(output), output };
}
