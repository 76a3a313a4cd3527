import { EXIT, parseCommandLine } from "../../common/cli.ts";
import { createLogger } from "../../common/log.ts";
import type { Failure } from "../../common/result.ts";
import { commandSettings, trainerProgram, type CommandSettings } from "./cli/options.ts";
import { formatMetricsTable } from "./cli/report.ts";
import type { TrainConfig } from "./config.ts";
import { evaluate, type EvaluateConfig } from "./evaluate.ts";
import { createProgress } from "./progress.ts";
import { train } from "./train.ts";

export { EXIT };

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

function fail(io: CliIo, f: Failure): number {
  io.stderr.write(`sentiment-train: ${f.message}\n`);
  return f.reason === "UsageError" ? EXIT.usage : EXIT.failed;
}

async function trainCommand(io: CliIo, s: CommandSettings): Promise<number> {
  const logger = createLogger({
    component: "trainer",
    pretty: io.stderr.isTTY === true,
    level: s.verbose ? "debug" : s.logLevel,
  });
  const progress = createProgress({ stream: io.stderr });
  const result = await train(s.values as TrainConfig, { logger, progress, env: io.env }).finally(() =>
    progress.done(),
  );
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

async function evaluateCommand(io: CliIo, s: CommandSettings): Promise<number> {
  const progress = createProgress({ stream: io.stderr });
  const result = await evaluate(s.values as EvaluateConfig, { progress, env: io.env }).finally(() =>
    progress.done(),
  );
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
  const parsed = parseCommandLine(trainerProgram(), argv, io.env, {
    out: (s) => io.stdout.write(s),
    err: (s) => io.stderr.write(s),
  });
  if ("exit" in parsed) return parsed.exit;
  const settings = await commandSettings(parsed.command);
  if (!settings.ok) return fail(io, settings.error);
  try {
    return await (parsed.command.name() === "train" ? trainCommand : evaluateCommand)(io, settings.value);
  } catch (e) {
    const error = e as Error;
    io.stderr.write(
      settings.value.verbose
        ? `${error.stack ?? String(error)}\n`
        : `sentiment-train: unexpected failure: ${error.message} (run with --verbose for the stack trace)\n`,
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
