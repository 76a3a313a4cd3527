/**
 * Builds the control-plane binaries with Go from the module proxy (no release downloads needed).
 * Each group builds into a `.partial` directory and is moved into place only when it succeeded,
 * so an interrupted build never leaves a half-written binary in the cache.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { err, failure, ok, type Failure, type Result } from "../../common/result.ts";
import { helmLdflags, kubernetesLdflags, stagingModules, stagingVersion } from "./go-flags.ts";
import { runCommand, type CommandResult } from "./run-command.ts";
import { NODE_VERSIONS, VERSIONS, type BinaryName, type NodeBinaryName } from "./versions.ts";

export type Progress = (message: string) => void;

export const KUBERNETES_BINARIES = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"] as const;
export const KUBERNETES_NODE_BINARIES = ["kubelet", "kube-proxy"] as const;

type AnyBinaryName = BinaryName | NodeBinaryName;
type Group = "kubernetes" | "etcd" | "kwok" | "helm" | "prometheus" | "kubernetes-node" | "metrics-server";

const GROUP_OF: Record<AnyBinaryName, Group> = {
  etcd: "etcd",
  "kube-apiserver": "kubernetes",
  "kube-controller-manager": "kubernetes",
  "kube-scheduler": "kubernetes",
  kwok: "kwok",
  helm: "helm",
  prometheus: "prometheus",
  kubelet: "kubernetes-node",
  "kube-proxy": "kubernetes-node",
  "metrics-server": "metrics-server",
};

/** Same settings as the prewarm and CI builds, so Go's build cache is shared between them. */
function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-trimpath", GOWORK: "off" };
}

/** Reports whether `go` can run, with its version line. */
export async function goVersion(): Promise<Result<string>> {
  try {
    const r = await runCommand("go", ["version"], { env: goEnv() });
    if (r.code === 0) return ok(r.stdout.trim());
    return err(failure("GoBroken", `"go version" failed: ${r.stderrTail}`));
  } catch {
    return err(failure("GoMissing", "Go is not installed (no `go` on PATH)."));
  }
}

/**
 * Builds the given binaries into `binDir`. Binaries of the same group (the three Kubernetes
 * components) are built by one `go build`, which compiles their shared packages once.
 */
export async function buildBinaries(
  names: readonly AnyBinaryName[],
  binDir: string,
  workDir: string,
  progress: Progress,
): Promise<Result<void>> {
  const groups = [...new Set(names.map((n) => GROUP_OF[n]))];
  for (const group of groups) {
    const started = Date.now();
    const partial = join(workDir, `${group}.partial`);
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    progress(`Started building ${group} (${describeGroup(group)}).`);
    const result = await BUILDERS[group](join(workDir, group), partial, progress);
    if (!result.ok) return result;
    await mkdir(binDir, { recursive: true });
    for (const bin of binariesOf(group)) await rename(join(partial, bin), join(binDir, bin));
    await rm(partial, { recursive: true, force: true });
    progress(`Built ${group} in ${formatSeconds(Date.now() - started)}.`);
  }
  return ok(undefined);
}

function binariesOf(group: Group): AnyBinaryName[] {
  return (Object.keys(GROUP_OF) as AnyBinaryName[]).filter((b) => GROUP_OF[b] === group);
}

function describeGroup(group: Group): string {
  switch (group) {
    case "kubernetes":
      return `${KUBERNETES_BINARIES.join(", ")} v${VERSIONS.kubernetes}; cold: several minutes`;
    case "etcd":
      return `etcd v${VERSIONS.etcd}`;
    case "kwok":
      return `kwok v${VERSIONS.kwok}`;
    case "helm":
      return `helm v${VERSIONS.helm}`;
    case "prometheus":
      return `prometheus (Go module v${VERSIONS.prometheus}); cold: several minutes`;
    case "kubernetes-node":
      return `${KUBERNETES_NODE_BINARIES.join(", ")} v${VERSIONS.kubernetes}; about a minute after the control plane`;
    case "metrics-server":
      return `metrics-server v${NODE_VERSIONS.metricsServer}`;
  }
}

type Builder = (srcDir: string, outDir: string, progress: Progress) => Promise<Result<void>>;

