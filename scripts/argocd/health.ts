/**
 * Argo CD health checks of our kinds, laid out like argo-cd's `resource_customizations`:
 * `config/argocd/health/<group>/<Kind>/{health.lua, health_test.yaml, testdata/*.yaml}`.
 * `runHealthChecks` evaluates a script over objects the way Argo CD does (scripts/argocd/lua-health:
 * gopher-lua, the libraries of an argocd-cm customization, `obj` as the global).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { luaHealthRunner, resolveGoTool } from "../tools/go-tools.ts";

export const REPO = join(import.meta.dirname, "..", "..");
export const HEALTH_DIR = join(REPO, "config", "argocd", "health");
export const GROUP = "sentiment.mlops.dev";

export const HealthStatus = z.object({
  status: z.enum(["Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"]),
  message: z.string().optional(),
});
export type HealthStatus = z.infer<typeof HealthStatus>;

/** health_test.yaml, as Argo CD's resource customization tests read it. */
export const HealthTests = z.object({
  tests: z.array(z.object({ healthStatus: HealthStatus, inputPath: z.string().min(1) })).min(1),
});
export type HealthTests = z.infer<typeof HealthTests>;

export interface HealthCheck {
  readonly group: string;
  readonly kind: string;
  readonly dir: string;
  readonly script: string;
}

/** Every `<group>/<Kind>/health.lua` under HEALTH_DIR, sorted. */
export function healthChecks(root = HEALTH_DIR): HealthCheck[] {
  return readdirSync(root)
    .sort()
    .flatMap((group) =>
      readdirSync(join(root, group))
        .sort()
        .map((kind) => {
          const dir = join(root, group, kind);
          return { group, kind, dir, script: readFileSync(join(dir, "health.lua"), "utf8") };
        }),
    );
}

/** Argo CD's argocd-cm key of a health customization. */
export const configMapKey = (c: Pick<HealthCheck, "group" | "kind">): string =>
  `resource.customizations.health.${c.group}_${c.kind}`;

export type HealthResult = HealthStatus | { readonly error: string };

/** Runs `scriptPath` over `objects` in Argo CD's Lua VM; one result per object, in order. */
export async function runHealthChecks(
  scriptPath: string,
  objects: readonly unknown[],
  log: (line: string) => void = (l) => console.error(l),
): Promise<HealthResult[]> {
  const runner = await resolveGoTool(luaHealthRunner(join(import.meta.dirname, "lua-health")), log);
  const r = spawnSync(runner, [scriptPath], { input: JSON.stringify(objects), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`argocd-lua-health exited with ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as HealthResult[];
}

/** Reads a check's health_test.yaml and its testdata objects. */
export function readHealthTests(check: HealthCheck): { tests: HealthTests["tests"]; objects: unknown[] } {
  const tests = HealthTests.parse(parseYaml(readFileSync(join(check.dir, "health_test.yaml"), "utf8"))).tests;
  const objects = tests.map((t) => parseYaml(readFileSync(join(check.dir, t.inputPath), "utf8")) as unknown);
  return { tests, objects };
}
