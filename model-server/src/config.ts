import { parseArgs } from "node:util";
import { z } from "zod";
import { err, failure, ok, type Failure, type Result } from "../../common/result.ts";

/**
 * Server settings. Each has a flag and an environment variable; the flag wins. Parsing is pure:
 * reading the token file and the model happens in main.ts.
 */
export interface ServerConfig {
  /** The model directory written by the trainer (`--model`, `MODEL_DIR`). Required. */
  readonly modelDir: string;
  /** @default 8080. 0 picks a free port (the chosen one is logged). */
  readonly port: number;
  /** @default "0.0.0.0" */
  readonly host: string;
  /** Most texts in one request (`texts`, `instances`, a V2 tensor). More gives 413. @default 256 */
  readonly maxBatchSize: number;
  /** Most characters (UTF-16 code units) in one text. More gives 413. @default 32768 */
  readonly maxTextLength: number;
  /** Most bytes in one request body. More gives 413. @default 2 MiB */
  readonly maxBodyBytes: number;
  /** Bearer token required by the predict endpoints (`AUTH_TOKEN`; env only, never a flag). */
  readonly authToken: string | undefined;
  /** File holding the bearer token (`--auth-token-file`, `AUTH_TOKEN_FILE`); re-read on SIGHUP. */
  readonly authTokenFile: string | undefined;
  /** How often metadata.json is checked for a new version; 0 turns polling off. @default 5000 */
  readonly reloadIntervalMs: number;
  /** After SIGTERM, how long readiness reports 503 before the listener closes. @default 0 */
  readonly shutdownDelayMs: number;
  /** After the listener closes, how long in-flight requests get before connections are cut. @default 10000 */
  readonly shutdownTimeoutMs: number;
  /**
   * Micro-batching of single-text requests (`--micro-batch off|0|<ms>`): `undefined` is off; 0
   * batches what arrives in the same event-loop turn; n > 0 waits up to n ms. @default 0
   * (measured by bench/serve.bench.ts: more throughput under load, the same p99 at 1,000 req/s)
   */
  readonly microBatchMs: number | undefined;
  /**
   * Most single texts in one micro-batch (`--micro-batch-size`). Smaller batches let the HTTP
   * thread and the scorer work at the same time instead of taking turns. @default 16 (measured by
   * bench/serve.bench.ts)
   */
  readonly microBatchSize: number;
  /**
   * Load the model and score texts in a worker thread, so model CPU work runs beside the HTTP
   * work on a second core. @default true (measured: about twice the throughput on 2 cores)
   */
  readonly predictInWorker: boolean;
  /** One JSON log line per request. @default true */
  readonly logRequests: boolean;
  /** winston level. @default "info" */
  readonly logLevel: string;
}

export type ConfigDefaults = Omit<ServerConfig, "modelDir" | "authToken" | "authTokenFile">;

export const CONFIG_DEFAULTS: ConfigDefaults = {
  port: 8080,
  host: "0.0.0.0",
  maxBatchSize: 256,
  maxTextLength: 32_768,
  maxBodyBytes: 2 * 1024 * 1024,
  reloadIntervalMs: 5000,
  shutdownDelayMs: 0,
  shutdownTimeoutMs: 10_000,
  microBatchMs: 0,
  microBatchSize: 16,
  predictInWorker: true,
  logRequests: true,
  logLevel: "info",
};

/** A complete config with every default, for tests and embedders. */
export const defaultConfig = (modelDir: string, overrides: Partial<ServerConfig> = {}): ServerConfig => ({
  modelDir,
  authToken: undefined,
  authTokenFile: undefined,
  ...CONFIG_DEFAULTS,
  ...overrides,
});

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** Each option: its flag, its environment variable, and how the string value is parsed. */
const OPTIONS = {
  modelDir: { flag: "model", env: "MODEL_DIR", schema: z.string().min(1) },
  port: { flag: "port", env: "PORT", schema: int(0, 65535) },
  host: { flag: "host", env: "HOST", schema: z.string().min(1) },
  maxBatchSize: { flag: "max-batch-size", env: "MAX_BATCH_SIZE", schema: int(1, 100_000) },
  maxTextLength: { flag: "max-text-length", env: "MAX_TEXT_LENGTH", schema: int(1, 10_000_000) },
  maxBodyBytes: { flag: "max-body-bytes", env: "MAX_BODY_BYTES", schema: int(64, 1024 * 1024 * 1024) },
  authTokenFile: { flag: "auth-token-file", env: "AUTH_TOKEN_FILE", schema: z.string().min(1) },
  reloadIntervalMs: { flag: "reload-interval-ms", env: "RELOAD_INTERVAL_MS", schema: int(0, 86_400_000) },
  shutdownDelayMs: { flag: "shutdown-delay-ms", env: "SHUTDOWN_DELAY_MS", schema: int(0, 600_000) },
  shutdownTimeoutMs: { flag: "shutdown-timeout-ms", env: "SHUTDOWN_TIMEOUT_MS", schema: int(0, 600_000) },
  microBatch: {
    flag: "micro-batch",
    env: "MICRO_BATCH",
    schema: z.union([z.literal("off"), int(0, 1000)]),
  },
  microBatchSize: { flag: "micro-batch-size", env: "MICRO_BATCH_SIZE", schema: int(1, 100_000) },
  predictInWorker: { flag: "predict-in-worker", env: "PREDICT_IN_WORKER", schema: bool },
  logRequests: { flag: "log-requests", env: "LOG_REQUESTS", schema: bool },
  logLevel: {
    flag: "log-level",
    env: "LOG_LEVEL",
    schema: z.enum(["error", "warn", "info", "http", "verbose", "debug", "silly"]),
  },
} as const;

