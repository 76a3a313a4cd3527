import { z } from "zod";
import {
  boolArg,
  createProgram,
  intArg,
  fromEnv,
  Option,
  parseCommandLine,
  zodArg,
} from "../../common/cli.ts";
import { err, failure, ok, type Failure, type Result } from "../../common/result.ts";

/**
 * Server settings. Each has a flag and an environment variable; the flag wins. Parsing is pure:
 * reading the token file and the model happens in main.ts.
 */
export interface ServerConfig {
  /** The model directory written by the trainer (`--model`, `SENTIMENT_SERVE_MODEL`). Required. */
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
  /** Bearer token required by the predict endpoints (`SENTIMENT_SERVE_AUTH_TOKEN`; env only, never a flag). */
  readonly authToken: string | undefined;
  /** File holding the bearer token (`--auth-token-file`, `SENTIMENT_SERVE_AUTH_TOKEN_FILE`); re-read on SIGHUP. */
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
   * work on a second core. @default false: the worker's isolate costs about 65 MiB of RSS under
   * load (203 vs 139 MiB) for 1.1-1.4x one process's maximum on 2 cores, at the same CPU per
   * request, and the HPA scales replicas instead (BENCHMARKS.md, "Model server memory")
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
  predictInWorker: false,
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

function program() {
  return createProgram(
    "sentiment-serve",
    "Serves a model directory written by sentiment-train over HTTP (REST, KServe V1 and V2). SIGHUP reloads the model (and the token file); SIGTERM drains and exits 0.",
  )
    .option("--model <dir>", "model directory written by sentiment-train (required)")
    .addOption(
      fromEnv(
        new Option("--port <n>", "port to listen on; 0 picks one")
          .argParser(intArg(0, 65535))
          .default(CONFIG_DEFAULTS.port),
        "PORT",
      ),
    )
    .addOption(
      fromEnv(new Option("--host <host>", "address to listen on").default(CONFIG_DEFAULTS.host), "HOST"),
    )
    .option(
      "--max-batch-size <n>",
      "most texts in one request; more is 413",
      intArg(1, 100_000),
      CONFIG_DEFAULTS.maxBatchSize,
    )
    .option(
      "--max-text-length <n>",
      "most characters in one text; more is 413",
      intArg(1, 10_000_000),
      CONFIG_DEFAULTS.maxTextLength,
    )
    .option(
      "--max-body-bytes <n>",
      "most bytes in one request body; more is 413",
      intArg(64, 1024 * 1024 * 1024),
      CONFIG_DEFAULTS.maxBodyBytes,
    )
    .option(
      "--auth-token-file <file>",
      `bearer token for the predict endpoints, re-read on SIGHUP (or give the token itself in ${AUTH_TOKEN_ENV})`,
    )
    .option(
      "--reload-interval-ms <n>",
      "metadata.json version polling; 0 is off",
      intArg(0, 86_400_000),
      CONFIG_DEFAULTS.reloadIntervalMs,
    )
    .option(
      "--shutdown-delay-ms <n>",
      "after SIGTERM, readiness is 503 this long before the listener closes",
      intArg(0, 600_000),
      CONFIG_DEFAULTS.shutdownDelayMs,
    )
    .option(
      "--shutdown-timeout-ms <n>",
      "bound on in-flight requests after the listener closed",
      intArg(0, 600_000),
      CONFIG_DEFAULTS.shutdownTimeoutMs,
    )
    .option(
      "--micro-batch <off|ms>",
      "0 batches single texts arriving in one event-loop turn; n waits up to n ms; off",
      zodArg(z.union([z.literal("off"), z.coerce.number().int().min(0).max(1000)])),
      0,
    )
    .option(
      "--micro-batch-size <n>",
      "most single texts per micro-batch",
      intArg(1, 100_000),
      CONFIG_DEFAULTS.microBatchSize,
    )
    .option(
      "--predict-in-worker <bool>",
      "load and run the model in a worker thread (a second core)",
      boolArg,
      CONFIG_DEFAULTS.predictInWorker,
    )
    .option("--log-requests <bool>", "one JSON log line per request", boolArg, CONFIG_DEFAULTS.logRequests)
    .addOption(
      new Option("--log-level <level>", "log level")
        .choices(["error", "warn", "info", "http", "verbose", "debug", "silly"])
        .default(CONFIG_DEFAULTS.logLevel),
    );
}

/** The bearer token itself, never a flag (a flag shows in `ps`). */
export const AUTH_TOKEN_ENV = "SENTIMENT_SERVE_AUTH_TOKEN";

export type ParsedArgs = { readonly print: string } | { readonly config: ServerConfig };

/** Flags win over environment variables; every bad value gives a one-line Failure naming the flag or the variable. */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Result<ParsedArgs, Failure> {
  let out = "";
  let errText = "";
  const parsed = parseCommandLine(program(), argv, env, {
    out: (s) => (out += s),
    err: (s) => (errText += s),
  });
  if ("exit" in parsed)
    return parsed.exit === 0 ? ok({ print: out }) : err(failure("InvalidArguments", errText.trim()));
  const o = parsed.options as Omit<ConfigDefaults, "microBatchMs"> & {
    model?: string;
    authTokenFile?: string;
    microBatch: "off" | number;
  };
  if (o.model === undefined) {
    return err(
      failure(
        "InvalidArguments",
        "sentiment-serve: No model directory: pass --model <DIR> or set SENTIMENT_SERVE_MODEL to a trainer output.",
      ),
    );
  }
  const authToken = nonEmpty(env[AUTH_TOKEN_ENV]);
  if (authToken !== undefined && o.authTokenFile !== undefined) {
    return err(
      failure(
        "InvalidArguments",
        `sentiment-serve: Both ${AUTH_TOKEN_ENV} and --auth-token-file are set; keep only one.`,
      ),
    );
  }
  return ok({
    config: {
      modelDir: o.model,
      port: o.port,
      host: o.host,
      maxBatchSize: o.maxBatchSize,
      maxTextLength: o.maxTextLength,
      maxBodyBytes: o.maxBodyBytes,
      authToken,
      authTokenFile: o.authTokenFile,
      reloadIntervalMs: o.reloadIntervalMs,
      shutdownDelayMs: o.shutdownDelayMs,
      shutdownTimeoutMs: o.shutdownTimeoutMs,
      microBatchMs: o.microBatch === "off" ? undefined : o.microBatch,
      microBatchSize: o.microBatchSize,
      predictInWorker: o.predictInWorker,
      logRequests: o.logRequests,
      logLevel: o.logLevel,
    },
  });
}

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === "" ? undefined : v);
