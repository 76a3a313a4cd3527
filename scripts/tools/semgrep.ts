/**
 * Semgrep, from PyPI (pinned), in a virtualenv cached outside the clone:
 * `~/.cache/sentiment-operator/tools/semgrep-<version>/venv`. The venv is made in place (its
 * scripts name their own path) and counts as installed only once `installed` is written beside it.
 * `SEMGREP_BIN` points at another semgrep.
 */
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isExecutable } from "../testenv/binaries.ts";
import { formatSeconds } from "../testenv/go-build.ts";
import { cacheRoot } from "../testenv/paths.ts";
import { runCommand } from "../testenv/run-command.ts";

export const SEMGREP_VERSION = "1.185.0";

export function semgrepDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), "tools", `semgrep-${SEMGREP_VERSION}`);
}

/** `SEMGREP_BIN`, else the cached venv's semgrep, else a fresh `pip install semgrep==<version>`. */
export async function resolveSemgrep(log: (line: string) => void): Promise<string> {
  const fromEnv = process.env["SEMGREP_BIN"];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`SEMGREP_BIN=${fromEnv} is not an executable file.`);
    return fromEnv;
  }
  const dir = semgrepDir();
  const bin = join(dir, "venv", "bin", "semgrep");
  if (existsSync(join(dir, "installed")) && isExecutable(bin)) return bin;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  log(
    `Installing Semgrep ${SEMGREP_VERSION} from PyPI into ${dir} (cold: about 1-2 minutes; cached afterwards)...`,
  );
  const started = Date.now();
  const steps: [string, string[]][] = [
    ["python3", ["-m", "venv", join(dir, "venv")]],
    [
      join(dir, "venv", "bin", "pip"),
      ["install", "--quiet", "--disable-pip-version-check", `semgrep==${SEMGREP_VERSION}`],
    ],
  ];
  for (const [cmd, args] of steps) {
    const r = await runCommand(cmd, args).catch((e: unknown) => ({
      code: -1,
      stdout: "",
      stderrTail: (e as Error).message,
    }));
    if (r.code !== 0) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(
        `Installing Semgrep failed at \`${cmd} ${args.join(" ")}\` (exit ${r.code}); needs python3 >= 3.9 with venv, and PyPI (or set SEMGREP_BIN):\n${r.stderrTail}`,
      );
    }
  }
  await writeFile(join(dir, "installed"), `semgrep==${SEMGREP_VERSION}\n`);
  log(`Installed Semgrep in ${formatSeconds(Date.now() - started)}: ${bin}`);
  return bin;
}

/** Semgrep's environment here: no metrics, no version check, no registry. */
export const SEMGREP_ENV = {
  SEMGREP_ENABLE_VERSION_CHECK: "0",
  SEMGREP_SEND_METRICS: "off",
} as const;