const BUILDERS: Record<Group, Builder> = {
  kubernetes: (srcDir, outDir, progress) => buildKubernetes(KUBERNETES_BINARIES, srcDir, outDir, progress),

  "kubernetes-node": (srcDir, outDir, progress) =>
    buildKubernetes(KUBERNETES_NODE_BINARIES, srcDir, outDir, progress),

  /** No replace directives: plain `go install`. */
  "metrics-server": (srcDir, outDir, progress) =>
    installGoBinary(
      `sigs.k8s.io/metrics-server/cmd/metrics-server@v${NODE_VERSIONS.metricsServer}`,
      srcDir,
      outDir,
      progress,
    ),

  /** etcd's server module also has replace directives; same throwaway-module approach. */
  async etcd(srcDir, outDir, progress) {
    const goMod = "module etcdtestbin\n\ngo 1.24\n";
    const pinned = [
      `go.etcd.io/etcd/server/v3@v${VERSIONS.etcd}`,
      // server/go.mod pins reflect2 v1.0.1, which predates Go 1.18's runtime changes.
      "github.com/modern-go/reflect2@v1.0.2",
    ];
    const prepared = await prepareModule(srcDir, goMod, pinned, progress);
    if (!prepared.ok) return prepared;
    return goBuild(
      srcDir,
      ["-ldflags", "-s -w", "-o", join(outDir, "etcd"), "go.etcd.io/etcd/server/v3"],
      progress,
    );
  },

  /** KWOK has no replace directives: plain `go install`. */
  kwok: (srcDir, outDir, progress) =>
    installGoBinary(`sigs.k8s.io/kwok/cmd/kwok@v${VERSIONS.kwok}`, srcDir, outDir, progress),

  async helm(srcDir, outDir, progress) {
    await mkdir(srcDir, { recursive: true });
    const mod = await downloadModule("helm.sh/helm/v3", `v${VERSIONS.helm}`);
    if (!mod.ok) return mod;
    const ldflags = helmLdflags(VERSIONS.helm, await readFile(mod.value.goMod, "utf8"));
    return goInstall(
      srcDir,
      outDir,
      ["-ldflags", ldflags, `helm.sh/helm/v3/cmd/helm@v${VERSIONS.helm}`],
      progress,
    );
  },

  /** Prometheus without its web UI assets (not in the module; the tests use the HTTP API only). */
  prometheus: (srcDir, outDir, progress) =>
    installGoBinary(
      `github.com/prometheus/prometheus/cmd/prometheus@v${VERSIONS.prometheus}`,
      srcDir,
      outDir,
      progress,
    ),
};

/**
 * `go install k8s.io/kubernetes/cmd/...@v1.x` fails: its go.mod replaces ~31 staging modules with
 * local paths. A throwaway module requires k8s.io/kubernetes and points each staging module at
 * its published v0.MINOR.PATCH instead (the approach of kubernetes-sigs/scheduler-plugins).
 */
async function buildKubernetes(
  binaries: readonly string[],
  srcDir: string,
  outDir: string,
  progress: Progress,
): Promise<Result<void>> {
  const v = VERSIONS.kubernetes;
  const mod = await downloadModule("k8s.io/kubernetes", `v${v}`);
  if (!mod.ok) return mod;
  const staging = stagingModules(await readFile(mod.value.goMod, "utf8"));
  if (staging.length === 0) {
    return err(failure("BuildFailed", `Found no staging replace directives in k8s.io/kubernetes@v${v}.`));
  }
  const goMod = [
    "module k8stestbin",
    "",
    "go 1.24.0",
    "",
    `require k8s.io/kubernetes v${v}`,
    "",
    "replace (",
    ...staging.map((m) => `\t${m} => ${m} ${stagingVersion(v)}`),
    ")",
    "",
  ].join("\n");
  const pkgs = binaries.map((b) => `k8s.io/kubernetes/cmd/${b}`);
  const prepared = await prepareModule(srcDir, goMod, [...pkgs.map((p) => `${p}@v${v}`)], progress);
  if (!prepared.ok) return prepared;
  const ldflags = kubernetesLdflags(v, mod.value.time);
  return goBuild(srcDir, ["-ldflags", ldflags, "-o", `${outDir}/`, ...pkgs], progress);
}

