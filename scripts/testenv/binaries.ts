/**
 * Finds the control-plane binaries, in this order for each one:
 *   1. `$KUBEBUILDER_ASSETS/<name>` (the envtest convention: point it at binaries you already have);
 *   2. the versioned cache outside the clone (`~/.cache/sentiment-operator/k8s/<versions>/bin`);
 *   3. otherwise (only `ensureBinaries`) build the missing ones with Go into that cache.
 */
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { err, failure, ok, type Result } from "../../common/result.ts";
import { buildBinaries, goVersion, type Progress } from "./go-build.ts";
import { cacheDir, cacheRoot } from "./paths.ts";
import {
  BINARIES,
  NODE_BINARIES,
  nodeVersionsKey,
  VERSIONS,
  versionsKey,
  type BinaryName,
  type NodeBinaryName,
} from "./versions.ts";

export type BinarySource = "KUBEBUILDER_ASSETS" | "cache";

export interface ResolvedBinary {
  readonly path: string;
  readonly source: BinarySource;
}

export type Binaries = Readonly<Record<BinaryName, ResolvedBinary>>;

export interface Resolution {
  readonly found: Partial<Record<BinaryName, ResolvedBinary>>;
  readonly missing: readonly BinaryName[];
}

export const BUILD_HINT = "run `npm run testenv:build` (needs Go >= 1.24 and the Go module proxy)";

export function binDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), "bin");
}

/** Looks each binary up without building anything. */
export function resolveBinaries(env: NodeJS.ProcessEnv = process.env): Resolution {
  const assets = env["KUBEBUILDER_ASSETS"];
  const found: Partial<Record<BinaryName, ResolvedBinary>> = {};
  const missing: BinaryName[] = [];
  for (const name of BINARIES) {
    if (assets && isExecutable(join(assets, name))) {
      found[name] = { path: join(assets, name), source: "KUBEBUILDER_ASSETS" };
    } else if (isExecutable(join(binDir(env), name))) {
      found[name] = { path: join(binDir(env), name), source: "cache" };
    } else {
      missing.push(name);
    }
  }
  return { found, missing };
}

/** All binaries, or a Failure that names the missing ones and says how to get them. */
export function requireBinaries(env: NodeJS.ProcessEnv = process.env): Result<Binaries> {
  const { found, missing } = resolveBinaries(env);
  if (missing.length === 0) return ok(found as Binaries);
  return err(
    failure(
      "BinariesMissing",
      `The test binaries are missing (${missing.join(", ")}) for ${versionsKey()}: ` +
        `${BUILD_HINT}, or set KUBEBUILDER_ASSETS to a directory that holds them.`,
    ),
  );
}

/** Resolves every binary (or those in `only`), building the missing ones with Go. */
export async function ensureBinaries(
  progress: Progress,
  env: NodeJS.ProcessEnv = process.env,
  only: readonly BinaryName[] = BINARIES,
): Promise<Result<Partial<Binaries>>> {
  const missing = resolveBinaries(env).missing.filter((m) => only.includes(m));
  if (missing.length > 0) {
    const go = await goVersion();
    if (!go.ok) {
      return err(
        failure(
          "BinariesMissing",
          `Cannot build ${missing.join(", ")}: ${go.error.message} Install Go >= 1.24 (https://go.dev/dl/) ` +
            `with access to the Go module proxy, or set KUBEBUILDER_ASSETS to a directory holding ` +
            `${missing.join(", ")} (Kubernetes v${VERSIONS.kubernetes}, etcd v${VERSIONS.etcd}).`,
        ),
      );
    }
    progress(`Building ${missing.join(", ")} with ${go.value} into ${binDir(env)}.`);
    const built = await buildBinaries(missing, binDir(env), join(cacheDir(env), "build"), progress);
    if (!built.ok) return built;
  }
  const { found, missing: stillMissing } = resolveBinaries(env);
  const wanted = stillMissing.filter((m) => only.includes(m));
  if (wanted.length > 0)
    return err(failure("BinariesMissing", `Still missing after the build: ${wanted.join(", ")}.`));
  return ok(Object.fromEntries(only.map((n) => [n, found[n]])) as Partial<Binaries>);
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where the real node's binaries live: a cache key of their own (see `nodeVersionsKey`). */
export function nodeBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), "k8s", nodeVersionsKey(), "bin");
}

/** kubelet, kube-proxy and metrics-server paths, building the missing ones with Go. */
export async function ensureNodeBinaries(
  progress: Progress,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Result<Readonly<Record<NodeBinaryName, string>>>> {
  const dir = nodeBinDir(env);
  const missing = NODE_BINARIES.filter((n) => !isExecutable(join(dir, n)));
  if (missing.length > 0) {
    const go = await goVersion();
    if (!go.ok)
      return err(failure("BinariesMissing", `Cannot build ${missing.join(", ")}: ${go.error.message}`));
    progress(`Building ${missing.join(", ")} with ${go.value} into ${dir}.`);
    const built = await buildBinaries(missing, dir, join(dir, "..", "build"), progress);
    if (!built.ok) return built;
  }
  return ok(
    Object.fromEntries(NODE_BINARIES.map((n) => [n, join(dir, n)])) as Record<NodeBinaryName, string>,
  );
}
