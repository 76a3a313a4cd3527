/**
 * `npm run security:scan` (CI): Trivy over the repository, offline.
 *
 * - Misconfigurations in the Dockerfiles, the Kubernetes manifests in config/ and the Helm chart,
 *   with the checks built into Trivy (`--skip-check-update`: no bundle download). A HIGH or
 *   CRITICAL finding fails the scan, except those `.trivyignore.yaml` accepts with a reason.
 * - Secrets in every file of the checkout (dependencies and caches left out).
 * - Not vulnerabilities: Trivy's database comes from ghcr.io, out of reach here (`npm run
 *   audit:prod` covers the npm dependencies when the registry's audit API answers).
 *
 * Trivy is built from the Go module proxy on first use and cached outside the clone
 * (`~/.cache/sentiment-operator/tools/trivy-<version>/`); `TRIVY_BIN` points at another binary.
 *
 *   npm run security:scan [-- <dir>]
 */
import { existsSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { err, failure } from "../common/result.ts";
import { isExecutable } from "./testenv/binaries.ts";
import { installGoBinary } from "./testenv/go-build.ts";
import { cacheRoot } from "./testenv/paths.ts";
import { runCommand } from "./testenv/run-command.ts";

export const TRIVY_VERSION = "0.74.0";
const REPO = resolve(import.meta.dirname, "..");
const SKIPPED_DIRS = ["node_modules", ".cache", ".testenv", "models", "coverage"];

export function trivyCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), "tools", `trivy-${TRIVY_VERSION}`, "trivy");
}

/** `TRIVY_BIN`, else the cache, else a build with Go into the cache. */
async function resolveTrivy(log: (line: string) => void): Promise<string> {
  const fromEnv = process.env["TRIVY_BIN"];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TRIVY_BIN=${fromEnv} is not an executable file.`);
    return fromEnv;
  }
  const cached = trivyCachePath();
  if (isExecutable(cached)) return cached;
  const partial = `${cached}.partial`;
  await rm(partial, { recursive: true, force: true });
  log(`Building Trivy v${TRIVY_VERSION} from the Go module proxy (cold: several minutes)...`);
  const started = Date.now();
  const built = await installGoBinary(
    `github.com/aquasecurity/trivy/cmd/trivy@v${TRIVY_VERSION}`,
    partial,
    partial,
    log,
    { GOEXPERIMENT: "jsonv2" }, // Trivy 0.74 imports encoding/json/v2, an experiment in Go 1.25-1.26
  ).catch((e: unknown) => err(failure("GoMissing", `${(e as Error).message}; install Go >= 1.25`)));
  if (!built.ok) throw new Error(`Building Trivy failed (or set TRIVY_BIN): ${built.error.message}`);
  await rename(join(partial, "trivy"), cached);
  await rm(partial, { recursive: true, force: true });
  log(`Built Trivy in ${Math.round((Date.now() - started) / 1000)} s: ${cached}`);
  return cached;
}

/** Runs both scans over `dir`; resolves to the names of the scans that found something. */
export async function securityScan(dir: string, log: (line: string) => void): Promise<string[]> {
  const trivy = await resolveTrivy(log);
  const common = ["--quiet", "--exit-code", "1", "--skip-dirs", SKIPPED_DIRS.join(",")];
  const ignoreFile = join(dir, ".trivyignore.yaml");
  const ignore = existsSync(ignoreFile) ? ["--ignorefile", ignoreFile] : [];
  const scans: [string, string[]][] = [
    [
      "misconfigurations (HIGH, CRITICAL)",
      ["config", "--skip-check-update", "--severity", "HIGH,CRITICAL", ...ignore, ...common, dir],
    ],
    ["secrets", ["fs", "--scanners", "secret", ...common, dir]],
  ];
  const failed: string[] = [];
  for (const [name, args] of scans) {
    const r = await runCommand(trivy, args, { onStderrLine: log });
    if (r.stdout.trim() !== "") log(r.stdout.trimEnd());
    if (r.code === 0) log(`Trivy ${name}: clean.`);
    else {
      log(`Trivy ${name}: FOUND problems (exit ${r.code}); see above.`);
      failed.push(name);
    }
  }
  return failed;
}

if (import.meta.main) {
  const dir = resolve(process.argv[2] ?? REPO);
  try {
    const failed = await securityScan(dir, (line) => console.log(line));
    if (failed.length > 0) {
      console.error(
        `security:scan failed: ${failed.join(", ")}. Fix them, or accept one in .trivyignore.yaml with a reason.`,
      );
      process.exit(1);
    }
  } catch (e) {
    console.error(`security:scan: ${(e as Error).message}`);
    process.exit(1);
  }
}
