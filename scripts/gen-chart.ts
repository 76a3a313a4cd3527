/**
 * Writes the chart's generated files (CRDs, RBAC rules, monitoring files, values schema: see
 * scripts/chart/plan.ts) from their sources (`npm run gen:chart`), or with `--check` fails when
 * the chart differs from them (`npm run check:chart`, CI).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { err, failure, ok, type Result } from "../common/result.ts";
import { chartDrift, formatDrift, GENERATED_DIRS, planChart, type ChartFiles } from "./chart/plan.ts";
import { valuesSchema } from "./chart/values-schema.ts";

export const REPO = join(import.meta.dirname, "..");
export const CHART_DIR = join(REPO, "charts", "sentiment-operator");

/** Reads repo files by key; the first missing one gives a Failure with its hint. */
function readTexts<K extends string>(
  files: Record<K, readonly [path: string, hint: string]>,
): Result<Record<K, string>> {
  const texts = {} as Record<K, string>;
  for (const [key, [path, hint]] of Object.entries(files) as [K, readonly [string, string]][]) {
    try {
      texts[key] = readFileSync(join(REPO, path), "utf8");
    } catch {
      return err(failure("MissingSource", `${path} is missing: ${hint}.`));
    }
  }
  return ok(texts);
}

const yamlFiles = (dir: string): string[] => {
  try {
    return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  } catch {
    return [];
  }
};

/** Reads the sources and plans the generated files. */
export function planFromRepo(): Result<ChartFiles> {
  const crds = new Map(
    yamlFiles(join(REPO, "crds")).map((f) => [f, readFileSync(join(REPO, "crds", f), "utf8")]),
  );
  const texts = readTexts({
    clusterRole: ["config/rbac/cluster-role.yaml", "it holds the operator's ClusterRole"],
    leaderElectionRole: ["config/rbac/leader-election-role.yaml", "it holds the leader-election Role"],
    prometheusRules: ["config/monitoring/prometheus-rules.yaml", "it holds the model alerts"],
    grafanaDashboard: ["config/monitoring/grafana-dashboard.json", "it holds the dashboard"],
    argocdCm: ["config/argocd/argocd-cm.yaml", "run `npm run gen:argocd`"],
  });
  if (!texts.ok) return texts;
  return planChart({
    crds,
    ...texts.value,
    valuesSchema: valuesSchema(),
  });
}

/** The chart's current files at the planned paths and in the generated directories. */
export function readChart(planned: ChartFiles, chartDir = CHART_DIR): ChartFiles {
  const have = new Map<string, string>();
  const read = (path: string): void => {
    try {
      have.set(path, readFileSync(join(chartDir, path), "utf8"));
    } catch {
      // absent: reported as missing by chartDrift
    }
  };
  for (const path of planned.keys()) read(path);
  for (const dir of GENERATED_DIRS) for (const f of yamlFiles(join(chartDir, dir))) read(`${dir}/${f}`);
  return have;
}

function main(): number {
  const planned = planFromRepo();
  if (!planned.ok) {
    console.error(`gen-chart: ${planned.error.message}`);
    return 1;
  }
  const drift = chartDrift(planned.value, readChart(planned.value));
  if (process.argv.includes("--check")) {
    if (drift.length > 0) {
      console.error(formatDrift("charts/sentiment-operator", drift));
      return 1;
    }
    console.log(`charts/sentiment-operator matches its sources (${planned.value.size} generated files).`);
    return 0;
  }
  for (const d of drift) {
    const path = join(CHART_DIR, d.path);
    if (d.problem === "stale") {
      rmSync(path);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, planned.value.get(d.path)!);
  }
  const list = drift.map((d) => `${d.path} (${d.problem === "stale" ? "removed" : "written"})`).join(", ");
  console.log(`charts/sentiment-operator: ${drift.length === 0 ? "already up to date" : list}.`);
  return 0;
}

if (import.meta.main) process.exitCode = main();