/**
 * `go install <pkg@version>` of a module without replace directives into `outDir`, stripped, with
 * the shared build settings (`env` adds to them, e.g. a GOEXPERIMENT; `ldflags` to `-s -w`, e.g.
 * a `-X` that stamps the version).
 */
export async function installGoBinary(
  pkg: string,
  srcDir: string,
  outDir: string,
  progress: Progress,
  env: NodeJS.ProcessEnv = {},
  ldflags = "",
): Promise<Result<void>> {
  await mkdir(srcDir, { recursive: true });
  return goInstall(srcDir, outDir, ["-ldflags", `-s -w ${ldflags}`.trim(), pkg], progress, env);
}

interface DownloadedModule {
  readonly goMod: string;
  /** Publication time from the proxy, used as the reproducible build date. */
  readonly time: string;
}

async function downloadModule(path: string, version: string): Promise<Result<DownloadedModule>> {
  const r = await runCommand("go", ["mod", "download", "-json", `${path}@${version}`], { env: goEnv() });
  if (r.code !== 0) return err(goFailure(`go mod download ${path}@${version}`, r));
  const info = JSON.parse(r.stdout) as { GoMod?: string; Info?: string };
  if (!info.GoMod || !info.Info)
    return err(failure("BuildFailed", `go mod download gave no go.mod for ${path}.`));
  const meta = JSON.parse(await readFile(info.Info, "utf8")) as { Time?: string };
  return ok({ goMod: info.GoMod, time: meta.Time ?? "1970-01-01T00:00:00Z" });
}

/** Writes a fresh throwaway go.mod and resolves the requested packages/modules with `go get`. */
async function prepareModule(
  srcDir: string,
  goMod: string,
  getArgs: readonly string[],
  progress: Progress,
): Promise<Result<void>> {
  await rm(srcDir, { recursive: true, force: true });
  await mkdir(srcDir, { recursive: true });
  await writeFile(join(srcDir, "go.mod"), goMod);
  const downloads = countingReporter("Downloaded", /^go: downloading /, progress, "modules");
  const r = await runCommand("go", ["get", ...getArgs], {
    cwd: srcDir,
    env: goEnv(),
    onStderrLine: downloads.line,
  });
  downloads.done();
  return r.code === 0 ? ok(undefined) : err(goFailure(`go get ${getArgs.join(" ")}`, r));
}

async function goBuild(srcDir: string, args: readonly string[], progress: Progress): Promise<Result<void>> {
  const compiled = countingReporter("Compiled", /^[\w.-]+(\/[\w.~+-]+)+$|^[\w-]+$/, progress);
  const r = await runCommand("go", ["build", "-v", ...args], {
    cwd: srcDir,
    env: goEnv(),
    onStderrLine: compiled.line,
  });
  compiled.done();
  return r.code === 0 ? ok(undefined) : err(goFailure("go build", r));
}

async function goInstall(
  srcDir: string,
  outDir: string,
  args: readonly string[],
  progress: Progress,
  env: NodeJS.ProcessEnv = {},
): Promise<Result<void>> {
  const compiled = countingReporter("Compiled", /^[\w.-]+(\/[\w.~+-]+)+$|^[\w-]+$/, progress);
  const r = await runCommand("go", ["install", "-v", ...args], {
    cwd: srcDir,
    env: { ...goEnv(), ...env, GOBIN: outDir },
    onStderrLine: compiled.line,
  });
  compiled.done();
  return r.code === 0 ? ok(undefined) : err(goFailure(`go install ${args.at(-1) ?? ""}`, r));
}

/** Counts matching lines and reports the running count at most every 15 seconds. */
function countingReporter(verb: string, pattern: RegExp, progress: Progress, unit = "packages") {
  let count = 0;
  let lastReport = Date.now();
  const started = Date.now();
  return {
    line: (line: string) => {
      if (!pattern.test(line)) return;
      count++;
      if (Date.now() - lastReport >= 15_000) {
        lastReport = Date.now();
        progress(`${verb} ${count} ${unit} so far (${formatSeconds(Date.now() - started)}).`);
      }
    },
    done: () => {
      if (count > 0) progress(`${verb} ${count} ${unit} in ${formatSeconds(Date.now() - started)}.`);
    },
  };
}

function goFailure(what: string, r: CommandResult): Failure {
  return failure("BuildFailed", `${what} exited with ${r.code}:\n${r.stderrTail}`);
}

export function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
