import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { err, failure, ok, type Result } from "../../common/result.ts";
import { OperatorConfig } from "./config.ts";

export const USAGE = `Usage: sentiment-operator run [flags]

Runs the TrainingRun and SentimentModel controllers, in cluster or from a kubeconfig.
Every flag can also be set by an environment variable: --foo-bar is SENTIMENT_OPERATOR_FOO_BAR
(flags win).

  --kubeconfig PATH            kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)
  --context NAME               kubeconfig context (default: the current one)
  --namespace NS               watch only this namespace (default: all namespaces)
  --metrics-port N             port of /metrics, /healthz and /readyz (default 8080; 0 picks one)
  --metrics-host HOST          address to listen on (default 0.0.0.0)
  --leader-elect               elect a leader on a Lease, so several replicas are safe (default off)
  --leader-election-namespace  namespace of the Lease (default: $POD_NAMESPACE, or the in-cluster one)
  --leader-election-id NAME    name of the Lease (default sentiment-operator-leader)
  --identity ID                this replica in the Lease (default: $POD_NAME or hostname, plus a random suffix)
  --workers N                  concurrent reconciles per controller (default 4)
  --resync-period DURATION     re-check every object this often, e.g. 10m (default 10m)
  --config PATH                operator config file, YAML or JSON (images, defaults; see operator/src/config.ts)
  --trainer-image IMAGE        image of TrainingRun Jobs when spec.image is unset
  --server-image IMAGE         image of model servers when spec.server.image is unset
  --log-level LEVEL            error, warn, info or debug (default info; also $LOG_LEVEL)
`;

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

const FLAGS = {
  kubeconfig: { type: "string" },
  context: { type: "string" },
  namespace: { type: "string" },
  "metrics-port": { type: "string" },
  "metrics-host": { type: "string" },
  "leader-elect": { type: "boolean" },
  "leader-election-namespace": { type: "string" },
  "leader-election-id": { type: "string" },
  identity: { type: "string" },
  workers: { type: "string" },
  "resync-period": { type: "string" },
  config: { type: "string" },
  "trainer-image": { type: "string" },
  "server-image": { type: "string" },
  "log-level": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type FlagName = keyof typeof FLAGS;

/** "90s", "10m", "1h30m" or plain seconds, to milliseconds. */
export function parseDuration(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(s);
  if (!m || s === "") return undefined;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

const envName = (flag: string): string => `SENTIMENT_OPERATOR_${flag.toUpperCase().replace(/-/g, "_")}`;

export type CliCommand =
  { readonly command: "help" } | { readonly command: "run"; readonly options: RunOptions };

/**
 * Parses `argv` (without node and the script) and `env` into a command. Errors are values with
 * a one-line message that says what to do.
 */
export function parseCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  readFile = (p: string) => readFileSync(p, "utf8"),
): Result<CliCommand> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (e) {
    return err(
      failure("InvalidFlag", `${(e as Error).message}. Run 'sentiment-operator --help' for the flags.`),
    );
  }
  const [command, ...extra] = parsed.positionals;
  if (parsed.values.help || command === "help" || command === undefined) return ok({ command: "help" });
  if (command !== "run")
    return err(failure("UnknownCommand", `Unknown command '${command}'; the only command is 'run'.`));
  if (extra.length > 0)
    return err(failure("InvalidFlag", `Unexpected argument '${extra[0]}'; flags start with --.`));

  const get = (flag: FlagName): string | undefined => {
    const v = parsed.values[flag];
    if (typeof v === "string") return v;
    if (typeof v === "boolean") return String(v);
    const e = env[envName(flag)];
    return e === undefined || e === "" ? undefined : e;
  };

  const int = (flag: FlagName, fallback: number, min: number, max: number): Result<number> => {
    const raw = get(flag);
    if (raw === undefined) return ok(fallback);
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      return err(failure("InvalidFlag", `--${flag} must be an integer from ${min} to ${max}; got '${raw}'.`));
    }
    return ok(n);
  };
  const metricsPort = int("metrics-port", 8080, 0, 65535);
  if (!metricsPort.ok) return metricsPort;
  const workers = int("workers", 4, 1, 64);
  if (!workers.ok) return workers;

  const leaderRaw = get("leader-elect");
  if (leaderRaw !== undefined && !["true", "false", "1", "0"].includes(leaderRaw)) {
    return err(
      failure("InvalidFlag", `${envName("leader-elect")} must be true or false; got '${leaderRaw}'.`),
    );
  }

  const resyncRaw = get("resync-period") ?? "10m";
  const resyncPeriodMs = parseDuration(resyncRaw);
  if (resyncPeriodMs === undefined) {
    return err(
      failure(
        "InvalidFlag",
        `--resync-period must be a duration such as 30s, 10m or 1h; got '${resyncRaw}'.`,
      ),
    );
  }

  const config = loadConfig(get("config"), get("trainer-image"), get("server-image"), readFile);
  if (!config.ok) return config;

  const logLevel = get("log-level") ?? env["LOG_LEVEL"] ?? "info";
  if (!["error", "warn", "info", "debug"].includes(logLevel)) {
    return err(failure("InvalidFlag", `--log-level must be error, warn, info or debug; got '${logLevel}'.`));
  }

  const base = get("identity") ?? env["POD_NAME"] ?? hostname();
  const opt = <K extends string>(k: K, v: string | undefined): { [P in K]?: string } =>
    (v === undefined ? {} : { [k]: v }) as { [P in K]?: string };
  return ok({
    command: "run",
    options: {
      ...opt("kubeconfig", get("kubeconfig") ?? env["KUBECONFIG"]),
      ...opt("context", get("context")),
      ...opt("namespace", get("namespace")),
      ...opt("leaderElectionNamespace", get("leader-election-namespace") ?? env["POD_NAMESPACE"]),
      metricsPort: metricsPort.value,
      metricsHost: get("metrics-host") ?? "0.0.0.0",
      leaderElect: leaderRaw === "true" || leaderRaw === "1",
      leaderElectionId: get("leader-election-id") ?? "sentiment-operator-leader",
      identity: get("identity") ?? `${base}_${randomBytes(4).toString("hex")}`,
      workers: workers.value,
      resyncPeriodMs,
      config: config.value,
      logLevel,
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
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "(root)";
    return err(
      failure(
        "InvalidConfig",
        `Operator config field ${where}: ${issue?.message ?? z.prettifyError(result.error)}. Fix ${path ?? "the flags"}.`,
      ),
    );
  }
  return ok(result.data);
}
