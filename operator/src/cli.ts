import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { parse as parseYaml } from "yaml";
import {
  type Command,
  createProgram,
  fromEnv,
  InvalidArgumentError,
  Option,
  parseCommandLine,
  subcommand,
  intArg,
} from "../../common/cli.ts";
import { err, failure, ok, type Result } from "../../common/result.ts";
import { describeIssues } from "../../common/zod-issues.ts";
import { addComposeCommand } from "./compose/cli.ts";
import { OperatorConfig } from "./config.ts";

/** The operator's own default port of /metrics, /healthz and /readyz (the model server has 8080). */
export const DEFAULT_METRICS_PORT = 8081;

/** Options of `sentiment-operator run`, after flags, environment and the config file are merged. */
export interface RunOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly metricsPort: number;
  readonly metricsHost: string;
  readonly leaderElect: boolean;
  readonly leaderElectionNamespace?: string;
  readonly leaderElectionId: string;
  readonly identity: string;
  readonly workers: number;
  readonly resyncPeriodMs: number;
  readonly config: OperatorConfig;
  readonly logLevel: string;
}

/** "90s", "10m", "1h30m" or plain seconds, to milliseconds. */
export function parseDuration(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(s);
  if (!m || s === "") return undefined;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

const duration = (raw: string): number => {
  const ms = parseDuration(raw);
  if (ms === undefined) throw new InvalidArgumentError("Must be a duration such as 30s, 10m or 1h.");
  return ms;
};

function program() {
  const cli = createProgram(
    "sentiment-operator",
    "Kubernetes operator that trains, gates and serves sentiment models.",
  );
  subcommand(
    cli,
    "run",
    "Runs the TrainingRun and SentimentModel controllers, in cluster or from a kubeconfig.",
  )
    .addOption(
      fromEnv(
        new Option("--kubeconfig <path>", "kubeconfig file (default: ~/.kube/config, or in-cluster)"),
        "KUBECONFIG",
      ),
    )
    .option("--context <name>", "kubeconfig context (default: the current one)")
    .option("--namespace <ns>", "watch only this namespace (default: all namespaces)")
    .option(
      "--metrics-port <n>",
      "port of /metrics, /healthz and /readyz; 0 picks one",
      intArg(0, 65535),
      DEFAULT_METRICS_PORT,
    )
    .option("--metrics-host <host>", "address to listen on", "0.0.0.0")
    .option("--leader-elect", "elect a leader on a Lease, so several replicas are safe", false)
    .option(
      "--leader-election-namespace <ns>",
      "namespace of the Lease (default: $POD_NAMESPACE, or the in-cluster one)",
    )
    .option("--leader-election-id <name>", "name of the Lease", "sentiment-operator-leader")
    .option(
      "--identity <id>",
      "this replica in the Lease (default: $POD_NAME or hostname, plus a random suffix)",
    )
    .option("--workers <n>", "concurrent reconciles per controller", intArg(1, 64), 4)
    .addOption(
      new Option("--resync-period <duration>", "re-check every object this often, e.g. 10m")
        .argParser(duration)
        .default(600_000, "10m"),
    )
    .option(
      "--config <path>",
      "operator config file, YAML or JSON (images, defaults; see operator/src/config.ts)",
    )
    .option("--trainer-image <image>", "image of TrainingRun Jobs when spec.image is unset")
    .option("--server-image <image>", "image of model servers when spec.server.image is unset")
    .addOption(
      new Option("--log-level <level>", "log level")
        .choices(["error", "warn", "info", "debug"])
        .default("info"),
    );
  addComposeCommand(cli);
  return cli;
}

export type CliCommand =
  | { readonly command: "print"; readonly text: string }
  | { readonly command: "compose"; readonly invocation: Command }
  | { readonly command: "run"; readonly options: RunOptions };

/**
 * Parses `argv` (without node and the script) and `env` into a command: `print` for --help and
 * --version, `run` with its options. A usage error is a value with a one-line message.
 */
export function parseCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  readFile = (p: string) => readFileSync(p, "utf8"),
): Result<CliCommand> {
  let out = "";
  let errText = "";
  const parsed = parseCommandLine(program(), argv, env, {
    out: (s) => (out += s),
    err: (s) => (errText += s),
  });
  if ("exit" in parsed) {
    return parsed.exit === 0
      ? ok({ command: "print", text: out })
      : err(failure("UsageError", errText.trim()));
  }
  if (parsed.command.parent?.name() === "compose")
    return ok({ command: "compose", invocation: parsed.command });
  const o = parsed.options as {
    kubeconfig?: string;
    context?: string;
    namespace?: string;
    metricsPort: number;
    metricsHost: string;
    leaderElect: boolean;
    leaderElectionNamespace?: string;
    leaderElectionId: string;
    identity?: string;
    workers: number;
    resyncPeriod: number;
    config?: string;
    trainerImage?: string;
    serverImage?: string;
    logLevel: string;
  };
  const config = loadConfig(o.config, o.trainerImage, o.serverImage, readFile);
  if (!config.ok) return config;

  const base = env["POD_NAME"] ?? hostname();
  const opt = <K extends string>(k: K, v: string | undefined): { [P in K]?: string } =>
    (v === undefined ? {} : { [k]: v }) as { [P in K]?: string };
  return ok({
    command: "run",
    options: {
      ...opt("kubeconfig", o.kubeconfig),
      ...opt("context", o.context),
      ...opt("namespace", o.namespace),
      ...opt("leaderElectionNamespace", o.leaderElectionNamespace ?? env["POD_NAMESPACE"]),
      metricsPort: o.metricsPort,
      metricsHost: o.metricsHost,
      leaderElect: o.leaderElect,
      leaderElectionId: o.leaderElectionId,
      identity: o.identity ?? `${base}_${randomBytes(4).toString("hex")}`,
      workers: o.workers,
      resyncPeriodMs: o.resyncPeriod,
      config: config.value,
      logLevel: o.logLevel,
    },
  });
}

function loadConfig(
  path: string | undefined,
  trainerImage: string | undefined,
  serverImage: string | undefined,
  readFile: (p: string) => string,
): Result<OperatorConfig> {
  let fromFile: unknown = {};
  if (path !== undefined) {
    try {
      fromFile = parseYaml(readFile(path)) ?? {};
    } catch (e) {
      return err(failure("InvalidConfig", `Cannot read --config ${path}: ${(e as Error).message}.`));
    }
  }
  const merged = {
    ...(typeof fromFile === "object" && fromFile !== null ? fromFile : {}),
    ...(trainerImage === undefined ? {} : { trainerImage }),
    ...(serverImage === undefined ? {} : { serverImage }),
  };
  const result = OperatorConfig.safeParse(merged);
  if (!result.success) {
    return err(
      failure(
        "InvalidConfig",
        `Operator config field ${describeIssues(result.error, { max: 1 })}. Fix ${path ?? "the flags"}.`,
      ),
    );
  }
  return ok(result.data);
}
