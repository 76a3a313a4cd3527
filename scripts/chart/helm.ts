/**
 * Runs the pinned Helm of the test control plane (scripts/testenv/versions.ts), found the way the
 * harness finds its binaries ($KUBEBUILDER_ASSETS, then the versioned cache), never on PATH, so
 * every developer and CI lints and renders with the same Helm.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { err, failure, FailureError, ok, type Result } from "../../common/result.ts";
import { BUILD_HINT, resolveBinaries } from "../testenv/binaries.ts";
import { runCommand, type CommandResult } from "../testenv/run-command.ts";
import { VERSIONS, versionsKey } from "../testenv/versions.ts";

export const CHART_DIR = join(import.meta.dirname, "..", "..", "charts", "sentiment-operator");

/** The path of the pinned helm, or a Failure that says how to get it. */
export function helmPath(env: NodeJS.ProcessEnv = process.env): Result<string> {
  const helm = resolveBinaries(env).found.helm;
  if (helm) return ok(helm.path);
  return err(
    failure(
      "HelmMissing",
      `helm ${VERSIONS.helm} is missing (looked in $KUBEBUILDER_ASSETS and the cache for ${versionsKey()}): ${BUILD_HINT}.`,
    ),
  );
}

/** Helm's own state (repositories, cache, plugins) in a private temp dir: nothing from ~ leaks in. */
let helmHome: string | undefined;
function helmEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  helmHome ??= mkdtempSync(join(tmpdir(), "helm-home-"));
  return {
    PATH: process.env["PATH"] ?? "",
    HOME: helmHome,
    HELM_CACHE_HOME: join(helmHome, "cache"),
    HELM_CONFIG_HOME: join(helmHome, "config"),
    HELM_DATA_HOME: join(helmHome, "data"),
    ...extra,
  };
}

/** Runs helm to completion (any exit code); throws a FailureError (HelmMissing) when there is no helm. */
export async function helm(
  args: readonly string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<CommandResult> {
  const path = helmPath();
  if (!path.ok) throw new FailureError(path.error.reason, path.error.message);
  return runCommand(path.value, args, { env: helmEnv(extraEnv) });
}

/** Values as `--set-json key=<json>` flags, so their types are exact (`--set` guesses them). */
export function valueFlags(values: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(values).flatMap(([k, v]) => ["--set-json", `${k}=${JSON.stringify(v)}`]);
}

export interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
  };
  readonly [key: string]: unknown;
}

/** `helm template` of the chart: the objects, or helm's error text. */
export async function renderChart(
  opts: {
    release?: string;
    namespace?: string;
    values?: Readonly<Record<string, unknown>>;
    includeCrds?: boolean;
  } = {},
): Promise<Result<RenderedObject[]>> {
  const r = await helm([
    "template",
    opts.release ?? "rel",
    CHART_DIR,
    "--namespace",
    opts.namespace ?? "sentiment-system",
    ...(opts.includeCrds ? ["--include-crds"] : []),
    ...valueFlags(opts.values ?? {}),
  ]);
  if (r.code !== 0) return err(failure("HelmTemplateFailed", r.stderrTail.trim()));
  const objects = parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as RenderedObject | null)
    .filter((o): o is RenderedObject => o !== null);
  return ok(objects);
}
