import { createLogger } from "../../common/log.ts";
import { MLFLOW_ENV } from "../../common/mlflow/env.ts";
import type { Failure } from "../../common/result.ts";
import { EVALUATE_HELP, MAIN_HELP, TRAIN_HELP } from "./cli/help.ts";
import { flagSpec, parseCommand, readConfigFile } from "./cli/options.ts";
import { formatMetricsTable } from "./cli/report.ts";
import { TrainConfig } from "./config.ts";
import { evaluate, EvaluateConfig } from "./evaluate.ts";
import { createProgress } from "./progress.ts";
import { train, TRAINER_VERSION } from "./train.ts";

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

/** Exit statuses: 0 success, 1 refused input or failed run, 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const TRAIN_ALIASES = { arch: "architecture", architecture: "architecture" };

function fail(io: CliIo, f: Failure): number {
  io.stderr.write(`error: ${f.message}\n`);
  return f.reason === "UsageError" ? EXIT.usage : EXIT.failed;
}

async function settings(
  io: CliIo,
  args: readonly string[],
  keys: readonly string[],
  aliases: Record<string, string>,
): Promise<{ values: Record<string, unknown>; verbose: boolean; help: boolean; json: boolean } | number> {
  const cmd = parseCommand(args, flagSpec(keys, aliases), aliases);
  if (!cmd.ok) return fail(io, cmd.error);
  let fromFile: Record<string, unknown> = {};
  if (cmd.value.configFile !== undefined) {
    const file = await readConfigFile(cmd.value.configFile);
    if (!file.ok) return fail(io, file.error);
    fromFile = file.value;
  }
  return { ...cmd.value, values: { ...fromFile, ...cmd.value.values } };
}

async function trainCommand(io: CliIo, args: readonly string[]): Promise<number> {
  const keys = Object.keys(TrainConfig.shape).filter((k) => k !== "architecture");
  const s = await settings(io, args, keys, TRAIN_ALIASES);
  if (typeof s === "number") return s;
  if (s.help) {
    io.stdout.write(`${TRAIN_HELP}\n`);
    return EXIT.ok;
  }
  for (const required of ["data", "out"]) {
    if (s.values[required] === undefined)
      return fail(io, {
        reason: "UsageError",
        message: `--${required} is required: see sentiment-train train --help.`,
      });
  }
  const logger = createLogger({
    component: "trainer",
    pretty: io.stderr.isTTY === true,
    level: s.verbose ? "debug" : (io.env["LOG_LEVEL"] ?? "info"),
  });
  const progress = createProgress({ stream: io.stderr });
  const result = await train(withTrackingEnv(s.values, io.env) as TrainConfig, {
    logger,
    progress,
    env: io.env,
  });
  if (!result.ok) return fail(io, result.error);
  const r = result.value;
  const tracking = r.summary.tracking?.mlflow;
  if (s.json) {
    io.stdout.write(
      `${JSON.stringify({ dir: r.dir, sha256: r.sha256, summary: r.summary, validation: r.validation, test: r.test }, null, 2)}\n`,
    );
  } else {
    io.stdout.write(
      `Model ${r.metadata.name} ${r.metadata.version} (${r.metadata.architecture}, ${r.metadata.backend}) written to ${r.dir}\n` +
        `Trained in ${r.metadata.metrics.trainSeconds.toFixed(1)} s; ${r.seconds.toFixed(1)} s in all.\n\n` +
        `${formatMetricsTable({ validation: r.validation, test: r.test })}\n` +
        (tracking === undefined
          ? ""
          : tracking.status === "Tracked"
            ? `\nTracked in MLflow: ${tracking.url}\n`
            : `\nMLflow tracking FAILED (the model is written all the same): ${tracking.message}\n`),
    );
  }
  return EXIT.ok;
}

/** MLflow's own variables fill in what neither a flag nor the config file set. */
function withTrackingEnv(values: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const uri = values["trackingUri"] ?? (env[MLFLOW_ENV.trackingUri] || undefined);
  if (uri === undefined) return values;
  const experiment = values["experiment"] ?? (env[MLFLOW_ENV.experiment] || undefined);
  return { ...values, trackingUri: uri, ...(experiment === undefined ? {} : { experiment }) };
}

async function evaluateCommand(io: CliIo, args: readonly string[]): Promise<number> {
  const s = await settings(io, args, Object.keys(EvaluateConfig.shape), {});
  if (typeof s === "number") return s;
  if (s.help) {
    io.stdout.write(`${EVALUATE_HELP}\n`);
    return EXIT.ok;
  }
  for (const required of ["model", "data"]) {
    if (s.values[required] === undefined)
      return fail(io, {
        reason: "UsageError",
        message: `--${required} is required: see sentiment-train evaluate --help.`,
      });
  }
  const result = await evaluate(s.values as EvaluateConfig, {
    progress: createProgress({ stream: io.stderr }),
    env: io.env,
  });
  if (!result.ok) return fail(io, result.error);
  const r = result.value;
  if (s.json) {
    io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  } else {
    const note =
      r.reproducesSaved === undefined
        ? ""
        : r.reproducesSaved
          ? " (reproduces the saved test metrics)"
          : " (DIFFERS from the saved test metrics)";
    io.stdout.write(
      `Model ${r.model.name} ${r.model.version} (${r.model.architecture}) on ${r.data.source}, ${r.data.split} split${note}\n\n` +
        `${formatMetricsTable({ [r.data.split]: r.metrics })}\n`,
    );
  }
  return EXIT.ok;
}

/** The whole CLI, for the bin shim and tests. Returns the exit status. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const verbose = rest.includes("--verbose");
  try {
    switch (command) {
      case "train":
        return await trainCommand(io, rest);
      case "evaluate":
        return await evaluateCommand(io, rest);
      case "--version":
        io.stdout.write(`${TRAINER_VERSION}\n`);
        return EXIT.ok;
      case undefined:
      case "--help":
      case "-h":
      case "help":
        io.stdout.write(`${MAIN_HELP}\n`);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        return fail(io, {
          reason: "UsageError",
          message: `unknown command "${command}": use train or evaluate (see --help).`,
        });
    }
  } catch (e) {
    const error = e as Error;
    io.stderr.write(
      verbose
        ? `${error.stack ?? String(error)}\n`
        : `error: unexpected failure: ${error.message} (run with --verbose for the stack trace)\n`,
    );
    return EXIT.failed;
  }
}

if (import.meta.main) {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
}
