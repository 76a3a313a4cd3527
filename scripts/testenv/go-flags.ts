/**
 * Pure helpers that turn upstream go.mod files and versions into the module edits and linker
 * flags the Go build needs. No I/O here: the build shell (go-build.ts) feeds them file contents.
 */

/**
 * The staging modules that k8s.io/kubernetes replaces with `./staging/src/k8s.io/NAME`. `go install`
 * refuses modules with replace directives, so a throwaway module replaces each of them with the
 * published `k8s.io/NAME v0.MINOR.PATCH` instead.
 */
export function stagingModules(kubernetesGoMod: string): string[] {
  const names = new Set<string>();
  for (const line of kubernetesGoMod.split("\n")) {
    const m = /^\s*(?:replace\s+)?(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\/src\/k8s\.io\//.exec(line);
    if (m?.[1]) names.add(m[1]);
  }
  return [...names].sort();
}

/** `1.33.13` → `v0.33.13`: the version every staging module is published under. */
export function stagingVersion(kubernetes: string): string {
  const { minor, patch } = parseSemver(kubernetes);
  return `v0.${minor}.${patch}`;
}

/**
 * Linker flags that stamp the version the way Kubernetes' hack/lib/version.sh does, so `/version`
 * and `--version` report it instead of `v0.0.0-master`. `buildDate` should be the module's
 * publication time (from the proxy's .info) so rebuilds are reproducible.
 */
export function kubernetesLdflags(kubernetes: string, buildDate: string): string {
  const { major, minor } = parseSemver(kubernetes);
  const values: [string, string][] = [
    ["gitVersion", `v${kubernetes}`],
    ["gitMajor", String(major)],
    ["gitMinor", String(minor)],
    ["gitTreeState", "clean"],
    ["gitCommit", ""],
    ["buildDate", buildDate],
  ];
  const flags = ["-s", "-w"];
  for (const pkg of ["k8s.io/client-go/pkg/version", "k8s.io/component-base/version"]) {
    for (const [key, value] of values) flags.push(`-X=${pkg}.${key}=${value}`);
  }
  return flags.join(" ");
}

/**
 * Helm's Makefile stamps its own version and the Kubernetes version of its client libraries (the
 * default `.Capabilities.KubeVersion` for `helm template`), read here from Helm's go.mod.
 */
export function helmLdflags(helm: string, helmGoMod: string): string {
  const clientGo = /^\s*k8s\.io\/client-go\s+(v\S+)/m.exec(helmGoMod)?.[1];
  const flags = ["-s", "-w", `-X=helm.sh/helm/v3/internal/version.version=v${helm}`];
  flags.push("-X=helm.sh/helm/v3/internal/version.gitTreeState=clean");
  if (clientGo) {
    const { minor } = parseSemver(clientGo);
    for (const pkg of ["helm.sh/helm/v3/pkg/lint/rules", "helm.sh/helm/v3/pkg/chartutil"]) {
      flags.push(`-X=${pkg}.k8sVersionMajor=1`, `-X=${pkg}.k8sVersionMinor=${minor}`);
    }
  }
  return flags.join(" ");
}

interface Semver {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** Parses `1.33.13` or `v0.34.2`; throws on anything else (versions come from versions.ts). */
export function parseSemver(version: string): Semver {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) throw new Error(`Expected a version like 1.33.13, got "${version}".`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}
