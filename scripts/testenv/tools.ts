/**
 * The client tools a user needs beside the test cluster, as `testenv:up` reports them: Helm, built
 * with the control plane into the versioned cache (run it with `npm run helm --`), and kubectl,
 * which the test environment does not build: the user's own, found on PATH.
 */
import { spawnSync } from "node:child_process";
import { delimiter, join } from "node:path";
import { binDir, isExecutable, resolveBinaries } from "./binaries.ts";
import { VERSIONS } from "./versions.ts";

export const KUBECTL_HINT = `install kubectl within one minor version of Kubernetes ${VERSIONS.kubernetes} (https://kubernetes.io/docs/tasks/tools/)`;

/** `name` on PATH, as the shell would find it. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (env["PATH"] ?? "")
    .split(delimiter)
    .filter((d) => d !== "")
    .map((d) => join(d, name))
    .find(isExecutable);
}

/** The Helm of the test environment (`$KUBEBUILDER_ASSETS/helm`, else the versioned cache), if built. */
export function testenvHelm(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return resolveBinaries(env).found.helm?.path;
}

function kubectlLine(path: string, version: string | undefined): string {
  const skew = version === undefined ? undefined : kubectlSkew(version);
  return skew === undefined
    ? `kubectl: ${path} (${version ?? "version unknown"}; yours, from PATH: the test environment brings none).`
    : `kubectl: ${path} is ${version}, ${skew}: ${KUBECTL_HINT}.`;
}

/** `kubectl version --client`'s gitVersion, or undefined if it does not answer. */
function kubectlVersion(path: string, env: NodeJS.ProcessEnv): string | undefined {
  const r = spawnSync(path, ["version", "--client", "-o", "json"], {
    env,
    encoding: "utf8",
    timeout: 10_000,
  });
  try {
    return (JSON.parse(r.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
  } catch {
    return undefined;
  }
}

/** Why kubectl `version` (a gitVersion such as v1.32.4) may misbehave on this cluster, if it may. */
export function kubectlSkew(version: string): string | undefined {
  const m = /^v1\.(\d+)\./.exec(version);
  const cluster = Number(VERSIONS.kubernetes.split(".")[1]);
  if (m === null || Math.abs(Number(m[1]) - cluster) <= 1) return undefined;
  return `more than one minor version from the cluster's ${VERSIONS.kubernetes}, which kubectl does not support`;
}

/** Two lines for the user: where Helm and kubectl are and how to run them, or how to get them. */
export function toolLines(env: NodeJS.ProcessEnv = process.env): string[] {
  const helm = testenvHelm(env);
  const kubectl = onPath("kubectl", env);
  return [
    helm
      ? `Helm ${VERSIONS.helm}: ${helm} (not on PATH; run it as \`npm run helm -- <args>\`).`
      : `Helm ${VERSIONS.helm} is not built yet: \`npm run helm -- <args>\` builds it into ${binDir(env)} on first use (Go >= 1.24), or use your own helm.`,
    kubectl
      ? kubectlLine(kubectl, kubectlVersion(kubectl, env))
      : `kubectl is not on PATH and the test environment brings none: ${KUBECTL_HINT}.`,
  ];
}
