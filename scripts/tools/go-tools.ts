/**
 * The Go tools the checks run (Trivy, Gitleaks, actionlint, the Argo CD Lua runner), built once
 * with Go from the module proxy (no release downloads here) and cached outside the clone in
 * `~/.cache/sentiment-operator/tools/<name>-<version>/<name>`, so every clone and CI run reuses
 * them. `<NAME>_BIN` (e.g. `GITLEAKS_BIN`) points at another binary instead.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { isExecutable } from "../testenv/binaries.ts";
import { formatSeconds, installGoBinary } from "../testenv/go-build.ts";
import { cacheRoot } from "../testenv/paths.ts";
import { runCommand } from "../testenv/run-command.ts";

export interface GoTool {
  readonly name: string;
  readonly version: string;
  /** `go install` target (`module/cmd@vX`), or a directory of this repository holding a main package. */
  readonly source: { readonly install: string } | { readonly dir: string };
  /** Extra build environment (e.g. a GOEXPERIMENT). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra linker flags (e.g. `-X` stamping the version the tool prints). */
  readonly ldflags?: string;
  /** What a cold build costs, for the progress line. */
  readonly cold: string;
}

export const TRIVY: GoTool = {
  name: "trivy",
  version: "0.74.0",
  source: { install: "github.com/aquasecurity/trivy/cmd/trivy@v0.74.0" },
  env: { GOEXPERIMENT: "jsonv2" }, // Trivy 0.74 imports encoding/json/v2, an experiment in Go 1.25-1.26
  cold: "several minutes",
};

export const GITLEAKS: GoTool = {
  name: "gitleaks",
  version: "8.30.1",
  source: { install: "github.com/zricethezav/gitleaks/v8@v8.30.1" },
  ldflags: "-X github.com/zricethezav/gitleaks/v8/version.Version=v8.30.1",
  cold: "about 2 minutes",
};

export const ACTIONLINT: GoTool = {
  name: "actionlint",
  version: "1.7.12",
  source: { install: "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12" },
  cold: "about a minute",
};

/** The runner of Argo CD health checks (scripts/argocd/lua-health), versioned by its source's hash. */
export function luaHealthRunner(dir: string): GoTool {
  const hash = createHash("sha256");
  for (const f of ["go.mod", "go.sum", "main.go"]) hash.update(readFileSync(join(dir, f)));
  return {
    name: "argocd-lua-health",
    version: hash.digest("hex").slice(0, 12),
    source: { dir },
    cold: "about 20 seconds",
  };
}

export function goToolPath(tool: GoTool, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), "tools", `${tool.name}-${tool.version}`, tool.name);
}

const envVarOf = (tool: GoTool): string => `${tool.name.toUpperCase().replaceAll("-", "_")}_BIN`;

/** `<NAME>_BIN`, else the cached binary, else a build with Go into the cache (logged, with its time). */
export async function resolveGoTool(tool: GoTool, log: (line: string) => void): Promise<string> {
  const fromEnv = process.env[envVarOf(tool)];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${envVarOf(tool)}=${fromEnv} is not an executable file.`);
    return fromEnv;
  }
  const cached = goToolPath(tool);
  if (isExecutable(cached)) return cached;
  const partial = `${cached}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  log(`Building ${tool.name} ${tool.version} with Go (cold: ${tool.cold}; cached afterwards)...`);
  const started = Date.now();
  try {
    if ("install" in tool.source) {
      const built = await installGoBinary(
        tool.source.install,
        partial,
        partial,
        log,
        tool.env ?? {},
        tool.ldflags,
      );
      if (!built.ok) throw new Error(built.error.message);
    } else {
      const r = await runCommand(
        "go",
        ["build", "-trimpath", "-ldflags", "-s -w", "-o", join(partial, tool.name), "."],
        {
          cwd: tool.source.dir,
          env: { ...process.env, CGO_ENABLED: "0", GOWORK: "off", GOFLAGS: "-mod=readonly", ...tool.env },
        },
      );
      if (r.code !== 0) throw new Error(`go build exited with ${r.code}:\n${r.stderrTail}`);
    }
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    const msg = (e as Error).message;
    const hint = /ENOENT|not installed|GoMissing/.test(msg) ? "install Go >= 1.25, or " : "";
    throw new Error(`Building ${tool.name} failed (${hint}set ${envVarOf(tool)}): ${msg}`);
  }
  await rename(join(partial, tool.name), cached).catch((e: unknown) => {
    // Another process may have cached the same tool meanwhile; keep its copy.
    if (!isExecutable(cached)) throw e;
  });
  await rm(partial, { recursive: true, force: true });
  log(`Built ${tool.name} in ${formatSeconds(Date.now() - started)}: ${cached}`);
  return cached;
}
