import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../../../common/log.ts";
import { freePort } from "./deployment-runner.ts";
import { stopGroup, type ProcessTable } from "./processes.ts";
import { writeAtomic } from "./store.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** The project's alert and recording rules, loaded as they are (never a copy). */
export const RULES_FILE = join(ROOT, "config/monitoring/prometheus-rules.yaml");
export const PROMETHEUS_ENV = "SENTIMENT_PROMETHEUS";
export const PROMETHEUS_HINT =
  "Prometheus is not installed: `npm run testenv:build` builds it (from the Go module proxy) into ~/.cache/sentiment-operator/k8s/<versions>/bin, or set SENTIMENT_PROMETHEUS to a prometheus binary. Going on without it.";

/** A scrape target group, as Prometheus' file_sd reads them. */
export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export interface PrometheusHandle {
  readonly url: string | undefined;
  readonly hint?: string;
  stop(): Promise<void>;
}

/**
 * $SENTIMENT_PROMETHEUS, else the one `npm run testenv:build` built (the versioned cache,
 * `~/.cache/sentiment-operator/k8s/<versions>/bin`; the newest when there are several), else
 * `prometheus` on PATH.
 */
export function findPrometheus(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env[PROMETHEUS_ENV];
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  const cache = join(env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "sentiment-operator", "k8s");
  const built = (existsSync(cache) ? readdirSync(cache) : [])
    .map((v) => join(cache, v, "bin", "prometheus"))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (built[0] !== undefined) return built[0];
  for (const dir of (env["PATH"] ?? "").split(delimiter)) {
    const p = join(dir, "prometheus");
    if (dir !== "" && existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Prometheus for compose mode: scrapes the operator and every ready model-server replica (found
 * through a file_sd file the runtime rewrites, labelled `job` = the Service and `namespace`, as a
 * ServiceMonitor would), evaluates config/monitoring/prometheus-rules.yaml, keeps its data in
 * the state directory. Port 9090, or a free one when that is taken.
 */
export async function startPrometheus(opts: {
  readonly stateDir: string;
  readonly operatorPort: number;
  readonly targets: () => TargetGroup[];
  readonly processes: ProcessTable;
  readonly logger?: Logger;
  readonly port?: number;
}): Promise<PrometheusHandle> {
  const bin = findPrometheus();
  if (bin === undefined) return { url: undefined, hint: PROMETHEUS_HINT, stop: () => Promise.resolve() };
  const dir = join(opts.stateDir, "prometheus");
  mkdirSync(join(dir, "data"), { recursive: true });
  const targetsFile = join(dir, "targets.json");
  let last = "";
  const writeTargets = (): void => {
    const groups = opts.targets();
    const text = JSON.stringify(groups);
    if (text !== last) writeAtomic(dir, "targets.json", groups);
    last = text;
  };
  writeTargets();
  writeAtomic(dir, "prometheus.yml", {
    global: { scrape_interval: "5s", evaluation_interval: "5s" },
    rule_files: existsSync(RULES_FILE) ? [RULES_FILE] : [],
    scrape_configs: [
      {
        job_name: "sentiment-operator",
        static_configs: [{ targets: [`127.0.0.1:${opts.operatorPort}`], labels: { namespace: "compose" } }],
      },
      { job_name: "sentiment-model", file_sd_configs: [{ files: [targetsFile], refresh_interval: "5s" }] },
    ],
  });
  const port = opts.port ?? (await portOr(9090));
  const url = `http://127.0.0.1:${port}`;
  const child = opts.processes.spawn(
    "prometheus",
    [
      bin,
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=2d",
    ],
    { env: process.env, logFile: join(opts.stateDir, "logs", "prometheus.log") },
  );
  const timer = setInterval(writeTargets, 2000);
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (child.exitCode !== null) {
    clearInterval(timer);
    return {
      url: undefined,
      hint: `Prometheus exited at start (see ${join(opts.stateDir, "logs", "prometheus.log")}); going on without it.`,
      stop: () => Promise.resolve(),
    };
  }
  opts.logger?.info("Started Prometheus", { url, pid: child.pid });
  return {
    url,
    stop: async () => {
      clearInterval(timer);
      if (child.pid !== undefined && child.exitCode === null) await stopGroup(child.pid, 10_000);
    },
  };
}

/** `preferred` when it is free on the loopback, else a free port. */
export async function portOr(preferred: number): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolvePort) => {
    const s = createServer();
    s.once("error", () => void freePort().then(resolvePort));
    s.listen(preferred, "127.0.0.1", () => s.close(() => resolvePort(preferred)));
  });
}