type OptionKey = keyof typeof OPTIONS;

export const USAGE = `Usage: sentiment-serve --model <DIR> [options]

Serves a model directory written by sentiment-train over HTTP (REST, KServe V1 and V2).

Options (flag, environment variable, default):
${(Object.keys(OPTIONS) as OptionKey[])
  .map((k) => `  --${OPTIONS[k].flag.padEnd(22)} ${OPTIONS[k].env.padEnd(20)} ${defaultOf(k)}`)
  .join("\n")}
  AUTH_TOKEN (env only): bearer token required by the predict endpoints.
  SIGHUP reloads the model (and the token file); SIGTERM drains and exits 0.`;

function defaultOf(k: OptionKey): string {
  if (k === "modelDir") return "(required)";
  if (k === "authTokenFile") return "(none)";
  if (k === "microBatch") return "0";
  return String((CONFIG_DEFAULTS as Record<string, unknown>)[k]);
}

export type ParsedArgs = { readonly help: true } | { readonly help: false; readonly config: ServerConfig };

/** Flags win over environment variables; every bad value gives a Failure naming the flag and the variable. */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Result<ParsedArgs, Failure> {
  let values: Record<string, string | boolean | undefined>;
  try {
    const flagOptions = Object.fromEntries(
      Object.values(OPTIONS).map((o) => [o.flag, { type: "string" as const }]),
    );
    values = parseArgs({
      args: [...argv],
      options: { ...flagOptions, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    return err(
      failure("InvalidArguments", `${(e as Error).message}. Run sentiment-serve --help for the options.`),
    );
  }
  if (values["help"] === true) return ok({ help: true });

  const resolved: Record<string, unknown> = {};
  for (const key of Object.keys(OPTIONS) as OptionKey[]) {
    const opt = OPTIONS[key];
    const flagValue = values[opt.flag];
    const raw = typeof flagValue === "string" ? flagValue : nonEmpty(env[opt.env]);
    if (raw === undefined) continue;
    const parsed = opt.schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]?.message ?? "invalid value";
      return err(
        failure("InvalidArguments", `Invalid --${opt.flag} (${opt.env}) ${JSON.stringify(raw)}: ${issue}.`),
      );
    }
    resolved[key] = parsed.data;
  }

  const modelDir = resolved["modelDir"] as string | undefined;
  if (modelDir === undefined) {
    return err(
      failure(
        "InvalidArguments",
        "No model directory: pass --model <DIR> or set MODEL_DIR to a trainer output.",
      ),
    );
  }
  const authToken = nonEmpty(env["AUTH_TOKEN"]);
  const authTokenFile = resolved["authTokenFile"] as string | undefined;
  if (authToken !== undefined && authTokenFile !== undefined) {
    return err(
      failure(
        "InvalidArguments",
        "Both AUTH_TOKEN and --auth-token-file (AUTH_TOKEN_FILE) are set; keep only one.",
      ),
    );
  }
  const microBatch = resolved["microBatch"] as "off" | number | undefined;
  const pick = <K extends keyof ConfigDefaults>(k: K): ConfigDefaults[K] =>
    (resolved[k] as ConfigDefaults[K] | undefined) ?? CONFIG_DEFAULTS[k];
  return ok({
    help: false,
    config: {
      modelDir,
      port: pick("port"),
      host: pick("host"),
      maxBatchSize: pick("maxBatchSize"),
      maxTextLength: pick("maxTextLength"),
      maxBodyBytes: pick("maxBodyBytes"),
      authToken,
      authTokenFile,
      reloadIntervalMs: pick("reloadIntervalMs"),
      shutdownDelayMs: pick("shutdownDelayMs"),
      shutdownTimeoutMs: pick("shutdownTimeoutMs"),
      microBatchMs:
        microBatch === undefined
          ? CONFIG_DEFAULTS.microBatchMs
          : microBatch === "off"
            ? undefined
            : microBatch,
      microBatchSize: pick("microBatchSize"),
      predictInWorker: pick("predictInWorker"),
      logRequests: pick("logRequests"),
      logLevel: pick("logLevel"),
    },
  });
}

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === "" ? undefined : v);
