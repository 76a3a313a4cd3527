/**
 * The chart's generated files, as a pure function of their sources, so the chart never carries a
 * hand-copied CRD or RBAC rule: `npm run gen:chart` writes them, `npm run check:chart` (CI) fails
 * when the chart differs.
 *
 * | chart file                          | source                                   |
 * |-------------------------------------|------------------------------------------|
 * | crds/<name>.yaml                    | crds/<name>.yaml (from operator/src/api) |
 * | files/role.yaml                     | config/rbac/cluster-role.yaml            |
 * | files/leader-election-role.yaml     | config/rbac/leader-election-role.yaml    |
 * | files/prometheus-rules.yaml         | config/monitoring/prometheus-rules.yaml  |
 * | files/grafana-dashboard.json        | config/monitoring/grafana-dashboard.json |
 * | files/argocd-cm.yaml                | config/argocd/argocd-cm.yaml (Argo CD health checks) |
 * | values.schema.json                  | scripts/chart/values-schema.ts + operator/src/config.ts |
 */
import { parseAllDocuments } from "yaml";
import { err, failure, ok, type Result } from "../../common/result.ts";

/** Everything the generated files come from (file texts as read, and the operator config's JSON Schema). */
export interface ChartSources {
  /** crds/*.yaml: file name → text. */
  readonly crds: ReadonlyMap<string, string>;
  readonly clusterRole: string;
  readonly leaderElectionRole: string;
  readonly prometheusRules: string;
  readonly grafanaDashboard: string;
  readonly argocdCm: string;
  /** The chart's values schema (see values-schema.ts). */
  readonly valuesSchema: object;
}

/** Chart-relative path → content. */
export type ChartFiles = ReadonlyMap<string, string>;

/** The chart directory the generator owns entirely: a file there that it does not plan is stale. */
export const GENERATED_DIRS = ["crds"] as const;

const header = (source: string): string =>
  `# Copied from ${source} by scripts/gen-chart.ts. DO NOT EDIT: edit ${source}, then run \`npm run gen:chart\`.\n`;

/** Parses one YAML document and checks its kind (and that it has rules, for RBAC). */
function checkYaml(
  source: string,
  text: string,
  kinds: readonly string[],
  needsRules: boolean,
): Result<void> {
  const parsed = parseAllDocuments(text);
  const yamlError = parsed.flatMap((d) => d.errors)[0];
  if (yamlError !== undefined) {
    return err(failure("InvalidSource", `${source} is not valid YAML: ${yamlError.message}`));
  }
  const docs = parsed.map((d) => d.toJS() as unknown);
  const objects = docs.filter((d): d is Record<string, unknown> => typeof d === "object" && d !== null);
  if (objects.length !== 1) {
    return err(failure("InvalidSource", `${source} must hold exactly one object; found ${objects.length}.`));
  }
  const obj = objects[0]!;
  if (kinds.length > 0 && !kinds.includes(String(obj["kind"]))) {
    return err(
      failure(
        "InvalidSource",
        `${source} must be a ${kinds.join(" or ")}; found kind '${String(obj["kind"])}'.`,
      ),
    );
  }
  if (needsRules && (!Array.isArray(obj["rules"]) || obj["rules"].length === 0)) {
    return err(
      failure("InvalidSource", `${source} has no rules: the chart's RBAC reads them from its copy.`),
    );
  }
  return ok(undefined);
}

/** The generated chart files, or a Failure naming the source that cannot be used. */
export function planChart(src: ChartSources): Result<ChartFiles> {
  if (src.crds.size === 0) {
    return err(failure("MissingSource", "crds/ holds no CRD: run `npm run gen:crds` first."));
  }
  const files = new Map<string, string>();
  for (const [name, text] of [...src.crds].sort(([a], [b]) => a.localeCompare(b))) {
    const checked = checkYaml(`crds/${name}`, text, ["CustomResourceDefinition"], false);
    if (!checked.ok) return checked;
    files.set(`crds/${name}`, header(`crds/${name}`) + text);
  }
  const yamlCopies = [
    ["files/role.yaml", "config/rbac/cluster-role.yaml", src.clusterRole, ["ClusterRole"], true],
    [
      "files/leader-election-role.yaml",
      "config/rbac/leader-election-role.yaml",
      src.leaderElectionRole,
      ["Role"],
      true,
    ],
    [
      "files/prometheus-rules.yaml",
      "config/monitoring/prometheus-rules.yaml",
      src.prometheusRules,
      [],
      false,
    ],
    ["files/argocd-cm.yaml", "config/argocd/argocd-cm.yaml", src.argocdCm, ["ConfigMap"], false],
  ] as const;
  for (const [target, source, text, kinds, needsRules] of yamlCopies) {
    const checked = checkYaml(source, text, kinds, needsRules);
    if (!checked.ok) return checked;
    files.set(target, header(source) + text);
  }
  try {
    JSON.parse(src.grafanaDashboard);
  } catch (e) {
    return err(
      failure(
        "InvalidSource",
        `config/monitoring/grafana-dashboard.json is not JSON: ${(e as Error).message}`,
      ),
    );
  }
  files.set("files/grafana-dashboard.json", src.grafanaDashboard);
  files.set("values.schema.json", `${JSON.stringify(src.valuesSchema, null, 2)}\n`);
  return ok(files);
}

export interface ChartDrift {
  readonly path: string;
  /** missing: planned but absent; changed: different content; stale: in a generated dir, not planned. */
  readonly problem: "missing" | "changed" | "stale";
}

/**
 * How the chart on disk differs from the plan. `existing` holds the planned paths that exist and
 * every file of the GENERATED_DIRS (chart-relative path → content).
 */
export function chartDrift(planned: ChartFiles, existing: ChartFiles): ChartDrift[] {
  const drift: ChartDrift[] = [];
  for (const [path, text] of planned) {
    const have = existing.get(path);
    if (have === undefined) drift.push({ path, problem: "missing" });
    else if (have !== text) drift.push({ path, problem: "changed" });
  }
  for (const path of existing.keys()) {
    if (!planned.has(path) && GENERATED_DIRS.some((d) => path.startsWith(`${d}/`))) {
      drift.push({ path, problem: "stale" });
    }
  }
  return drift.sort((a, b) => a.path.localeCompare(b.path));
}

/** One line for CI: what drifted and what to run. */
export function formatDrift(chartDir: string, drift: readonly ChartDrift[]): string {
  const list = drift.map((d) => `${d.path} (${d.problem})`).join(", ");
  return `${chartDir} is out of date with its sources: ${list}. Run \`npm run gen:chart\` and commit the result.`;
}
