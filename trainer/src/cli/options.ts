import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Command } from "../../../common/cli.ts";
import { createProgram, fromEnv, InvalidArgumentError, Option, subcommand } from "../../../common/cli.ts";
import { MLFLOW_ENV } from "../../../common/mlflow/env.ts";
import { err, failure, ok, type Failure, type Result } from "../../../common/result.ts";
import { TrainConfig } from "../config.ts";
import { EvaluateConfig } from "../evaluate.ts";

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Flag names that are not the key in kebab-case. */
const FLAG_OF: Record<string, string> = { architecture: "arch" };
/** Keys read from the ecosystem's own variable rather than SENTIMENT_TRAIN_<FLAG>. */
const ENV_OF: Record<string, string> = {
  trackingUri: MLFLOW_ENV.trackingUri,
  experiment: MLFLOW_ENV.experiment,
};
/** Keys each command needs, from a flag, a variable or --config. */
const REQUIRED: Record<string, readonly string[]> = { train: ["data", "out"], evaluate: ["model", "data"] };
/** Value placeholders in the help that say more than `<value>`. */
const PLACEHOLDER: Record<string, string> = {
  data: "PATH|imdb|URL",
  out: "DIR",
  model: "DIR",
  metricsFile: "FILE",
};

const number = (raw: string): number => {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError("Must be a number.");
  return n;
};

interface PropertySchema {
  readonly type?: string;
  readonly enum?: readonly string[];
  readonly description?: string;
}

/**
 * One flag per key of `schema` (kebab-case: `batchSize` is `--batch-size`), numbers parsed,
 * enums as choices, the key's zod description as its help. The values are validated by the
 * schema itself when the command runs.
 */
function configOptions(cmd: Command, schema: z.ZodObject): Command {
  const required = REQUIRED[cmd.name()] ?? [];
  const { properties } = z.toJSONSchema(schema, { io: "input" }) as {
    properties: Record<string, PropertySchema>;
  };
  for (const [key, p] of Object.entries(properties)) {
    const flag = FLAG_OF[key] ?? kebab(key);
    const numeric = p.type === "number" || p.type === "integer";
    const placeholder = PLACEHOLDER[key] ?? (numeric ? "n" : "value");
    const o = new Option(
      `--${flag} <${placeholder}>`,
      `${p.description ?? ""}${required.includes(key) ? " Required." : ""}`,
    );
    if (numeric) o.argParser(number);
    if (p.enum) o.choices(p.enum);
    const env = ENV_OF[key];
    cmd.addOption(env === undefined ? o : fromEnv(o, env));
    // The config file's key also works as a flag (`--architecture`).
    if (flag !== kebab(key)) cmd.addOption(new Option(`--${kebab(key)} <${placeholder}>`).hideHelp());
  }
  return cmd
    .option("--config <file>", "JSON or YAML file with any of these settings, in camelCase (flags win)")
    .option("--json", "print the result as JSON on stdout")
    .addOption(
      new Option("--log-level <level>", "log level")
        .choices(["error", "warn", "info", "debug"])
        .default("info"),
    )
    .option("--verbose", "debug logs and stack traces");
}

/** `sentiment-train` with its `train` and `evaluate` commands. */
export function trainerProgram(): Command {
  const cli = createProgram("sentiment-train", "Trains and evaluates sentiment models (Sentiment Operator).");
  // `train --version <V>` is the model's version (a TrainingRun field), so `train` has no --version of its own.
  configOptions(
    subcommand(
      cli,
      "train",
      "Trains a model, evaluates it on the test split and writes the model directory atomically.",
      {
        version: false,
      },
    ),
    TrainConfig,
  );
  configOptions(
    subcommand(
      cli,
      "evaluate",
      "Evaluates a saved model. On its training data it uses the very test split training used, so the figures reproduce the saved test metrics; other data is evaluated whole (its test split if it has one).",
    ),
    EvaluateConfig,
  );
  return cli;
}

export interface CommandSettings {
  /** Config keys (camelCase) from the flags and variables, over those of --config. */
  readonly values: Record<string, unknown>;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly logLevel: string;
}

/** The settings of a parsed `train` or `evaluate`: its flags and variables over its --config file. */
export async function commandSettings(cmd: Command): Promise<Result<CommandSettings, Failure>> {
  const { config, json, verbose, logLevel, ...flags } = cmd.opts<Record<string, unknown>>();
  let values: Record<string, unknown> = {};
  if (typeof config === "string") {
    const file = await readConfigFile(config);
    if (!file.ok) return file;
    values = file.value;
  }
  for (const [attribute, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    const key = Object.keys(FLAG_OF).find((k) => attribute === FLAG_OF[k]) ?? attribute;
    values[key] = value;
  }
  for (const key of REQUIRED[cmd.name()] ?? []) {
    if (values[key] === undefined)
      return err(
        failure("UsageError", `--${kebab(key)} is required: see 'sentiment-train ${cmd.name()} --help'.`),
      );
  }
  return ok({ values, json: json === true, verbose: verbose === true, logLevel: String(logLevel) });
}

/**
 * A JSON or YAML config file with the same camelCase keys as the flags. The TrainingRun's nested
 * `hyperparameters:` and `preprocessing:` blocks are accepted too and flattened.
 */
export async function readConfigFile(path: string): Promise<Result<Record<string, unknown>, Failure>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    return err(
      failure(
        "ConfigNotFound",
        `Cannot read the config file ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): check --config.`,
      ),
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return err(
      failure(
        "ConfigInvalid",
        `${path} is neither JSON nor YAML (${(e as Error).message.split("\n")[0]}): fix the file.`,
      ),
    );
  }
  if (doc === null || doc === undefined) return ok({});
  if (typeof doc !== "object" || Array.isArray(doc))
    return err(failure("ConfigInvalid", `${path} must hold an object of settings, like "epochs: 3".`));
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (
      (k === "hyperparameters" || k === "preprocessing") &&
      typeof v === "object" &&
      v !== null &&
      !Array.isArray(v)
    ) {
      for (const [ik, iv] of Object.entries(v as Record<string, unknown>)) {
        if (ik in flat) return err(failure("ConfigInvalid", `${path} sets ${ik} twice: keep one.`));
        flat[ik] = iv;
      }
    } else {
      if (k in flat) return err(failure("ConfigInvalid", `${path} sets ${k} twice: keep one.`));
      flat[k] = v;
    }
  }
  return ok(flat);
}
